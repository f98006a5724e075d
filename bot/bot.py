"""The discord.py bot: lifecycle, extensions and command sync; no feature logic lives here."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import math
import pkgutil
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
from discord.ext import commands
from discord.shard import SessionStartLimits
from discord.state import AutoShardedConnectionState

import cogs
from bot.core import Core
from bot.error_handler import StudyTree
from bot.identify import IdentifyPacer, SessionStartLimitReached
from bot.pacing import scheduled_lane
from bot.services import Services
from bot.shards import catching_up, ranges
from bot.storage import job_writes
from cogs._common.dispatch import install as install_direct_dispatch
from cogs._common.forms import FormRouter

log = logging.getLogger(__name__)

ReadyHook = Callable[[], Awaitable[None]]
HTTP_CONNECTIONS = 32
AnyChannel = (discord.TextChannel | discord.ForumChannel | discord.VoiceChannel | discord.StageChannel
              | discord.CategoryChannel | discord.Thread | discord.abc.PrivateChannel)
CHANNEL_GUILDS_KEPT = 100_000  # remembered channel -> guild pairs; forgotten all at once past this


class DevGuildRefused(RuntimeError):
    """Discord refused the commands for ``STUDYBOT_DEV_GUILD_ID``: the bot is not in that server (or was added
    without the ``applications.commands`` scope). Only the host can fix it, so it stops start-up with one line."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            f"STUDYBOT_DEV_GUILD_ID={guild_id}: Discord refused the commands there (Missing Access): the bot is not "
            "in that server, or was added without the applications.commands scope; invite it there, or leave "
            "STUDYBOT_DEV_GUILD_ID empty to sync the commands everywhere")


@dataclass(frozen=True)
class ShardState:
    id: int
    connected: bool
    latency: float | None  # seconds; None before the first heartbeat answer
    guilds: int


def describe_shards(count: int | None, ids: Sequence[int] | None) -> str:
    if ids is None:
        return f"all {count} shard(s)" if count else "the recommended shards"
    return f"shard(s) {ranges(tuple(ids))} of {count}"


def extension_names() -> list[str]:
    """Every extension in ``cogs/`` (modules or packages whose name has no leading underscore)."""
    return sorted(
        f"cogs.{info.name}" for info in pkgutil.iter_modules(cogs.__path__) if not info.name.startswith("_")
    )


def default_intents() -> discord.Intents:
    """Only non-privileged intents, and no message events: no message content, members or presences needed.

    studybot acts on interactions and reads no messages, so it does not ask for message, reaction or
    typing events: each would be a gateway event to parse for every message any member writes in any
    server (and for each of the bot's own posts), work that no feature uses."""
    intents = discord.Intents.default()
    intents.message_content = False
    intents.members = False
    intents.presences = False
    intents.messages = False   # guild and direct messages
    intents.reactions = False  # guild and direct reactions
    intents.typing = False     # guild and direct typing
    return intents


# Logged once by each shard when its guilds are cached and frozen: the sign a benchmark (or an operator
# reading the log) waits for before counting that shard as connected.
FROZE_STARTUP_HEAP = "froze %d start-up objects out of the garbage collector's sight"


def freeze_startup_heap() -> None:
    """Take everything alive once a shard is ready (the guild cache, the content packs, the code) out of
    the garbage collector's sight.

    A full collection walks every tracked object on the event loop: with a thousand guilds cached
    one took 100-160 ms during a daily fan-out, and every click arriving meanwhile waited for it.
    Frozen objects are never walked again; what the process allocates later is collected as before.
    Only for a process that runs the bot alone (``studybot run``): frozen objects of anything else
    sharing the process would never be collected if they later became cyclic garbage."""
    gc.collect()
    gc.freeze()
    log.info(FROZE_STARTUP_HEAP, gc.get_freeze_count())


class ListedGuildsState(AutoShardedConnectionState["StudyBot"]):
    """discord.py's sharded state, plus the removals a gateway outage hides.

    Discord sends no GUILD_DELETE to a shard without a session, and a new session's READY lists only the guilds
    the bot is in now; discord.py adds those but keeps every guild it cached before, so a server that removed the
    bot during the outage stayed cached, scheduled and posted to until a restart, and its data was never purged.
    A cached guild of the shard that READY no longer lists is removed and reported as the removal Discord never
    sent (``on_guild_remove``)."""

    def parse_ready(self, data: Any) -> None:
        shard_id = data["shard"][0]
        listed = {int(guild["id"]) for guild in data["guilds"]}
        gone = [guild for guild in self._guilds.values() if guild.shard_id == shard_id and guild.id not in listed]
        super().parse_ready(data)
        for guild in gone:
            self._remove_guild(guild)
            self.dispatch("guild_remove", guild)


class StudyBot(commands.AutoShardedBot):
    """The studybot client. Resources arrive ready-made in ``core``; ``setup_hook`` opens them.

    It is discord.py's sharded client: Discord requires sharding from 2,500 guilds a
    connection, and shard ranges let several processes share the work. Without a layout it
    runs as many shards as Discord recommends (``GET /gateway/bot``).
    """

    core: Core

    def __init__(self, core: Core, *, sync_on_start: bool = True, own_process: bool = False,
                 **options: Any) -> None:
        options.setdefault("intents", default_intents())
        options.setdefault(
            "allowed_mentions", discord.AllowedMentions(everyone=False, roles=False, users=True, replied_user=False)
        )
        options.setdefault("tree_cls", StudyTree)
        options.setdefault("help_command", None)
        layout = core.settings.shard_layout
        options.setdefault("shard_count", layout.shard_count)
        if layout.shard_ids is not None:
            options.setdefault("shard_ids", list(layout.shard_ids))
        super().__init__(command_prefix=commands.when_mentioned, **options)
        install_direct_dispatch(self)  # persistent buttons made from their id, without rebuilding the view
        self.core = core
        self.services = Services()  # each extension registers its feature's service here
        self.forms = FormRouter()  # each extension adds the persistent forms it answers
        self.add_listener(self.forms.route, "on_interaction")
        self.sync_on_start = sync_on_start
        self.own_process = own_process  # the process runs this bot alone: its start-up heap may be frozen
        self._ready_hooks: list[ReadyHook] = []
        self._ready_once = asyncio.Event()
        core.scheduler.hold_until(self._ready_once)  # timers overdue at start wait for the guilds to be known
        self._caught_up: set[int] = set()  # shards whose start-up hooks began
        self._hooks_done: set[int] = set()  # ... and finished
        self._identify_pacer = IdentifyPacer()
        self._background: set[asyncio.Task[Any]] = set()
        self._channel_guilds: dict[int, int] = {}  # channel or thread id -> its guild's id (never changes)
        self.add_listener(self._on_shard_ready, "on_shard_ready")

    def _get_state(self, **options: Any) -> ListedGuildsState:
        return ListedGuildsState(dispatch=self.dispatch, handlers=self._handlers, hooks=self._hooks, http=self.http,
                                 **options)

    def in_outage(self, guild_id: int) -> bool:
        """Whether Discord lists the guild as unavailable (an outage): it then shows none of its channels or roles,
        which are not gone. What would be given up for a deleted channel is tried again instead."""
        guild = self.get_guild(guild_id)
        return guild is not None and guild.unavailable

    def get_channel(self, id: int, /) -> AnyChannel | None:  # noqa: A002 - discord.py's signature
        """discord.py's lookup copies the guild list and probes every guild in turn, which a bot in a
        thousand servers pays on each answer shown in a thread and each post of the fan-out. A channel
        never leaves its guild, so once found its guild is remembered and later lookups ask that guild
        alone; anything not found there (deleted, or a thread no longer cached) takes the full walk."""
        guild_id = self._channel_guilds.get(id)
        if guild_id is not None:
            guild = self.get_guild(guild_id)
            known = guild.get_channel_or_thread(id) if guild is not None else None
            if known is not None:
                return known
        found = super().get_channel(id)
        guild = getattr(found, "guild", None)
        if guild is not None:
            if len(self._channel_guilds) >= CHANNEL_GUILDS_KEPT:
                self._channel_guilds.clear()
            self._channel_guilds[id] = guild.id
        return found

    @property
    def user_id(self) -> int:
        """The bot's own user id, which publishers compare message authors with (known once logged in)."""
        if self.user is None:
            raise RuntimeError("the bot is not logged in yet")
        return self.user.id

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

    def after_first_ready(self, hook: ReadyHook) -> None:
        """Run ``hook`` once per shard, when that shard is first ready (catch-up passes use this).

        While it runs for a shard, ``core.scheduler.owns`` answers for that shard's guilds only, so
        a catch-up pass covers exactly the guilds whose events just started to arrive.
        """
        self._ready_hooks.append(hook)

    def forget_ready_hook(self, hook: ReadyHook) -> None:
        """Undo :meth:`after_first_ready` when an extension unloads, so a reload does not run its hook twice."""
        if hook in self._ready_hooks:
            self._ready_hooks.remove(hook)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Start shards as fast as ``max_concurrency`` allows instead of discord.py's fixed 5 s each."""
        await self._identify_pacer.wait(shard_id or 0, initial=initial)

    async def launch_shards(self) -> None:
        """Check the day's session start budget, then start the shards (paced by ``before_identify_hook``).

        Discord resets the token when the 1,000 daily session starts run out, so a process that
        would go past them stops instead (``SessionStartLimitReached``)."""
        if not self.is_closed():
            try:
                recommended, _url, raw = await self.http.get_bot_gateway()
            except discord.HTTPException:
                log.warning("could not read the session start limit; starting one shard every 5 s")
            else:
                limits = SessionStartLimits(**raw)
                self._identify_pacer.max_concurrency = limits.max_concurrency
                log.info("session starts left today: %d of %d (max_concurrency %d)", limits.remaining,
                         limits.total, limits.max_concurrency)
                needed = len(self.shard_ids) if self.shard_ids is not None else (self.shard_count or recommended)
                if limits.remaining < needed:
                    raise SessionStartLimitReached(limits.remaining, needed, limits.reset_after / 1000)
        await super().launch_shards()
        log.info("identified %s", describe_shards(self.shard_count, self.shard_ids))

    def spawn(self, coro: Awaitable[Any], *, name: str) -> asyncio.Task[Any]:
        """Start a background task that is kept referenced and cancelled on close.

        One started from a member's click is not the click's answer (that was sent or deferred already):
        like a scheduled job's, its requests and writes wait their turn behind members' (a privacy deletion
        of many messages does not hold up other members' clicks), and no click's deadline bounds its writes
        (a busy moment does not stop it halfway)."""
        task = asyncio.ensure_future(_in_background(coro))
        task.set_name(name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _on_shard_ready(self, shard_id: int) -> None:
        if shard_id in self._caught_up:
            return  # a new session after an invalid one: jobs are still scheduled, nothing was missed
        self._caught_up.add(shard_id)
        if self.own_process:
            freeze_startup_heap()  # the shard's guilds are cached now; its start-up work may allocate a lot
        self.spawn(self._run_ready_hooks(shard_id), name=f"studybot-ready-hooks-{shard_id}")

    async def _run_ready_hooks(self, shard_id: int) -> None:
        with catching_up(shard_id, self.shard_count or 1):
            for hook in self._ready_hooks:
                try:
                    await hook()
                except Exception:
                    log.exception("start-up hook %r failed for shard %d", hook, shard_id)
        log.info("shard %d ready; start-up work for its guilds done", shard_id)
        self._hooks_done.add(shard_id)
        mine = set(self.shard_ids if self.shard_ids is not None else range(self.shard_count or 1))
        if mine <= self._hooks_done and not self._ready_once.is_set():
            log.info("ready in %d guilds on %s; start-up work done", len(self.guilds),
                     describe_shards(self.shard_count, self.shard_ids))
            self._ready_once.set()

    async def wait_until_started(self) -> None:
        """Wait until every shard of this process was ready once and its start-up hooks ran."""
        await self._ready_once.wait()

    def shard_states(self) -> list[ShardState]:
        """Each shard's connection and heartbeat latency, for /studybot-owner health."""
        states = []
        for shard_id, info in sorted(self.shards.items()):
            latency = info.latency
            states.append(ShardState(shard_id, not info.is_closed(),
                                     None if math.isinf(latency) or math.isnan(latency) else latency,
                                     sum(1 for g in self.guilds if g.shard_id == shard_id)))
        return states

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
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.Forbidden as error:
                raise DevGuildRefused(guild_id) from error
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


async def _in_background(work: Awaitable[Any]) -> Any:
    """Run ``work`` in the lanes of background work, whatever context its task was copied from."""
    scheduled_lane()
    job_writes()
    return await work
