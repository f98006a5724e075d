-- A member may undo their last flashcard grade (a misclick, or a second thought), as in Anki. One row per
-- member: the card's memory as it was before that grade, replaced by their next grade. NULL state: the card
-- was new, and undoing makes it new again. The undo applies only while the card still has the repetitions
-- that grade gave it (``rep``), so it can never roll back a later grade.
CREATE TABLE card_undo (
    user_id      INTEGER PRIMARY KEY,
    card_id      TEXT    NOT NULL,
    rep          INTEGER NOT NULL,
    review_id    INTEGER NOT NULL,   -- the card_reviews row the grade wrote, removed by the undo
    state        INTEGER,
    step         INTEGER,
    stability    REAL,
    difficulty   REAL,
    due          INTEGER,
    last_review  INTEGER,
    reps         INTEGER,
    lapses       INTEGER,
    graded_at    INTEGER NOT NULL
);
