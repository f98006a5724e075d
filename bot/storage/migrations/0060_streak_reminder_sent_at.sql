-- When the member's last streak reminder went out. Its local date alone names a different day once the
-- member (or their server) moves timezone: a move west reads the new zone's next day as already reminded,
-- a move east sends a second reminder on one day. Whether today's reminder went out is asked of this instant.
ALTER TABLE streak_reminders ADD COLUMN last_sent_at INTEGER;
