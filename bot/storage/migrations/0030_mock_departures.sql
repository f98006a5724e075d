-- Members found gone from the server in the middle of a round (at its nudge or its end), per group.
-- The bot is never told when a member leaves, so their partner kept being nudged and asked how the
-- interview went. Each row is written, with the group's cancellation when fewer than two are left
-- (called_off), before the group is told; told_at is set once the others have heard, so a restart
-- tells the group once.
CREATE TABLE mock_departures (
    group_id   INTEGER NOT NULL REFERENCES mock_groups (id) ON DELETE CASCADE,
    round_id   INTEGER NOT NULL,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    found_at   INTEGER NOT NULL,
    called_off INTEGER NOT NULL CHECK (called_off IN (0, 1)),
    told_at    INTEGER,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX mock_departures_untold ON mock_departures (round_id) WHERE told_at IS NULL;
