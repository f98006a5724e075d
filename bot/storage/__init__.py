"""SQLite storage: one connection, serialized transactions, numbered migrations."""

from bot.storage.database import Database, DatabaseTooNew
from bot.storage.migrations import LATEST_VERSION, Migration, load_migrations

__all__ = ["LATEST_VERSION", "Database", "DatabaseTooNew", "Migration", "load_migrations"]
