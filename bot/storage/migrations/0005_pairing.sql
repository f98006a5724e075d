-- Mock-interview pairings: who takes part, the guild's schedule, rounds, groups and what came of them.
-- Discord ids are INTEGER; times are UTC epoch seconds.

-- A member's sign-up in one guild. Availability is kept as the member's own text in its
-- canonical form (e.g. "Mon-Fri 18-21, Sat 10-14"), read in `timezone`.
CREATE TABLE mock_participants (
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('interviewer', 'candidate', 'either')),
    level         TEXT    NOT NULL CHECK (level IN ('junior', 'mid', 'senior', 'staff')),
    timezone      TEXT    NOT NULL,
    availability  TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'left')),
    skip_rounds   INTEGER NOT NULL DEFAULT 0,   -- "/mock pause 2": the next two rounds go without them
    pause_reason  TEXT,                          -- 'member' | 'no-show'
    joined_at     INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- The guild's recurring round. `anchor_date` (local) fixes which weeks a biweekly cadence runs.
CREATE TABLE mock_schedule (
    guild_id      INTEGER PRIMARY KEY,
    channel_id    INTEGER NOT NULL,
    cadence       TEXT    NOT NULL CHECK (cadence IN ('weekly', 'biweekly')),
    weekday       TEXT    NOT NULL CHECK (weekday IN ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')),
    local_time    TEXT    NOT NULL,             -- HH:MM
    timezone      TEXT    NOT NULL,
    anchor_date   TEXT    NOT NULL,
    enabled       INTEGER NOT NULL DEFAULT 1,
    updated_by    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- A round is created once: `round_key` is the scheduled local date (a DST double fire lands
-- on the same key) or `manual:<number>` for a moderator's "pair now".
CREATE TABLE mock_rounds (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id      INTEGER NOT NULL,
    number        INTEGER NOT NULL,
    round_key     TEXT    NOT NULL,
    channel_id    INTEGER NOT NULL,
    starts_at     INTEGER NOT NULL,
    reminder_at   INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'cancelled')),
    seed          INTEGER NOT NULL,
    method        TEXT    NOT NULL,
    created_by    INTEGER,                      -- NULL when the schedule created it
    announcement_id INTEGER,
    closed_at     INTEGER,
    UNIQUE (guild_id, round_key),
    UNIQUE (guild_id, number)
);
CREATE INDEX mock_rounds_open ON mock_rounds (status, guild_id);

-- Groups are stored with the round, before any thread exists; delivery fills in the ids.
CREATE TABLE mock_groups (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id      INTEGER NOT NULL REFERENCES mock_rounds (id) ON DELETE CASCADE,
    guild_id      INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    prompt_id     TEXT    NOT NULL,
    delivery      TEXT    NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'thread', 'dm')),
    thread_id     INTEGER,
    intro_message_id INTEGER,
    reminded_at   INTEGER,
    checkin_message_id INTEGER,
    checkin_at    INTEGER,
    outcome       TEXT    CHECK (outcome IN ('met', 'noshow', 'missed')),
    outcome_by    INTEGER,
    outcome_at    INTEGER,
    UNIQUE (round_id, position)
);
CREATE INDEX mock_groups_by_thread ON mock_groups (thread_id);

CREATE TABLE mock_group_members (
    group_id      INTEGER NOT NULL REFERENCES mock_groups (id) ON DELETE CASCADE,
    round_id      INTEGER NOT NULL,
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('interviewer', 'candidate', 'observer')),
    dm_message_id INTEGER,                      -- when the group was told by DM
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX mock_group_members_by_user ON mock_group_members (guild_id, user_id, round_id);

-- "They didn't show": who was reported absent in which group, and by whom.
CREATE TABLE mock_noshows (
    group_id      INTEGER NOT NULL REFERENCES mock_groups (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    reported_by   INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

-- One member's feedback about another after an interview (ratings 1-5, a short note).
CREATE TABLE mock_feedback (
    group_id      INTEGER NOT NULL REFERENCES mock_groups (id) ON DELETE CASCADE,
    from_id       INTEGER NOT NULL,
    to_id         INTEGER NOT NULL,
    guild_id      INTEGER NOT NULL,
    communication INTEGER NOT NULL CHECK (communication BETWEEN 1 AND 5),
    depth         INTEGER NOT NULL CHECK (depth BETWEEN 1 AND 5),
    tradeoffs     INTEGER NOT NULL CHECK (tradeoffs BETWEEN 1 AND 5),
    note          TEXT,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (group_id, from_id, to_id)
) WITHOUT ROWID;
CREATE INDEX mock_feedback_about ON mock_feedback (guild_id, to_id);
