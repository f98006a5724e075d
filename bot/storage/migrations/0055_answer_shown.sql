-- Whether the answer's current text is the one shown in its post's thread. An edit keeps the message of the
-- first version, so "a message is recorded" no longer said whether the edit reached Discord: a process that died
-- between storing an edit and editing the thread's message (or Discord refusing the edit for the moment) left
-- the old text shown for good. Every save marks the answer unshown; showing that very text marks it shown.
ALTER TABLE daily_answers ADD COLUMN shown INTEGER NOT NULL DEFAULT 0;
UPDATE daily_answers SET shown = 1 WHERE thread_message_id IS NOT NULL;
DROP INDEX daily_answers_unshown;
CREATE INDEX daily_answers_unshown ON daily_answers (submitted_at) WHERE shown = 0;
