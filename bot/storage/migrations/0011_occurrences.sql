-- Scheduled posts keyed by the occurrence they served, not only by a local date: a
-- schedule moved to another zone reads `occurrence_at` in its new zone to tell which of
-- its days are already served. Existing rows served the occurrence they were claimed for.
ALTER TABLE daily_posts ADD COLUMN occurrence_at INTEGER;
UPDATE daily_posts SET occurrence_at = claimed_at;
CREATE INDEX daily_posts_by_occurrence ON daily_posts (guild_id, occurrence_at);

ALTER TABLE quiz_posts ADD COLUMN occurrence_at INTEGER;
UPDATE quiz_posts SET occurrence_at = claimed_at;
CREATE INDEX quiz_posts_by_occurrence ON quiz_posts (guild_id, occurrence_at);

-- A closed quiz is revealed by editing its message; the edit is recorded, so a reveal
-- interrupted by a crash or refused by Discord is made again instead of lost.
ALTER TABLE quiz_posts ADD COLUMN revealed_at INTEGER;
UPDATE quiz_posts SET revealed_at = closed_at WHERE status = 'closed';
CREATE INDEX quiz_posts_unrevealed ON quiz_posts (status, revealed_at);
