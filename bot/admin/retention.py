"""Guilds the bot left: their data is kept for 30 days (in case it is re-added), then removed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.community import server_item_prefix
from bot.scheduler import JobScheduler
from bot.storage import Database
from bot.storage.schema import quote, tables

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(days=30)
# A server that added the bot while no process was running gets no join event. One that did so this
# recently still expects the welcome; a server that added it long before (say, before an upgrade that
# began recording joins) has been using it without one and must not be greeted as new.
WELCOME_WITHIN = timedelta(days=14)
JOB_ID = "ops:purge-left-guilds"


class GuildRetention:
    def __init__(self, db: Database, clock: Clock, scheduler: JobScheduler) -> None:
        self._db = db
        self._clock = clock
        self._scheduler = scheduler
        self._left: set[int] = set()  # recorded as left when this process started
        self._recorded: set[int] = set()  # every guild with a row: joins this database has seen
        self._owed: set[int] = set()  # joined, and not welcomed yet

    async def start(self) -> None:
        """The nightly purge, run by one process per database (the one serving shard 0); and which
        guilds are recorded as left, read once, so a guild that turns up anyway is found without a query."""
        rows = await self._db.fetchall("SELECT guild_id, left_at IS NOT NULL, welcome_owed FROM guild_settings")
        self._recorded = {guild_id for guild_id, _, _ in rows}
        self._left = {guild_id for guild_id, left, _ in rows if left}
        self._owed = {guild_id for guild_id, left, owed in rows if owed and not left}
        if self._scheduler.shards.runs_global_jobs:
            self._scheduler.add(JOB_ID, CronTrigger(hour=4, minute=0, timezone="UTC"), self.purge_due)

    async def catch_up(self) -> None:
        """Nothing to do at once: a purge missed while the bot was down removes the same guilds the next night."""

    async def stop(self) -> None:
        self._scheduler.remove(JOB_ID)

    def recorded_as_left(self, guild_id: int) -> bool:
        """Whether the guild was recorded as left when this process started (and not joined since): a
        guild the bot is in anyway was added back while the bot was offline, and Discord sent no join."""
        return guild_id in self._left

    def removed_while_offline(self, present: Callable[[int], bool]) -> list[int]:
        """The guilds this process serves (during a shard's catch-up, that shard's) recorded as having the bot
        that ``present`` says it is no longer in: each removed it while no process ran, and Discord sends no
        removal for that, so without this it would stay scheduled and its data would never be purged."""
        return sorted(guild_id for guild_id in self._recorded - self._left
                      if self._scheduler.owns(guild_id) and not present(guild_id))

    def added_while_offline(self, guild_id: int, bot_joined_at: datetime | None) -> bool:
        """Whether a guild here at start-up added the bot while no process was running: no row records
        its join (a join seen by any process writes one), and Discord says the bot joined it recently
        (``WELCOME_WITHIN``). Such a guild is welcomed as a join would have been."""
        if guild_id in self._recorded or bot_joined_at is None:
            return False
        return self._clock.now() - bot_joined_at <= WELCOME_WITHIN

    async def joined(self, guild_id: int) -> None:
        """Recorded, and its welcome owed until :meth:`welcomed` (see migration 0056)."""
        self._left.discard(guild_id)
        self._recorded.add(guild_id)
        self._owed.add(guild_id)
        now = int(self._clock.now().timestamp())
        await self._db.execute(
            "INSERT INTO guild_settings (guild_id, joined_at, welcome_owed) VALUES (?, ?, 1) "
            "ON CONFLICT (guild_id) DO UPDATE SET left_at = NULL, welcome_owed = 1", (guild_id, now))

    def welcome_owed(self, guild_id: int) -> bool:
        """Whether the guild joined and was not welcomed yet (a process stopped in between)."""
        return guild_id in self._owed

    async def welcomed(self, guild_id: int) -> None:
        """The welcome is posted (or there is nowhere the bot may post it): nothing is owed any more."""
        self._owed.discard(guild_id)
        await self._db.execute("UPDATE guild_settings SET welcome_owed = 0 WHERE guild_id = ?", (guild_id,))

    async def left(self, guild_id: int) -> None:
        """Start the 30 days; each feature removes its own jobs for the guild (``Services.forget_guild``)."""
        self._left.add(guild_id)
        self._recorded.add(guild_id)
        now = int(self._clock.now().timestamp())
        await self._db.execute(
            "INSERT INTO guild_settings (guild_id, joined_at, left_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET left_at = excluded.left_at", (guild_id, now, now))

    async def purge_due(self) -> list[int]:
        cutoff = int((self._clock.now() - KEEP_FOR).timestamp())
        rows = await self._db.fetchall("SELECT guild_id FROM guild_settings WHERE left_at IS NOT NULL "
                                       "AND left_at <= ?", (cutoff,))
        purged = []
        for (guild_id,) in rows:
            await self.purge(guild_id)
            purged.append(guild_id)
        return purged

    async def purge(self, guild_id: int) -> dict[str, int]:
        """Delete every row whose ``guild_id`` is this guild, in every table, in one transaction; and, in a
        table keyed on a card's id alone (a member's memory of it, shared by every server using a shipped
        card), the rows of the server's own cards, which no other server has: they are its data too."""
        removed: dict[str, int] = {}
        prefix = server_item_prefix(guild_id)
        async with self._db.transaction() as conn:
            for name, columns in (await tables(conn)).items():
                if "guild_id" in columns:
                    of_guild = f"DELETE FROM {quote(name)} WHERE guild_id = ?"  # noqa: S608
                    deleted = await conn.execute(of_guild, (guild_id,))
                elif "card_id" in columns:
                    own_cards = f"DELETE FROM {quote(name)} WHERE substr(card_id, 1, ?) = ?"  # noqa: S608
                    deleted = await conn.execute(own_cards, (len(prefix), prefix))
                else:
                    continue
                if deleted.rowcount:
                    removed[name] = deleted.rowcount
        self._recorded.discard(guild_id)  # if it adds the bot again, it is a new server
        self._left.discard(guild_id)
        log.info("purged guild %s 30 days after the bot left: %s", guild_id, removed)
        return removed
