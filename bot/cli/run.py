"""``studybot run`` and ``studybot sync``: connect to the real Discord.

Before connecting, the database file and the content packs are checked and Discord is asked, with
retries, whether it answers and accepts the token; every expected failure ends with one line and a
status of its own (``bot.cli.common.Status``) instead of a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot import eventloop
from bot.cli.common import Status, check_database_file, fail, load_content, load_settings
from bot.cli.fatal import stop_on_fatal_close
from bot.cli.startup import DiscordUnreachable, TokenRejected, describe, wait_for_discord
from bot.identify import SessionStartLimitReached
from bot.settings import Settings
from bot.storage.in_use import InUse, serving

if TYPE_CHECKING:  # serve() imports the bot where it starts it
    from bot.bot import StudyBot
    from bot.content import ContentStore

log = logging.getLogger(__name__)

NO_TOKEN = (
    "no Discord token: set STUDYBOT_DISCORD_TOKEN (or DISCORD_TOKEN) in the environment or in .env; "
    "to try the bot without Discord, run `studybot demo`"
)
TOKEN_REJECTED = "Discord rejected the token; copy it again from the developer portal (Bot > Reset Token)"


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="connect to Discord and serve (needs a token)")
    run.add_argument("--shard-count", type=int, metavar="N",
                     help="total gateway shards across all processes (default: STUDYBOT_SHARD_COUNT, or as many "
                          "as Discord recommends)")
    run.add_argument("--shard-ids", metavar="IDS",
                     help="the shards this process runs, e.g. 0-3 (default: STUDYBOT_SHARD_IDS, or all)")
    run.set_defaults(handler=_run)
    sync = subparsers.add_parser("sync", help="push the slash commands to Discord now, then exit")
    sync.set_defaults(handler=_sync)


def _settings_with_token(**overrides: object) -> Settings:
    settings = load_settings(**overrides)
    if not settings.token:
        fail(NO_TOKEN, Status.CONFIGURATION)
    settings.apply_logging()
    return settings


def _run(args: argparse.Namespace) -> int:
    overrides = {name: value for name, value in (("shard_count", args.shard_count), ("shard_ids", args.shard_ids))
                 if value is not None}
    settings = _settings_with_token(**overrides)
    args.database_path = settings.database_path
    return eventloop.run(serve(settings))


def _sync(args: argparse.Namespace) -> int:
    settings = _settings_with_token()
    args.database_path = settings.database_path
    return eventloop.run(serve(settings, sync_only=True))


async def _reach_discord(settings: Settings) -> None:
    try:
        await wait_for_discord(settings.token or "", budget=settings.startup_timeout)
    except TokenRejected:
        fail(TOKEN_REJECTED, Status.TOKEN_REJECTED)
    except DiscordUnreachable as error:
        fail(f"Discord is not reachable: {error} (STUDYBOT_STARTUP_TIMEOUT={settings.startup_timeout:g} s)",
             Status.DISCORD_UNREACHABLE)


async def serve(settings: Settings, *, sync_only: bool = False) -> int:
    """Run the bot until SIGINT/SIGTERM, then close the scheduler, gateway and database in order."""
    check_database_file(settings.database_path)
    content = load_content(settings)
    try:
        with serving(settings.database_path):
            return await _serve_database(settings, content, sync_only=sync_only)
    except InUse:
        fail(f"a restore is replacing {settings.database_path}; start the bot again once `studybot db restore` "
             "has finished", Status.DATABASE)


async def _serve_database(settings: Settings, content: ContentStore, *, sync_only: bool) -> int:
    """:func:`serve` once this process holds the database file as in use."""
    from bot.bot import DevGuildRefused, StudyBot
    from bot.core import Core

    core = Core.build(settings, content)
    try:
        await core.db.open()  # before Discord: a bad database file is reported without a network wait
        await _reach_discord(settings)
        client = StudyBot(core, sync_on_start=not sync_only, own_process=True)
        await _serve(client, settings, sync_only=sync_only)
    except discord.LoginFailure:
        fail(TOKEN_REJECTED, Status.TOKEN_REJECTED)
    except DevGuildRefused as error:
        fail(str(error), Status.CONFIGURATION)
    except (discord.ConnectionClosed, discord.PrivilegedIntentsRequired, SessionStartLimitReached) as error:
        stop_on_fatal_close(error)
        raise
    except (aiohttp.ClientError, OSError, TimeoutError, discord.DiscordServerError) as error:
        reason = describe(error) if not isinstance(error, discord.DiscordServerError) else str(error)
        fail(f"lost Discord while starting: {reason}; start again later", Status.DISCORD_UNREACHABLE)
    finally:
        await core.db.close()
    return 0


async def _serve(client: StudyBot, settings: Settings, *, sync_only: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover - non-Unix
            pass
    async with client:
        if sync_only:
            await client.login(settings.token or "")  # runs setup_hook: database and extensions
            count = await client.sync_commands()
            print(f"synced {count} commands")
            return
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
