-- The mid-round nudge was marked before it was sent, so a crash between the two lost it. The mark
-- is now the claim and this column records the send: a nudge claimed but not sent is looked for
-- at the next attempt and sent when it is not there. Nudges marked before this column existed were
-- sent (or lost for good) long ago.
ALTER TABLE mock_meetings ADD COLUMN nudge_sent_at INTEGER;
UPDATE mock_meetings SET nudge_sent_at = nudged_at WHERE nudged_at IS NOT NULL;
