-- Flashcards with FSRS, per person (a member's memory is theirs, whichever server they study in),
-- and the daily quiz per guild with the same exactly-once ledger as the daily prompt.

CREATE TABLE card_states (
    user_id      INTEGER NOT NULL,
    card_id      TEXT    NOT NULL,   -- the pack's stable id
    state        INTEGER NOT NULL,   -- fsrs.State: 1 learning, 2 review, 3 relearning
    step         INTEGER,
    stability    REAL,
    difficulty   REAL,
    due          INTEGER NOT NULL,   -- UTC epoch seconds
    last_review  INTEGER,
    reps         INTEGER NOT NULL DEFAULT 0,
    lapses       INTEGER NOT NULL DEFAULT 0,
    introduced_at INTEGER NOT NULL,  -- first review: counts against the new-cards-per-day cap
    PRIMARY KEY (user_id, card_id)
) WITHOUT ROWID;
CREATE INDEX card_states_due ON card_states (user_id, due);
CREATE INDEX card_states_introduced ON card_states (user_id, introduced_at);

CREATE TABLE card_reviews (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL,
    guild_id     INTEGER,
    card_id      TEXT    NOT NULL,
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    state_before INTEGER,            -- NULL for a new card
    rep          INTEGER NOT NULL,   -- which review of this card this was (1 = first): one per rep
    reviewed_at  INTEGER NOT NULL,
    UNIQUE (user_id, card_id, rep)
);
CREATE INDEX card_reviews_by_user ON card_reviews (user_id, reviewed_at);

CREATE TABLE card_settings (
    user_id      INTEGER PRIMARY KEY,
    new_per_day  INTEGER NOT NULL DEFAULT 10 CHECK (new_per_day BETWEEN 0 AND 100)
);

CREATE TABLE quiz_schedule (
    guild_id     INTEGER PRIMARY KEY,
    channel_id   INTEGER NOT NULL,
    local_time   TEXT    NOT NULL,
    timezone     TEXT    NOT NULL,
    close_hours  INTEGER NOT NULL DEFAULT 12 CHECK (close_hours BETWEEN 1 AND 23),
    reveal_now   INTEGER NOT NULL DEFAULT 0,  -- 1: members are told right/wrong as they answer
    enabled      INTEGER NOT NULL DEFAULT 1,
    cycle        INTEGER NOT NULL DEFAULT 1,
    cycle_seed   INTEGER NOT NULL,
    failure_notice TEXT,
    updated_by   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE quiz_posts (
    guild_id     INTEGER NOT NULL,
    local_date   TEXT    NOT NULL,
    number       INTEGER NOT NULL,
    cycle        INTEGER NOT NULL,
    card_id      TEXT    NOT NULL,
    question     TEXT    NOT NULL,
    options      TEXT    NOT NULL,   -- JSON list of 4 option texts, in the order shown
    correct      INTEGER NOT NULL CHECK (correct BETWEEN 0 AND 3),
    status       TEXT    NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'closed')),
    nonce        TEXT    NOT NULL,
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER,
    claimed_at   INTEGER NOT NULL,
    closes_at    INTEGER NOT NULL,
    closed_at    INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 1,
    failure      TEXT,
    PRIMARY KEY (guild_id, local_date)
) WITHOUT ROWID;
CREATE INDEX quiz_posts_open ON quiz_posts (status, closes_at);
CREATE INDEX quiz_posts_cycle ON quiz_posts (guild_id, cycle);

CREATE TABLE quiz_answers (
    guild_id     INTEGER NOT NULL,
    local_date   TEXT    NOT NULL,
    user_id      INTEGER NOT NULL,
    choice       INTEGER NOT NULL CHECK (choice BETWEEN 0 AND 3),
    answered_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, local_date, user_id),
    FOREIGN KEY (guild_id, local_date) REFERENCES quiz_posts (guild_id, local_date) ON DELETE CASCADE
) WITHOUT ROWID;
