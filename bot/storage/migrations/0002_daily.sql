-- Daily design prompts: each guild's schedule, its rotation, its own prompts,
-- the delivery ledger (exactly one post per guild per local date) and members' answers.
-- Discord ids are INTEGER; times are UTC epoch seconds unless named *_date.

CREATE TABLE daily_schedule (
    guild_id        INTEGER PRIMARY KEY,
    channel_id      INTEGER NOT NULL,
    local_time      TEXT    NOT NULL,              -- HH:MM in `timezone`
    timezone        TEXT    NOT NULL,
    role_id         INTEGER,                       -- pinged with each post when set
    enabled         INTEGER NOT NULL DEFAULT 1,
    kinds           TEXT    NOT NULL DEFAULT 'behavioral,debugging,design,product,tradeoff',
    cycle           INTEGER NOT NULL DEFAULT 1,    -- the rotation cycle now being posted
    cycle_seed      INTEGER NOT NULL,              -- the stored seed of this cycle's shuffle
    failure_notice  TEXT,                          -- the last delivery problem moderators were told about
    updated_by      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- Prompts a guild's moderators wrote themselves; `data` is the validated Prompt as JSON.
CREATE TABLE daily_custom_prompts (
    guild_id    INTEGER NOT NULL,
    prompt_id   TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    created_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, prompt_id)
);

-- Prompts a moderator skipped in a cycle: they count as used, so the next one comes up.
CREATE TABLE daily_skips (
    guild_id    INTEGER NOT NULL,
    cycle       INTEGER NOT NULL,
    prompt_id   TEXT    NOT NULL,
    skipped_by  INTEGER NOT NULL,
    skipped_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, cycle, prompt_id)
);

-- The delivery ledger. The row is written in the transaction that claims the day, so a
-- second claim for the same (guild, local date) fails; `message_id` is filled in once sent.
CREATE TABLE daily_posts (
    guild_id    INTEGER NOT NULL,
    local_date  TEXT    NOT NULL,
    day_number  INTEGER NOT NULL,
    cycle       INTEGER NOT NULL,
    prompt_id   TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('claimed', 'sent', 'failed')),
    channel_id  INTEGER NOT NULL,
    nonce       TEXT    NOT NULL,                  -- Discord de-duplicates a re-send with the same nonce
    message_id  INTEGER,
    thread_id   INTEGER,
    claimed_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 1,
    failure     TEXT,
    PRIMARY KEY (guild_id, local_date)
);
CREATE INDEX daily_posts_by_message ON daily_posts (message_id);
CREATE INDEX daily_posts_by_cycle ON daily_posts (guild_id, cycle);

-- A member's answer to a day's prompt; a re-submission replaces it.
CREATE TABLE daily_answers (
    guild_id        INTEGER NOT NULL,
    local_date      TEXT    NOT NULL,
    user_id         INTEGER NOT NULL,
    body            TEXT    NOT NULL,
    submitted_at    INTEGER NOT NULL,
    edited_at       INTEGER,
    thread_message_id INTEGER,
    PRIMARY KEY (guild_id, local_date, user_id),
    FOREIGN KEY (guild_id, local_date) REFERENCES daily_posts (guild_id, local_date) ON DELETE CASCADE
);
CREATE INDEX daily_answers_by_user ON daily_answers (user_id);
