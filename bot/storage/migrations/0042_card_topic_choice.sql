-- The topic (a card tag, such as `retrieval`) a member focuses their flashcards on in a server, as Anki's
-- study-by-tag does: someone preparing for a retrieval interview drills those cards. None: every topic.
-- Kept apart from the deck choice, so either can be cleared without the other.
CREATE TABLE card_topic_choice (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    topic       TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
