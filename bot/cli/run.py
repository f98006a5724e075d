"""``studybot run`` and ``studybot sync``: connect to the real Discord."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

import discord

from bot.cli.common import fail, load_content, load_settings
from bot.settings import Settings

log = logging.getLogger(__name__)

NO_TOKEN = (
    "no Discord token: set STUDYBOT_DISCORD_TOKEN (or DISCORD_TOKEN) in the environment or in .env; "
    "to try the bot without Discord, run `studybot demo`"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="connect to Discord and serve (needs a token)")
    run.set_defaults(handler=_run)
    sync = subparsers.add_parser("sync", help="push the slash commands to Discord now, then exit")
    sync.set_defaults(handler=_sync)


def _settings_with_token() -> Settings:
    settings = load_settings()
    if not settings.token:
        fail(NO_TOKEN, 2)
    settings.apply_logging()
    return settings


def _run(args: argparse.Namespace) -> int:
    settings = _settings_with_token()
    return asyncio.run(serve(settings))


def _sync(args: argparse.Namespace) -> int:
    settings = _settings_with_token()
    return asyncio.run(serve(settings, sync_only=True))


async def serve(settings: Settings, *, sync_only: bool = False) -> int:
    """Run the bot until SIGINT/SIGTERM, then close the scheduler, gateway and database in order."""
    from bot.bot import StudyBot
    from bot.core import Core

    core = Core.build(settings, load_content(settings))
    client = StudyBot(core, sync_on_start=not sync_only)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover - non-Unix
            pass
    try:
        async with client:
            if sync_only:
                await client.login(settings.token or "")  # runs setup_hook: database and extensions
                count = await client.sync_commands()
                print(f"synced {count} commands")
                return 0
            runner = asyncio.create_task(client.start(settings.token or ""))
            stopper = asyncio.create_task(stop.wait())
            done, _pending = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            log.info("shutting down")
            await client.close()
            stopper.cancel()
            if runner in done:
                runner.result()
            else:
                await asyncio.gather(runner, return_exceptions=True)
    except discord.LoginFailure:
        fail("Discord rejected the token; copy it again from the developer portal (Bot > Reset Token)", 1)
    finally:
        await core.db.close()
    return 0
