-- The channel a server's moderators chose for the bot's notices to them (a daily post that could not be
-- delivered, a privacy deletion's message the bot cannot reach), or NULL: the server's system channel.
ALTER TABLE guild_settings ADD COLUMN notices_channel_id INTEGER;
