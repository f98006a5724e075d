-- The scheduled round a member last sat out while pausing for a number of rounds. An occurrence that makes no
-- round (in a small server, the member's own pause can leave too few to pair) is still the round they sat out,
-- so the pause ends; recording which one makes that count once, and keeps a start later the same day from
-- making the round for that occurrence with the member in it.
ALTER TABLE mock_participants ADD COLUMN sat_out_key TEXT;
