-- Where the bot posted a member's feedback, so /privacy delete can remove it from Discord too.
ALTER TABLE mock_feedback ADD COLUMN message_channel_id INTEGER;
ALTER TABLE mock_feedback ADD COLUMN message_id INTEGER;

-- Messages the bot posted on a member's behalf that a privacy deletion still has to remove on
-- Discord; written in the deletion's transaction, emptied as Discord confirms (resumed at start).
CREATE TABLE pending_message_deletions (
    message_id  INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL,
    queued_at   INTEGER NOT NULL
);
