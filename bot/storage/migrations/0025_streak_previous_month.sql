-- The month leaderboard shows the server's current month, and each member counts their own local dates
-- in it. A member whose own date is already in the next month (ahead of the server: Tokyo while the
-- server is still on the 31st in Los Angeles) has a summary whose `month` is that next month, so the
-- board lost every day they had in the month it shows. The summary now also keeps the member's active
-- days in the calendar month before `month`; the board reads it, through its own index, for members
-- whose `month` is the one after the month shown. Existing summaries get it from their history.
ALTER TABLE streaks ADD COLUMN prev_month_days INTEGER NOT NULL DEFAULT 0;

UPDATE streaks SET prev_month_days = (
    SELECT COUNT(DISTINCT a.local_date) FROM activity a
    WHERE a.guild_id = streaks.guild_id AND a.user_id = streaks.user_id
      AND a.local_date >= date(streaks.month || '-01', '-1 month') AND a.local_date < streaks.month || '-01')
WHERE month <> '';

CREATE INDEX streaks_prev_month ON streaks (guild_id, month, prev_month_days DESC);
