-- A mock-interview reminder is claimed before it is sent and marked sent after Discord accepted
-- it. A reminder claimed but never marked (the process died in between) is looked for in the
-- member's DMs and the group's thread after a restart: marked sent when it is there, sent when not.
ALTER TABLE mock_reminders ADD COLUMN claimed_at INTEGER;
