-- The zone each streak summary was computed in. A summary computed in a zone that is no longer the
-- member's (the server set its timezone, or the process died while recomputing after a change) is
-- found by comparing it with the member's zone, and recomputed.
ALTER TABLE streaks ADD COLUMN zone TEXT;
UPDATE streaks SET zone = COALESCE(
    (SELECT timezone FROM user_settings u WHERE u.user_id = streaks.user_id),
    (SELECT timezone FROM guild_settings g WHERE g.guild_id = streaks.guild_id),
    'UTC');
