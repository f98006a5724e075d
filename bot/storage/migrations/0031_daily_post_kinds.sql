-- The kind of the prompt each day posted, kept with the post. `/archive kind:` filtered by the prompt as
-- found now, so a day whose prompt a moderator removed, or a content update retired, vanished from every
-- kind's list. New posts store the kind when they are claimed. Older ones take it here from the server's
-- own prompts and approved suggestions; a shipped prompt's kind is filled at start-up from the loaded packs
-- (SQL cannot read them), and a day whose prompt is gone from all of these keeps NULL: it is listed
-- unfiltered only.
ALTER TABLE daily_posts ADD COLUMN prompt_kind TEXT;

UPDATE daily_posts SET prompt_kind = (
    SELECT json_extract(s.data, '$.kind') FROM server_items s
    WHERE s.guild_id = daily_posts.guild_id AND s.item_id = daily_posts.prompt_id AND s.kind = 'prompt'
      AND json_valid(s.data));

UPDATE daily_posts SET prompt_kind = (
    SELECT json_extract(g.data, '$.kind') FROM suggestions g
    WHERE g.guild_id = daily_posts.guild_id AND g.item_id = daily_posts.prompt_id AND g.kind = 'prompt'
      AND g.status = 'approved' AND json_valid(g.data)
    ORDER BY g.id DESC LIMIT 1)
WHERE prompt_kind IS NULL;
