-- Whether a member has been told, by DM, of the last change "didn't show" reports made to their sign-up:
-- paused for missing two interviews in a row, or no longer paused when a report was withdrawn. The report
-- (or its withdrawal), the absences and the change now commit together with pause_told = 0, and the DM
-- marks it 1; a crash in between used to leave a member paused (or resumed) without a word, and earlier
-- still a report with no absence recorded, or a withdrawal whose pause stayed. A restart now tells them.
-- A member's own /mock join, pause or leave marks it 1: they know. Earlier rows count as told.
ALTER TABLE mock_participants ADD COLUMN pause_told INTEGER NOT NULL DEFAULT 1;

CREATE INDEX mock_participants_pause_untold ON mock_participants (guild_id) WHERE pause_told = 0;
