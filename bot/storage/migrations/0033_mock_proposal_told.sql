-- Whether a member's proposed time was posted for the others to accept ("… proposes meeting at …" with
-- its Accept button). The proposal is stored (with the proposer's own acceptance) before it is posted;
-- a crash between the two left a proposal nobody saw, and a proposed move can be accepted only from
-- that message. A restart now posts it. Suggested times (no proposer) and earlier rows count as told.
ALTER TABLE mock_time_options ADD COLUMN told INTEGER NOT NULL DEFAULT 1;

CREATE INDEX mock_time_options_untold ON mock_time_options (group_id) WHERE told = 0;
