-- A reward role was given on Discord first and recorded after, so a crash in between left a role the
-- bot did not know it had given: it was never taken back when the streak ended. A grant is now
-- recorded as pending before Discord is asked and confirmed after; the next pass settles a pending
-- one either way (giving or taking a role twice changes nothing). Existing grants were confirmed.
ALTER TABLE role_grants ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
