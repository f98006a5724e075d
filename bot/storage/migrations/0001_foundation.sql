-- Foundation: guild settings, member preferences, the audit log, activity and metadata.
-- Discord ids are INTEGER (64-bit); times are UTC epoch seconds unless named *_date.

CREATE TABLE guild_settings (
    guild_id    INTEGER PRIMARY KEY,
    timezone    TEXT    NOT NULL DEFAULT 'UTC',
    joined_at   INTEGER NOT NULL,
    left_at     INTEGER            -- set when the bot leaves; data is purged 30 days later
);

-- A member's own preferences, shared by every guild (a person has one timezone).
CREATE TABLE user_settings (
    user_id     INTEGER PRIMARY KEY,
    timezone    TEXT
);

-- Who changed what, when: configuration changes and moderator actions.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    actor_id    INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    target_id   INTEGER,
    old_value   TEXT,
    new_value   TEXT,
    reason      TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX audit_log_by_guild ON audit_log (guild_id, created_at DESC);

-- One row per (guild, member, local date, kind): what a member did that counts for streaks.
CREATE TABLE activity (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    local_date  TEXT    NOT NULL,  -- ISO date in the member's timezone at the time
    kind        TEXT    NOT NULL,  -- answer | review | quiz | mock | repair
    first_at    INTEGER NOT NULL,
    count       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (guild_id, user_id, local_date, kind)
) WITHOUT ROWID;
CREATE INDEX activity_by_date ON activity (guild_id, local_date);

-- Small key/value facts about this installation (e.g. the hash of the last synced command tree).
CREATE TABLE meta (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
);
