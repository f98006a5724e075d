-- When the author of a decided suggestion was told. A decision commits before the DM is sent, so a
-- restart in between finds the decision untold and tells the author then, once.
ALTER TABLE suggestions ADD COLUMN author_told_at INTEGER;
UPDATE suggestions SET author_told_at = decided_at WHERE status != 'pending';
CREATE INDEX suggestions_untold ON suggestions (status, author_told_at);
