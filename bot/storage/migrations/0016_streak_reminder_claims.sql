-- A streak reminder is claimed for the local day before it is sent and marked sent after Discord
-- accepted it. A claim without its mark means the process died in between: the next pass looks for
-- the DM before sending it again, so a crash neither loses the day's nudge nor sends it twice.
ALTER TABLE streak_reminders ADD COLUMN claimed_date TEXT;
