"""Running a server's studybot: the settings overview, participation export, backups, retention and privacy."""

from bot.admin.backups import Backups
from bot.admin.models import Deletion, OwedDeletion, ParticipationRow
from bot.admin.privacy import PrivacyService
from bot.admin.retention import GuildRetention
from bot.admin.service import OverviewService, database_size, spreadsheet_safe

__all__ = ["Backups", "Deletion", "GuildRetention", "OwedDeletion", "ParticipationRow", "OverviewService",
           "PrivacyService", "database_size", "spreadsheet_safe"]
