-- Start-up looks for milestone celebrations claimed for a channel but never recorded as posted: through this
-- index it reads those few rows, where it read every milestone every member ever reached.
CREATE INDEX streak_milestones_unannounced ON streak_milestones (reached_at)
    WHERE message_id IS NULL AND channel_id IS NOT NULL;
