-- The prompt as it was when its day was posted. A moderator may remove one of the server's own prompts (or a
-- content update retire a shipped one) while its post is still being answered; the post's buttons (the answer
-- form, hints, rubric) read it from here then. Posts already made keep the server's own prompts they used.
ALTER TABLE daily_posts ADD COLUMN prompt_data TEXT;
UPDATE daily_posts SET prompt_data = (SELECT data FROM server_items s WHERE s.guild_id = daily_posts.guild_id
                                      AND s.item_id = daily_posts.prompt_id AND s.kind = 'prompt');
