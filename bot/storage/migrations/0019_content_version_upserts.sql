-- The triggers of 0018 made a guild's version row with INSERT OR IGNORE. Inside a trigger, SQLite
-- applies the conflict policy of the statement that fired it, and an upsert's DO UPDATE fires the
-- UPDATE triggers under its own policy (ABORT): switching a deck that had been switched before, or
-- rewriting a server item through an upsert, failed with "UNIQUE constraint failed". The row is now
-- made only when it is missing, so no trigger statement can conflict whatever fired it.
DROP TRIGGER server_items_added;
DROP TRIGGER server_items_changed;
DROP TRIGGER deck_switches_added;
DROP TRIGGER deck_switches_changed;

CREATE TRIGGER server_items_added AFTER INSERT ON server_items BEGIN
    INSERT INTO content_versions (guild_id, version) SELECT NEW.guild_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM content_versions WHERE guild_id = NEW.guild_id);
    UPDATE content_versions SET version = random() WHERE guild_id = NEW.guild_id;
END;

CREATE TRIGGER server_items_changed AFTER UPDATE ON server_items BEGIN
    INSERT INTO content_versions (guild_id, version) SELECT NEW.guild_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM content_versions WHERE guild_id = NEW.guild_id);
    UPDATE content_versions SET version = random() WHERE guild_id IN (OLD.guild_id, NEW.guild_id);
END;

CREATE TRIGGER deck_switches_added AFTER INSERT ON deck_switches BEGIN
    INSERT INTO content_versions (guild_id, version) SELECT NEW.guild_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM content_versions WHERE guild_id = NEW.guild_id);
    UPDATE content_versions SET version = random() WHERE guild_id = NEW.guild_id;
END;

CREATE TRIGGER deck_switches_changed AFTER UPDATE ON deck_switches BEGIN
    INSERT INTO content_versions (guild_id, version) SELECT NEW.guild_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM content_versions WHERE guild_id = NEW.guild_id);
    UPDATE content_versions SET version = random() WHERE guild_id IN (OLD.guild_id, NEW.guild_id);
END;
