-- The posts still without a prompt kind (migration 0031), which start-up reads to fill them from the
-- loaded packs. A day whose prompt is gone everywhere keeps NULL for good, so without this index every
-- start scanned every server's whole history of posts to find the few.
CREATE INDEX daily_posts_kindless ON daily_posts (prompt_id) WHERE prompt_kind IS NULL;
