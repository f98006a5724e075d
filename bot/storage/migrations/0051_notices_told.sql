-- A notice for moderators is stored, then posted, then marked told. A bot stopped between storing and marking
-- looks among the notices it posted before telling again, so the moderators hear of a problem exactly once.
-- Notices stored before this migration were told (or given up on) already.
ALTER TABLE daily_schedule ADD COLUMN failure_notice_told INTEGER NOT NULL DEFAULT 1;
ALTER TABLE quiz_schedule ADD COLUMN failure_notice_told INTEGER NOT NULL DEFAULT 1;
ALTER TABLE mock_rounds ADD COLUMN channel_notice_told INTEGER NOT NULL DEFAULT 1;
