-- The servers a member changing their timezone has streaks in are read from their streak summaries (one
-- row per member and server, kept by every credit and by the start-up pass) through this small index,
-- instead of from an index over all activity: that one grew the file by almost half the activity table
-- for a read a member makes when they move.
DROP INDEX IF EXISTS activity_by_member;
CREATE INDEX streaks_by_member ON streaks (user_id);
