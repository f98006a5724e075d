-- The members marked gone are read once at start (each credit then asks a set in memory whether its member is
-- back, not the database); this partial index holds only them, so that read does not scan every summary.
CREATE INDEX streaks_gone ON streaks (guild_id, user_id) WHERE gone_at IS NOT NULL;
