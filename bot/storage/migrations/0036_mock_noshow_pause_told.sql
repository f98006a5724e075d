-- Whether a member paused for missing two interviews in a row has been told so by DM. The report, its
-- "didn't show" rows and the pause now commit together with pause_told = 0, and the DM marks it 1; a crash
-- in between used to leave a member paused without a word (or, earlier still, a report with no
-- absence recorded). A restart now tells them. Earlier rows count as told.
ALTER TABLE mock_participants ADD COLUMN pause_told INTEGER NOT NULL DEFAULT 1;

CREATE INDEX mock_participants_pause_untold ON mock_participants (guild_id) WHERE pause_told = 0;
