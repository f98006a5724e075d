-- A suggestion's queue message is claimed before it is sent: the channel and this time are written
-- first, then the message goes out, then its id is recorded and the claim cleared. A process that
-- died in between left a claim without a message id, so a restart looks in that channel for the
-- message before sending it (never a second one), and records the one it finds.
ALTER TABLE suggestions ADD COLUMN queue_claimed_at INTEGER;
CREATE INDEX suggestions_queue_claims ON suggestions (queue_claimed_at) WHERE queue_claimed_at IS NOT NULL;
