-- Members a round could not place (no partner they may be paired with was free) are told so by DM.
-- The list used to be held in memory until the groups were told, so a crash in between lost the
-- message. It is now written with the round, and each member is marked once told.
CREATE TABLE mock_left_out (
    round_id INTEGER NOT NULL REFERENCES mock_rounds (id) ON DELETE CASCADE,
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    told_at  INTEGER,
    PRIMARY KEY (round_id, user_id)
);
