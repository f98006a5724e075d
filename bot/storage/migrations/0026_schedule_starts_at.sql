-- When each schedule was first set up. A first setup after today's time starts with the next
-- occurrence (its reply says so); without this record, a restart later that day found today's
-- occurrence passed and unposted, and posted it. Changing a schedule keeps the value; removing it
-- and setting it up again starts afresh. Older schedules keep NULL: every passed occurrence is owed.
ALTER TABLE daily_schedule ADD COLUMN starts_at INTEGER;
ALTER TABLE quiz_schedule ADD COLUMN starts_at INTEGER;
