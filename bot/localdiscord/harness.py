"""Run the real StudyBot against a LocalDiscord, with a ManualClock and the manual scheduler.

``settle()`` is how tests wait without sleeping: it returns once the client has read
every gateway event sent to it, no REST request is being served, and every task the
bot started to react (event handlers, command and view callbacks, its own background
tasks) has finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.bot import StudyBot
from bot.clock import ManualClock
from bot.core import Core
from bot.localdiscord.patch import pointed_at
from bot.localdiscord.server import LocalDiscord
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.content import ContentStore
    from bot.localdiscord.state import SimGuild

log = logging.getLogger(__name__)

WORK_TASK_PREFIXES = ("discord.py: ", "CommandTree-invoker", "discord-ui-view-dispatch", "discord-ui-modal-dispatch",
                      "discord-ui-dynamic-item",
                      "studybot-")


class BotDied(AssertionError):
    """The bot's connection task ended with an error (e.g. a payload it could not parse)."""


class BotHarness:
    def __init__(self, sim: LocalDiscord, db_path: Path, clock: ManualClock, *,
                 content: ContentStore | None = None, settings: dict[str, Any] | None = None) -> None:
        self.sim = sim
        self.db_path = db_path
        self.clock = clock
        self._content = content
        self._settings = settings or {}
        self.bot: StudyBot | None = None
        self._task: asyncio.Task[None] | None = None
        self._patch: contextlib.ExitStack | None = None
        sim.settle_hook = self.settle

    @property
    def core(self) -> Core:
        assert self.bot is not None, "the bot is not running"
        return self.bot.core

    @property
    def guild(self) -> SimGuild:
        return next(iter(self.sim.guilds.values()))

    def _build_content(self) -> ContentStore:
        if self._content is None:
            from bot.content import ContentStore
            from bot.settings import SHIPPED_CONTENT_DIR

            self._content = ContentStore.load(SHIPPED_CONTENT_DIR)
        return self._content

    async def start(self) -> StudyBot:
        settings = Settings(_env_file=None, discord_token=self.sim.token, database_path=self.db_path,
                            backup_dir=self.db_path.parent / "backups", **{"srs_fuzzing": False, **self._settings})
        core = Core.build(settings, self._build_content(), clock=self.clock, manual_scheduler=True)
        self._patch = contextlib.ExitStack()
        self._patch.enter_context(pointed_at(self.sim))
        bot = StudyBot(core, guild_ready_timeout=0.01)
        self.bot = bot
        self._task = asyncio.create_task(bot.start(self.sim.token), name="harness-bot")
        waiter = asyncio.create_task(bot.wait_until_started())
        done, _ = await asyncio.wait({self._task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            waiter.cancel()
            self._task.result()
            raise BotDied("the bot stopped while starting")
        await self.settle()
        return bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._patch is not None:
            self._patch.close()
        self.bot, self._task, self._patch = None, None, None

    async def restart(self) -> StudyBot:
        """Stop and start again on the same database and simulator, as a process restart would."""
        await self.stop()
        return await self.start()

    async def restart_in_outage(self, guild: SimGuild) -> StudyBot:
        """Restart while Discord lists ``guild`` as unavailable (an outage): READY names it, nothing more follows
        (developers/events/gateway-events.mdx, "Guild Create") until :meth:`end_outage`."""
        guild.outage = True
        return await self.restart()

    async def end_outage(self, guild: SimGuild) -> None:
        """The outage ends: the guild becomes available again with a Guild Create, as Discord sends it."""
        guild.outage = False
        self.sim.dispatch("GUILD_CREATE", guild.to_json())
        await self.settle()

    @contextlib.asynccontextmanager
    async def process_serving(self, shard_ids: str, shard_count: int) -> AsyncIterator[BotHarness]:
        """Another process on the same simulator, database and clock that runs only ``shard_ids`` of
        ``shard_count`` shards, as ``studybot run --shard-ids`` would: started, then stopped at the end."""
        process = BotHarness(self.sim, self.db_path, self.clock, content=self._content,
                             settings={**self._settings, "shard_count": shard_count, "shard_ids": shard_ids})
        await process.start()
        try:
            yield process
        finally:
            await process.stop()

    def check_alive(self) -> None:
        if self._task is not None and self._task.done() and self.bot is not None and not self.bot.is_closed():
            error = self._task.exception()
            raise BotDied(f"the bot's gateway task died: {error!r}") from error

    async def settle(self) -> None:
        self.sim.archive_idle_threads()  # threads idle on the simulated clock archive, as on Discord
        self.sim.update_event_statuses()  # and scheduled events start, end or are cancelled
        me = asyncio.current_task()
        idle_rounds = 0
        for _ in range(200_000):
            self.check_alive()
            pending = [t for t in asyncio.all_tasks() if t is not me and not t.done()
                       and t.get_name().startswith(WORK_TASK_PREFIXES)]
            if pending:
                idle_rounds = 0
                await asyncio.wait(pending)
                continue
            if self.sim.inflight or self._gateway_behind():
                idle_rounds = 0
                await asyncio.sleep(0.0005)
                continue
            idle_rounds += 1
            if idle_rounds >= 3:
                return
            await asyncio.sleep(0)
        raise AssertionError("the bot never settled")

    def _gateway_behind(self) -> bool:
        """Whether some shard of the bot has not yet read every event its session was sent."""
        bot = self.bot
        if bot is None or bot.is_closed():
            return False
        for session in self.sim.gateway.live_sessions():
            try:
                ws = bot._get_websocket(shard_id=session.shard_id)
            except (KeyError, TypeError):
                continue
            if ws is not None and ws.session_id == session.id and (ws.sequence or 0) < session.seq:
                return True
        return False

    async def wait_until(self, predicate: Callable[[], bool], *, what: str, limit_seconds: float = 10.0) -> None:
        """Wait for a condition the simulator itself reports (reconnects, resumes), polling its state."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_seconds
        while not predicate():
            self.check_alive()
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.001)
        await self.settle()

    def connected(self) -> bool:
        """Every shard of the bot has a live session, and has read all it was sent."""
        bot = self.bot
        if bot is None or not bot.is_ready():
            return False
        live = {s.shard_id for s in self.sim.gateway.live_sessions()}
        return set(bot.shards) <= live and not self._gateway_behind()

    async def advance(self, delta: timedelta | None = None, **kwargs: float) -> int:
        """Move time forward, running every scheduled job at its own instant."""
        return await self.advance_to(self.clock.now() + (delta if delta is not None else timedelta(**kwargs)))

    async def advance_to(self, target: datetime) -> int:
        ran = await self.core.scheduler.advance_to(target, settle=self.settle)
        await self.settle()
        return ran
