"""Run the real bot in a process of its own against a LocalDiscord served elsewhere.

Fault tests need a bot that can be killed with SIGKILL mid-flight and started again on
the same database: ``python -m bot.localdiscord.child --api-base ... --gateway ...``.
Time starts at ``--start`` and then passes in real time, so the bot and the parent's
simulator agree on which local day it is. Shard layouts come from the environment
(``STUDYBOT_SHARD_COUNT``, ``STUDYBOT_SHARD_IDS``), as for ``studybot run``, and fatal
gateway closes end the process with ``studybot run``'s line and status.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot import eventloop
from bot.bot import StudyBot, default_intents
from bot.cli.fatal import stop_on_fatal_close
from bot.clock import ensure_utc
from bot.content import ContentStore
from bot.core import Core
from bot.identify import SessionStartLimitReached
from bot.pacing import RequestPacer
from bot.settings import SHIPPED_CONTENT_DIR, Settings

log = logging.getLogger(__name__)


class ShiftedClock:
    """Real time, shifted to begin at ``start``."""

    def __init__(self, start: datetime) -> None:
        self._start = ensure_utc(start)
        self._began = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._began)


async def _drive(bot: StudyBot) -> None:
    bot.spawn(bot.core.scheduler.drive(), name="studybot-scheduler-driver")


async def _run(args: argparse.Namespace) -> None:
    settings = Settings(_env_file=None, discord_token=args.token, database_path=Path(args.db),
                        backup_dir=Path(args.db).parent / "backups")
    core = Core.build(settings, ContentStore.load(SHIPPED_CONTENT_DIR),
                      clock=ShiftedClock(datetime.fromisoformat(args.start)), manual_scheduler=True)
    core.pacer = RequestPacer(args.rate)
    options: dict[str, Any] = {}
    if args.privileged_intent:  # to show what Discord does when an app asks for one it has not enabled
        intents = default_intents()
        setattr(intents, args.privileged_intent, True)
        options["intents"] = intents
    bot = StudyBot(core, guild_ready_timeout=0.05, own_process=True, **options)
    # APScheduler reads the real wall clock; the jobs here follow the shifted one instead.
    bot.after_first_ready(lambda: _drive(bot))
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Future[None]] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: closing.append(asyncio.ensure_future(bot.close())))
    try:
        async with bot:
            try:
                await bot.start(args.token)
            except (discord.ConnectionClosed, discord.PrivilegedIntentsRequired, SessionStartLimitReached) as error:
                stop_on_fatal_close(error)  # the same line and status as `studybot run`
                raise
    finally:
        # start() returns once Discord is closed, while close() is still closing the database: wait for it,
        # or the loop closes under the database's worker thread (a traceback on a clean stop).
        for task in closing:
            await task


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.localdiscord.child")
    parser.add_argument("--api-base", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--start", required=True, help="ISO time the bot's clock starts at")
    parser.add_argument("--rate", type=float, default=45.0, help="requests a second for scheduled posts")
    parser.add_argument("--privileged-intent", choices=["members", "presences", "message_content"],
                        help="also ask for this privileged intent")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    Route.BASE = args.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(args.gateway)
    eventloop.run(_run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
