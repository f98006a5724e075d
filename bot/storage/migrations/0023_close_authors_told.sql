-- The authors of a day's highlighted answers were told only by the attempt that claimed the close,
-- so a crash after the claim (or after the highlight was recorded) meant they were never told. Whether
-- they were is now recorded; an attempt that finds them untold tells them, each member's DMs read
-- first so nobody is told twice. Closes made before this column existed are counted as told.
ALTER TABLE daily_closes ADD COLUMN authors_told INTEGER NOT NULL DEFAULT 1;
