-- A member Discord no longer finds in the server (asked when a leaderboard page names them) is left off the
-- leaderboards until they are active there again; their summary and history are kept. The boards' indexes
-- hold only the members still there, so a page and a rank read no one who left; the current board's also
-- serves the role rewards' live streaks (gone members included), so it keeps every row and carries gone_at.
ALTER TABLE streaks ADD COLUMN gone_at INTEGER;
DROP INDEX streaks_current;
CREATE INDEX streaks_current ON streaks (guild_id, current DESC, breaks_at, gone_at);
DROP INDEX streaks_best;
CREATE INDEX streaks_best ON streaks (guild_id, best DESC) WHERE gone_at IS NULL;
DROP INDEX streaks_month;
CREATE INDEX streaks_month ON streaks (guild_id, month, month_days DESC) WHERE gone_at IS NULL;
DROP INDEX streaks_prev_month;
CREATE INDEX streaks_prev_month ON streaks (guild_id, month, prev_month_days DESC) WHERE gone_at IS NULL;
