-- The server each message still owed to a privacy deletion was posted in, so that the server's
-- moderators can be told about a message the bot can no longer reach to delete. Rows queued before
-- this migration keep NULL: the members they were for are already gone from every table.
ALTER TABLE pending_message_deletions ADD COLUMN guild_id INTEGER;
