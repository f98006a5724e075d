-- A server's decks (its own items and which decks are on) are read on every flashcard click and
-- quiz pick; building them means parsing every item the server has. Each process keeps the decks
-- it built with the version below and rebuilds them only when the version changed. The triggers
-- change it with every write to either table, whichever process or code path made it, so a cached
-- copy can never outlive what it was built from. A random version (not a counter) cannot come back
-- to an old value after a guild's rows are purged and created again.
CREATE TABLE content_versions (
    guild_id INTEGER PRIMARY KEY,
    version  INTEGER NOT NULL
);

INSERT INTO content_versions (guild_id, version)
SELECT guild_id, random() FROM (SELECT guild_id FROM server_items UNION SELECT guild_id FROM deck_switches);

CREATE TRIGGER server_items_added AFTER INSERT ON server_items BEGIN
    INSERT OR IGNORE INTO content_versions (guild_id, version) VALUES (NEW.guild_id, 0);
    UPDATE content_versions SET version = random() WHERE guild_id = NEW.guild_id;
END;

CREATE TRIGGER server_items_changed AFTER UPDATE ON server_items BEGIN
    INSERT OR IGNORE INTO content_versions (guild_id, version) VALUES (NEW.guild_id, 0);
    UPDATE content_versions SET version = random() WHERE guild_id IN (OLD.guild_id, NEW.guild_id);
END;

-- A deletion only changes a version that exists: a purged guild's row is not made again.
CREATE TRIGGER server_items_removed AFTER DELETE ON server_items BEGIN
    UPDATE content_versions SET version = random() WHERE guild_id = OLD.guild_id;
END;

CREATE TRIGGER deck_switches_added AFTER INSERT ON deck_switches BEGIN
    INSERT OR IGNORE INTO content_versions (guild_id, version) VALUES (NEW.guild_id, 0);
    UPDATE content_versions SET version = random() WHERE guild_id = NEW.guild_id;
END;

CREATE TRIGGER deck_switches_changed AFTER UPDATE ON deck_switches BEGIN
    INSERT OR IGNORE INTO content_versions (guild_id, version) VALUES (NEW.guild_id, 0);
    UPDATE content_versions SET version = random() WHERE guild_id IN (OLD.guild_id, NEW.guild_id);
END;

CREATE TRIGGER deck_switches_removed AFTER DELETE ON deck_switches BEGIN
    UPDATE content_versions SET version = random() WHERE guild_id = OLD.guild_id;
END;
