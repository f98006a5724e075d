-- Where a member's run of reported absences starts: a no-show pause ended by the member's own `/mock join` is a
-- fresh start, so only interviews in rounds that started at or after this instant count toward the next pause
-- (NULL: every round counts). Without it one more absence after coming back would pause them again at once.
ALTER TABLE mock_participants ADD COLUMN noshow_run_from INTEGER;
