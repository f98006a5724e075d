-- Members Discord said are not in the server (10007 Unknown Member) when a reward role was to be
-- given. Without this record every quarter-hour pass asked Discord again for each of them (one
-- refused request each, for as long as their streak or last month's lead lasted). A member is asked
-- for again once seen again: their credited activity in the server (the sum of its counts) has grown
-- past the mark noted when they were found gone.
CREATE TABLE reward_members_gone (
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    gone_at        INTEGER NOT NULL,
    activity_mark  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
