-- When Discord first refused, with a code that is neither "gone" nor "no access", to delete a message the bot
-- posted for a member who asked to be forgotten (epoch seconds). Such a refusal is retried at every pass; once
-- it has gone on for a day, the server's moderators are asked to delete the message by hand and it leaves the
-- queue, so a member's request does not wait on a refusal that never ends.
ALTER TABLE pending_message_deletions ADD COLUMN refused_since INTEGER;
