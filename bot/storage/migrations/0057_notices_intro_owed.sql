-- Whether the channel moderators chose for the bot's notices still waits for the bot's short introduction
-- (what it will post there and how to change it). The choice is saved first and the introduction posted after
-- the moderator is answered; a process that died between the two left the channel without it for good.
-- Choosing a channel sets it; the introduction, once posted (or found already posted after a restart), clears it.
ALTER TABLE guild_settings ADD COLUMN notices_intro_owed INTEGER NOT NULL DEFAULT 0;
