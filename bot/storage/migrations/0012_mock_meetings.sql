-- Mock interviews that get scheduled: the time a group agrees on, the Discord event and voice
-- channel made for it, its reminders, and members a member never wants to be paired with.
-- Times are UTC epoch seconds.

-- One row per group once its members start agreeing a time. `version` grows with every
-- confirmation or move, so reminders and calendar files of an earlier time are recognisable.
CREATE TABLE mock_meetings (
    group_id         INTEGER PRIMARY KEY REFERENCES mock_groups (id) ON DELETE CASCADE,
    guild_id         INTEGER NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'agreed', 'cancelled', 'no-time')),
    starts_at        INTEGER,                     -- the agreed start
    minutes          INTEGER NOT NULL DEFAULT 60,
    version          INTEGER NOT NULL DEFAULT 0,
    event_id         INTEGER,                     -- the guild scheduled event
    event_version    INTEGER NOT NULL DEFAULT 0,  -- the version the event shows
    voice_channel_id INTEGER,                     -- a voice channel the bot made for this group
    nudged_at        INTEGER,
    cancelled_by     INTEGER,
    cancel_reason    TEXT,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX mock_meetings_by_status ON mock_meetings (status, guild_id);

-- Times a group can pick: the bot's suggestions (proposed_by NULL) and members' proposals.
CREATE TABLE mock_time_options (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    INTEGER NOT NULL REFERENCES mock_groups (id) ON DELETE CASCADE,
    starts_at   INTEGER NOT NULL,
    proposed_by INTEGER,
    purpose     TEXT    NOT NULL DEFAULT 'agree' CHECK (purpose IN ('agree', 'move')),
    message_id  INTEGER,                          -- the proposal posted in the thread
    created_at  INTEGER NOT NULL,
    UNIQUE (group_id, starts_at, purpose)
);

-- Who accepted which time. A member may accept several; a time is confirmed once all have.
CREATE TABLE mock_time_votes (
    option_id   INTEGER NOT NULL REFERENCES mock_time_options (id) ON DELETE CASCADE,
    group_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (option_id, user_id)
) WITHOUT ROWID;
CREATE INDEX mock_time_votes_by_group ON mock_time_votes (group_id, user_id);

-- Stored timers: one row per member, reminder kind and meeting version. A row is claimed
-- (sent_at set) before it is sent, so no restart can send it twice; rows of an older
-- version or a cancelled meeting are never sent.
CREATE TABLE mock_reminders (
    group_id    INTEGER NOT NULL REFERENCES mock_groups (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('day', 'soon')),
    version     INTEGER NOT NULL,
    due_at      INTEGER NOT NULL,
    sent_at     INTEGER,
    PRIMARY KEY (group_id, user_id, kind, version)
) WITHOUT ROWID;
CREATE INDEX mock_reminders_due ON mock_reminders (sent_at, due_at);

-- "Never pair me with": private to the member who set it.
CREATE TABLE mock_exclusions (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    excluded_id INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, excluded_id)
) WITHOUT ROWID;

-- The voice channel moderators chose for interviews (NULL: the bot makes one per group when it may).
ALTER TABLE mock_schedule ADD COLUMN voice_channel_id INTEGER;
