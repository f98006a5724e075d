-- Whether a server that added the bot still waits for its welcome (the message with the Setup button). The
-- join is recorded first and the welcome posted after; a process that died between the two left a server that
-- Discord never announces again (no second join event) unwelcomed for good. A join sets it; the welcome, once
-- posted (or found already posted after a restart), clears it; each shard's start welcomes what is still owed.
ALTER TABLE guild_settings ADD COLUMN welcome_owed INTEGER NOT NULL DEFAULT 0;
