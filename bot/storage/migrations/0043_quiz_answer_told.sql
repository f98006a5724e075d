-- Whether the member was told at once if their pick was right (the server told right or wrong at once,
-- `reveal-now`, when they answered). Their quiz record counts an open quiz by this, not by the server's
-- setting now: a member told "locked in" before a moderator turned `reveal-now` on must not learn their
-- result from the record before the reveal, and one told "right" before it was turned off keeps it counted.
ALTER TABLE quiz_answers ADD COLUMN told INTEGER NOT NULL DEFAULT 0;

-- Answers given under `reveal-now` so far: their members were told.
UPDATE quiz_answers SET told = 1
WHERE guild_id IN (SELECT guild_id FROM quiz_schedule WHERE reveal_now = 1);
