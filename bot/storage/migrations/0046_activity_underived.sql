-- Members whose streak summary may lag their activity: a first credit of a day that no hook summarised in
-- its own transaction (the hook failed, or none was attached while the bot stopped) and a moderator's
-- repair mark the member here, in the crediting transaction; recomputing the summary removes the mark.
-- Start-up recomputes the marked members instead of reading every activity row against every summary
-- (about 8 s for a thousand servers after a year).
CREATE TABLE activity_underived (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- Once, for an existing database: every summary behind its history, the check start-up made until now.
INSERT OR IGNORE INTO activity_underived (guild_id, user_id)
SELECT a.guild_id, a.user_id FROM activity a LEFT JOIN streaks s ON s.guild_id = a.guild_id AND s.user_id = a.user_id
GROUP BY a.guild_id, a.user_id
HAVING COUNT(DISTINCT a.local_date) != COALESCE(MAX(s.total_days), -1);
