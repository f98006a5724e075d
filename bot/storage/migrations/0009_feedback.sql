-- Feedback on daily answers: members' Helpful marks, the moderators' best answer, and each
-- day's close (the highlight posted once in the day's thread).

-- One mark per member per answer; user_id is the answer's author, from_id the member who marked it.
CREATE TABLE answer_marks (
    guild_id    INTEGER NOT NULL,
    local_date  TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    from_id     INTEGER NOT NULL,
    month       TEXT    NOT NULL,   -- YYYY-MM in the server's zone when marked: the contributors board
    marked_at   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, local_date, user_id, from_id),
    FOREIGN KEY (guild_id, local_date, user_id)
        REFERENCES daily_answers (guild_id, local_date, user_id) ON DELETE CASCADE
);
CREATE INDEX answer_marks_by_month ON answer_marks (guild_id, month, user_id);
CREATE INDEX answer_marks_by_author ON answer_marks (guild_id, user_id);

-- The answer a moderator picked as the day's best (one per day; picking again replaces it).
CREATE TABLE daily_best (
    guild_id    INTEGER NOT NULL,
    local_date  TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    actor_id    INTEGER NOT NULL,
    chosen_at   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, local_date),
    FOREIGN KEY (guild_id, local_date, user_id)
        REFERENCES daily_answers (guild_id, local_date, user_id) ON DELETE CASCADE
);

-- A day is closed once: claimed before the highlight is sent, its message id kept after.
CREATE TABLE daily_closes (
    guild_id    INTEGER NOT NULL,
    local_date  TEXT    NOT NULL,
    claimed_at  INTEGER NOT NULL,
    message_id  INTEGER,            -- the highlight; 0 when there was nothing to highlight
    PRIMARY KEY (guild_id, local_date),
    FOREIGN KEY (guild_id, local_date) REFERENCES daily_posts (guild_id, local_date) ON DELETE CASCADE
);
