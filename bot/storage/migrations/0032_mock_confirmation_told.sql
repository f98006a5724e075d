-- The version of each interview's agreed time its group was told of ("Interview confirmed for …" or
-- "moved to …"). A confirmation is stored with a new version before the message is sent; a crash between
-- the two left the group without the message, and nothing noticed. A restart now tells every agreed
-- meeting whose version is newer than this. Meetings agreed before this column are taken as told.
ALTER TABLE mock_meetings ADD COLUMN told_version INTEGER NOT NULL DEFAULT 0;

UPDATE mock_meetings SET told_version = version;
