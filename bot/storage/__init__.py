"""SQLite storage: one connection, serialized transactions, numbered migrations."""

from bot.storage.database import Database, DatabaseTooNew, Reader, bounded_writes, job_writes
from bot.storage.migrations import LATEST_VERSION, Migration, load_migrations
from bot.storage.rows import IN_PRESENT_GUILD, one, upsert
from bot.storage.times import epoch, from_epoch, from_iso_date

__all__ = ["IN_PRESENT_GUILD", "LATEST_VERSION", "Database", "DatabaseTooNew", "bounded_writes", "job_writes", "Migration", "Reader",
           "epoch", "from_epoch", "from_iso_date", "load_migrations", "one", "upsert"]
