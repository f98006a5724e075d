-- Whether a quiz tells members right or wrong as they answer, kept with the quiz itself: its post says which,
-- and a moderator re-running /quiz setup with the other rule while it is open must not change it for those who
-- answer after them (the rule was read from the schedule at each click). Quizzes already stored take the rule
-- their schedule holds now.
ALTER TABLE quiz_posts ADD COLUMN reveal_now INTEGER NOT NULL DEFAULT 0;
UPDATE quiz_posts SET reveal_now = COALESCE(
    (SELECT quiz_schedule.reveal_now FROM quiz_schedule WHERE quiz_schedule.guild_id = quiz_posts.guild_id), 0);
