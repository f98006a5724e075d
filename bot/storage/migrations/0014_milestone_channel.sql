-- A milestone announcement names one member, so a privacy deletion must be able to delete it on
-- Discord: that needs the channel it was posted in, not only its message id. Announcements made
-- before this column existed keep NULL and are deleted from the announcement channel configured
-- at deletion time (Discord answers "unknown message" when it moved, which the deletion accepts).
ALTER TABLE streak_milestones ADD COLUMN channel_id INTEGER;
