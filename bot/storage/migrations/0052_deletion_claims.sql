-- A process claims the messages it is about to delete for a member who asked to be forgotten, so that
-- another process (one starting, or on its quarter-hourly pass, while this one works through the member's
-- request) neither deletes the same messages nor reports the same unreachable ones to the moderators.
-- ``claimed_by`` names the claiming process by the shards it runs: a process restarted with the same shards
-- takes its predecessor's claims at once; any other waits until ``claimed_until`` (epoch seconds) has passed.
ALTER TABLE pending_message_deletions ADD COLUMN claimed_by TEXT;
ALTER TABLE pending_message_deletions ADD COLUMN claimed_until INTEGER;
