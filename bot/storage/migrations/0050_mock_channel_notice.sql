-- What kept a mock-interview round from its channel (gone, or a permission the bot lacks there) when the
-- round's moderators were told about it; NULL when nothing did or they were not told yet. Told once a round.
ALTER TABLE mock_rounds ADD COLUMN channel_notice TEXT;
