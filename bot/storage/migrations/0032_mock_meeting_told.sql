-- Whether each interview's group was told of its agreed time and of a member's cancellation. Both are
-- stored before the message is sent ("Interview confirmed for …", "… cancelled this interview"); a crash
-- between the two left the group without the message, and nothing noticed. A restart now tells them.
--
-- `told_version` is the version of the agreed time the group was told of: meetings agreed before this
-- column are taken as told. `cancel_told` is 0 from a member's cancellation until their group is told of
-- it; a cancellation told some other way (a member who left the server, a cancelled round) keeps 1.
ALTER TABLE mock_meetings ADD COLUMN told_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mock_meetings ADD COLUMN cancel_told INTEGER NOT NULL DEFAULT 1;

UPDATE mock_meetings SET told_version = version;
