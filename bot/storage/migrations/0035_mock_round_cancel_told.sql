-- Whether every group of a round a moderator cancelled has been told ("Round N was cancelled by a
-- moderator", with its brief closed). The cancellation is stored (the round, its interviews and the audit
-- row in one transaction) before any group hears of it; a crash in between, or between two groups, left
-- groups that were never told and briefs still offering times. A restart now tells them. Earlier rows
-- count as told.
ALTER TABLE mock_rounds ADD COLUMN cancel_told INTEGER NOT NULL DEFAULT 1;

CREATE INDEX mock_rounds_cancel_untold ON mock_rounds (guild_id) WHERE cancel_told = 0;
