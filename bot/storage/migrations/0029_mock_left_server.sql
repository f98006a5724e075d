-- When a round found a signed-up member no longer in the server (Discord answered their id as not
-- found). Without it the member stayed signed up and every round grouped them with others, who were
-- then told of a partner Discord would not add to their thread. NULL: in the server as far as the bot
-- knows. Such a member is left out of rounds and of the participant count; any /mock command they use
-- (they are back in the server to use it) clears it.
ALTER TABLE mock_participants ADD COLUMN left_server_at INTEGER;
