-- Reads that went through a whole table that grows with every member and day, now through an index.
-- SQLite keeps no statistics here (nothing runs ANALYZE), so each of these was a full scan on every call.

-- Start-up looks for answers stored but never shown (normally none): only those rows are in this index.
CREATE INDEX daily_answers_unshown ON daily_answers (submitted_at) WHERE thread_message_id IS NULL;

-- The quarter-hourly close looks at posts with a thread sent in a window of two days.
CREATE INDEX daily_posts_threads_by_sent ON daily_posts (sent_at) WHERE status = 'sent' AND thread_id IS NOT NULL;

-- A member who changes their timezone has their streak recomputed in each server they were active in.
CREATE INDEX activity_by_member ON activity (user_id, guild_id);

-- `/mock history` and `/mock status` read one server's groups and meetings; pairing reads the members of
-- a server's open rounds.
CREATE INDEX mock_groups_by_guild ON mock_groups (guild_id);
CREATE INDEX mock_meetings_by_guild ON mock_meetings (guild_id);
CREATE INDEX mock_group_members_by_round ON mock_group_members (round_id);
