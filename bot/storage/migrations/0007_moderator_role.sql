-- The role a server names as its moderators (besides members with Manage Server), or NULL.
ALTER TABLE guild_settings ADD COLUMN moderator_role_id INTEGER;
