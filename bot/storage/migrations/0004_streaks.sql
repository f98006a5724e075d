-- Streaks: a per-member summary derived from `activity` (recomputed from the full history
-- on every change, so it always equals what the history implies), milestones, reminders.

CREATE TABLE streaks (
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    current      INTEGER NOT NULL,
    best         INTEGER NOT NULL,
    freezes      INTEGER NOT NULL,
    last_active  TEXT,               -- local ISO date
    run_start    TEXT,
    breaks_at    INTEGER NOT NULL,   -- UTC epoch second when `current` falls to 0 unless the member acts
    month        TEXT    NOT NULL,   -- 'YYYY-MM' of last_active, in the member's zone
    month_days   INTEGER NOT NULL,   -- active days in that month
    total_days   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE INDEX streaks_current ON streaks (guild_id, current DESC, breaks_at);
CREATE INDEX streaks_best ON streaks (guild_id, best DESC);
CREATE INDEX streaks_month ON streaks (guild_id, month, month_days DESC);

-- Per-guild streak options: milestone announcements and where they go (NULL: the daily channel).
CREATE TABLE streak_settings (
    guild_id          INTEGER PRIMARY KEY,
    announce          INTEGER NOT NULL DEFAULT 1,
    channel_id        INTEGER,
    updated_by        INTEGER,
    updated_at        INTEGER NOT NULL
);

-- A milestone is announced once per run: the run is named by its first day.
CREATE TABLE streak_milestones (
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    milestone    INTEGER NOT NULL,
    run_start    TEXT    NOT NULL,
    reached_at   INTEGER NOT NULL,
    message_id   INTEGER,
    PRIMARY KEY (guild_id, user_id, milestone, run_start)
) WITHOUT ROWID;

-- Opt-in reminder DMs at a local hour; `off_reason` says why the bot switched one off.
CREATE TABLE streak_reminders (
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    hour           INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    enabled        INTEGER NOT NULL DEFAULT 1,
    off_reason     TEXT,
    last_sent_date TEXT,             -- local ISO date of the last reminder
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE INDEX streak_reminders_enabled ON streak_reminders (enabled, guild_id);
