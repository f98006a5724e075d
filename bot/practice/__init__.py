"""Past prompts and private practice: the server's archive, and prompts a member has not answered yet."""

from bot.practice.models import ArchiveEntry, ArchivePage, PracticeOffer, PracticeResult
from bot.practice.service import ARCHIVE_PAGE, PracticeService

__all__ = ["ARCHIVE_PAGE", "ArchiveEntry", "ArchivePage", "PracticeOffer", "PracticeResult", "PracticeService"]
