-- Feedback after a mock interview is stored, then shared with the partner. shared_at stays NULL
-- until the share is done (posted, or found impossible): a process that died in between shares it
-- at the next start, after looking for the message in case it went out before the crash.
ALTER TABLE mock_feedback ADD COLUMN shared_at INTEGER;
UPDATE mock_feedback SET shared_at = created_at;
