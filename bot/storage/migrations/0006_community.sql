-- Content that grows with the community: members' suggestions waiting for review, the server's
-- own prompts and cards (moderators', approved suggestions, documents uploaded in Discord), which
-- decks a server has switched off, and members' private practice answers.
-- Shipped packs stay read-only files; everything here is per server.

-- Every prompt or card a server owns. `data` is the item validated by the pack model, as JSON, so
-- it reads back exactly as a pack item would. Ids are unique across servers because members'
-- card memory is keyed on the card id alone.
CREATE TABLE server_items (
    guild_id     INTEGER NOT NULL,
    item_id      TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL CHECK (kind IN ('prompt', 'card')),
    deck         TEXT    NOT NULL,                  -- 'server', or 'doc-<name>' for an uploaded document
    data         TEXT    NOT NULL,
    origin       TEXT    NOT NULL CHECK (origin IN ('added', 'suggested', 'imported')),
    author_id    INTEGER,                           -- the member credited ("suggested by"); 0 once anonymised
    approved_by  INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, item_id)
);
CREATE INDEX server_items_by_deck ON server_items (guild_id, kind, deck);

-- The prompts moderators wrote with /daily add move into the server's own content.
INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, author_id, approved_by, created_at, updated_at)
SELECT guild_id, prompt_id, 'prompt', 'server', data, 'added', created_by, created_by, created_at, created_at
FROM daily_custom_prompts;
DROP TABLE daily_custom_prompts;

-- A suggestion waits in the review queue until one moderator decides it, once.
CREATE TABLE suggestions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id       INTEGER NOT NULL,
    author_id      INTEGER NOT NULL,                -- who suggested it (the uploader, for a document's cards)
    kind           TEXT    NOT NULL CHECK (kind IN ('prompt', 'card')),
    deck           TEXT    NOT NULL DEFAULT 'server',
    data           TEXT    NOT NULL,                -- the validated item as JSON (id filled in on approval)
    status         TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reviewer_id    INTEGER,
    reason         TEXT,                            -- why it was rejected, as sent to the author
    item_id        TEXT,                            -- the server item an approval created
    queue_channel_id INTEGER,
    queue_message_id INTEGER,
    created_at     INTEGER NOT NULL,
    decided_at     INTEGER
);
CREATE INDEX suggestions_queue ON suggestions (guild_id, status, id);
CREATE INDEX suggestions_by_author ON suggestions (author_id, id);

-- Where the review queue is posted (NULL: moderators use /review queue).
CREATE TABLE content_settings (
    guild_id           INTEGER PRIMARY KEY,
    review_channel_id  INTEGER,
    updated_by         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

-- Decks a server switched off (a shipped pack by its name, 'server', or 'doc-<name>'); on by default.
CREATE TABLE deck_switches (
    guild_id    INTEGER NOT NULL,
    deck        TEXT    NOT NULL,
    enabled     INTEGER NOT NULL,
    updated_by  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, deck)
) WITHOUT ROWID;

-- The deck a member studies in a server by default (none: every deck the server has on).
CREATE TABLE card_deck_choice (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    deck        TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- A member's private answer to a practice prompt; one per prompt (a re-submission replaces it).
CREATE TABLE practice_answers (
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    prompt_id     TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    submitted_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, prompt_id)
) WITHOUT ROWID;
