"""The resources every feature shares, built once at start-up and handed to the bot.

Following discord.py's advanced start-up example, the CLI (or the test harness)
builds a :class:`Core` and passes it into :class:`~bot.bot.StudyBot`; cogs build their
feature service from it in ``cog_load``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.activity import ActivityService
from bot.audit import AuditLog
from bot.clock import Clock, SystemClock
from bot.community import ServerContent
from bot.moderators import ModeratorRoles
from bot.pacing import RequestPacer
from bot.scheduler import JobScheduler
from bot.settings import Settings
from bot.storage import Database
from bot.timezones import TimezoneResolver

if TYPE_CHECKING:
    from bot.content import ContentStore


@dataclass
class Core:
    settings: Settings
    clock: Clock
    db: Database
    scheduler: JobScheduler
    content: ContentStore
    timezones: TimezoneResolver
    audit: AuditLog
    activity: ActivityService
    pacer: RequestPacer
    server_content: ServerContent
    moderators: ModeratorRoles
    started_at: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.started_at = self.clock.now()

    @classmethod
    def build(
        cls,
        settings: Settings,
        content: ContentStore,
        *,
        clock: Clock | None = None,
        manual_scheduler: bool = False,
    ) -> Core:
        """Wire the shared services; opening the database is left to ``setup_hook``."""
        clock = clock or SystemClock()
        db = Database(settings.database_path)
        timezones = TimezoneResolver(db)
        audit = AuditLog(db, clock)
        scheduler = JobScheduler(clock, manual=manual_scheduler)
        scheduler.shards = settings.shard_layout
        return cls(
            settings=settings,
            clock=clock,
            db=db,
            scheduler=scheduler,
            content=content,
            timezones=timezones,
            audit=audit,
            activity=ActivityService(db, clock, timezones),
            pacer=RequestPacer(settings.requests_per_second),
            server_content=ServerContent(db, content),
            moderators=ModeratorRoles(db, clock, audit),
        )
