"""Running a server's studybot: the settings overview, participation export, backups, retention and privacy."""

from bot.admin.backups import Backups
from bot.admin.overview import OverviewService, database_size, spreadsheet_safe
from bot.admin.privacy import PrivacyService
from bot.admin.retention import GuildRetention

__all__ = ["Backups", "GuildRetention", "OverviewService", "PrivacyService",
           "database_size", "spreadsheet_safe"]
