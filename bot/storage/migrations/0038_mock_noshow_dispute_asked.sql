-- A member reported absent who presses "We met" cannot clear the report alone; the reporter is asked by DM
-- to press "We met" too. That ask used to be sent after the answer with nothing recorded, so a crash right
-- then lost it. The press now records the dispute (disputed_at) with dispute_asked = 0 in its transaction,
-- and the DM marks it 1; a start asks any reporter a crash left unasked (unless their DMs hold the ask).
-- A withdrawn report takes its row, and so its pending ask, with it. Earlier rows count as asked.
ALTER TABLE mock_noshows ADD COLUMN disputed_at INTEGER;
ALTER TABLE mock_noshows ADD COLUMN dispute_asked INTEGER NOT NULL DEFAULT 1;

CREATE INDEX mock_noshows_dispute_unasked ON mock_noshows (group_id) WHERE dispute_asked = 0;
