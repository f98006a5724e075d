"""The discord.py bot: lifecycle, extensions and command sync; no feature logic lives here."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import pkgutil
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import discord
from discord.ext import commands

import cogs
from bot.core import Core
from bot.error_handler import StudyTree

log = logging.getLogger(__name__)

ReadyHook = Callable[[], Awaitable[None]]
HTTP_CONNECTIONS = 32


def extension_names() -> list[str]:
    """Every extension in ``cogs/`` (modules or packages whose name has no leading underscore)."""
    return sorted(
        f"cogs.{info.name}" for info in pkgutil.iter_modules(cogs.__path__) if not info.name.startswith("_")
    )


def default_intents() -> discord.Intents:
    """Only non-privileged intents: no message content, members or presences needed."""
    intents = discord.Intents.default()
    intents.message_content = False
    intents.members = False
    intents.presences = False
    return intents


class StudyBot(commands.Bot):
    """The studybot client. Resources arrive ready-made in ``core``; ``setup_hook`` opens them."""

    core: Core

    def __init__(self, core: Core, *, sync_on_start: bool = True, **options: Any) -> None:
        options.setdefault("intents", default_intents())
        options.setdefault(
            "allowed_mentions", discord.AllowedMentions(everyone=False, roles=False, users=True, replied_user=False)
        )
        options.setdefault("tree_cls", StudyTree)
        options.setdefault("help_command", None)
        super().__init__(command_prefix=commands.when_mentioned, **options)
        self.core = core
        self.sync_on_start = sync_on_start
        self._ready_hooks: list[ReadyHook] = []
        self._ready_once = asyncio.Event()
        self._background: set[asyncio.Task[Any]] = set()

    # -- start-up -----------------------------------------------------------------------
    async def login(self, token: str) -> None:
        """Use a bounded connection pool: discord.py's default opens a new connection per concurrent
        request, so a burst of interactions paid for hundreds of TCP handshakes (see BENCHMARKS.md)."""
        if self.http.connector is discord.utils.MISSING:
            self.http.connector = aiohttp.TCPConnector(limit=HTTP_CONNECTIONS, keepalive_timeout=60)
        await super().login(token)

    async def setup_hook(self) -> None:
        await self.core.db.open()
        for name in extension_names():
            await self.load_extension(name)
        if self.sync_on_start:
            await self.sync_commands_if_changed()
        self.core.scheduler.start()
        self.spawn(self._run_ready_hooks(), name="studybot-ready-hooks")

    def after_first_ready(self, hook: ReadyHook) -> None:
        """Run ``hook`` once, when the gateway is first ready (catch-up passes use this)."""
        self._ready_hooks.append(hook)

    def spawn(self, coro: Awaitable[Any], *, name: str) -> asyncio.Task[Any]:
        """Start a background task that is kept referenced and cancelled on close."""
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _run_ready_hooks(self) -> None:
        await self.wait_until_ready()
        for hook in self._ready_hooks:
            try:
                await hook()
            except Exception:
                log.exception("start-up hook %r failed", hook)
        log.info("ready in %d guilds; start-up work done", len(self.guilds))
        self._ready_once.set()

    async def wait_until_started(self) -> None:
        """Wait until the gateway was ready once and every start-up hook ran."""
        await self._ready_once.wait()

    # -- command sync -------------------------------------------------------------------
    def command_tree_hash(self) -> str:
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands()]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    async def sync_commands(self) -> int:
        """Push the command tree to Discord (dev guild if configured, else global)."""
        guild_id = self.core.settings.dev_guild_id
        if guild_id:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        scope = f"guild:{guild_id}" if guild_id else "global"
        await self.core.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (f"command_tree_hash:{scope}", self.command_tree_hash()),
        )
        log.info("synced %d commands (%s)", len(synced), scope)
        return len(synced)

    async def sync_commands_if_changed(self) -> bool:
        """Sync only when the tree differs from the last one synced; syncing is rate limited."""
        guild_id = self.core.settings.dev_guild_id
        scope = f"guild:{guild_id}" if guild_id else "global"
        stored = await self.core.db.fetchval("SELECT value FROM meta WHERE key = ?", (f"command_tree_hash:{scope}",))
        if stored == self.command_tree_hash():
            log.info("command tree unchanged; not syncing")
            return False
        await self.sync_commands()
        return True

    # -- shutdown -----------------------------------------------------------------------
    async def close(self) -> None:
        """Stop the scheduler (letting running jobs finish), then Discord, then the database."""
        await self.core.scheduler.shutdown()
        for task in list(self._background):
            task.cancel()
        await super().close()
        await self.core.db.close()
