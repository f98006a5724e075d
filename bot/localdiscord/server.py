"""LocalDiscord: a Discord REST API and gateway on 127.0.0.1 for the unmodified discord.py client.

Tests, the demo and the benchmarks create one, build a world (guilds, channels,
members), point the client at it with :func:`~bot.localdiscord.patch.pointed_at`, and act
as members through :class:`~bot.localdiscord.members.SimMember`. Everything the bot sends
is recorded as Discord would store it; anything Discord would reject is rejected with
Discord's status and error JSON, and remembered in :attr:`LocalDiscord.errors`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.clock import Clock, SystemClock
from bot.localdiscord.members import SimMember
from bot.localdiscord.ratelimit import BucketRule, InvalidRequests, RateLimiter
from bot.localdiscord.state import (
    BOT_DEFAULT,
    EVERYONE_DEFAULT,
    PERMISSIONS,
    SimChannel,
    SimGuild,
    SimMessage,
    SimRole,
    SimUser,
    Snowflakes,
)
from bot.localdiscord.uploads import DEFAULT_ATTACHMENT_SIZE_LIMIT

if TYPE_CHECKING:
    from bot.localdiscord.command_permissions import CommandPermission

log = logging.getLogger(__name__)

ESTABLISHED = timedelta(days=365)  # how long the bot has been in a server created with it


@dataclass
class RejectedRequest:
    method: str
    path: str
    status: int
    body: dict[str, Any]

    @property
    def code(self) -> int:
        return int(self.body.get("code", 0))


@dataclass
class SimInteraction:
    """One interaction sent to the bot, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    user: SimMember
    channel: SimChannel
    guild: SimGuild | None
    created_monotonic: float
    created_at: datetime
    source_message: SimMessage | None = None
    response_type: int | None = None
    response_message: SimMessage | None = None
    response_data: dict[str, Any] | None = None  # what the bot answered with, as sent (e.g. an UPDATE_MESSAGE)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    focused_type: int | None = None  # an autocomplete's focused option type: its choices' values are of it
    followups: list[SimMessage] = field(default_factory=list)
    acknowledged_monotonic: float | None = None
    acknowledged: asyncio.Event = field(default_factory=asyncio.Event)


class FaultPlan:
    """Faults injected on demand: server errors and gateway trouble."""

    def __init__(self) -> None:
        self.fail_next_with: list[int] = []  # statuses for the next REST requests
        self.fail_route_contains: str | None = None

    def fail_next(self, status: int = 500, count: int = 1, *, route_contains: str | None = None) -> None:
        self.fail_next_with.extend([status] * count)
        self.fail_route_contains = route_contains

    def take(self, path: str) -> int | None:
        if self.fail_next_with and (self.fail_route_contains is None or self.fail_route_contains in path):
            return self.fail_next_with.pop(0)
        return None


class LocalDiscord:
    """The simulated Discord. Use as ``async with LocalDiscord() as sim:``."""

    def __init__(self, *, clock: Clock | None = None, global_rate_limit: float | None = 50,
                 bucket_rules: dict[str, BucketRule] | None = None, ack_timeout: float = 3.0,
                 heartbeat_interval_ms: int | None = None, max_concurrency: int = 1,
                 privileged_intents: int = 0) -> None:
        """``max_concurrency`` and ``privileged_intents`` are the application's own settings on Discord
        (the second is what the developer portal's "Privileged Gateway Intents" toggles turn on)."""
        self.clock = clock or SystemClock()
        self.snowflakes = Snowflakes(self.clock.now)
        self.ratelimiter = RateLimiter(global_per_second=global_rate_limit, rules=bucket_rules)
        self.invalid_requests = InvalidRequests()
        self.faults = FaultPlan()
        self.ack_timeout = ack_timeout
        self.application_id = self.snowflakes.next()
        self.bot_user = SimUser(self.application_id, "studybot", bot=True)
        self.token = "local." + secrets.token_hex(8)
        self.guilds: dict[int, SimGuild] = {}
        self.channels: dict[int, SimChannel] = {}
        self.messages: dict[int, SimMessage] = {}
        self.nonces: dict[tuple[int, str], SimMessage] = {}  # (author id, nonce) for enforce_nonce
        self.users: dict[int, SimMember] = {}
        self.dm_channels: dict[int, SimChannel] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.command_syncs = 0  # bulk overwrites received, so tests can tell a start that synced from one that did not
        # (guild id, command id or application id) -> the overwrites a moderator set
        self.command_permissions: dict[tuple[int, int], list[CommandPermission]] = {}
        self.interactions: dict[int, SimInteraction] = {}
        self.interactions_by_token: dict[str, SimInteraction] = {}
        self.errors: list[RejectedRequest] = []
        self.uploads: dict[int, bytes] = {}  # files members attached to commands, served as from the CDN
        self.attachment_size_limit = DEFAULT_ATTACHMENT_SIZE_LIMIT
        self.requests: list[tuple[str, str]] = []
        self.inflight = 0
        self._changed = asyncio.Event()  # set whenever the bot's request or frame has been handled
        self.port = 0
        self.host = "127.0.0.1"
        self._runner: web.AppRunner | None = None
        from bot.localdiscord.gateway import HEARTBEAT_INTERVAL_MS, Gateway

        self.gateway = Gateway(self, heartbeat_interval_ms=heartbeat_interval_ms or HEARTBEAT_INTERVAL_MS,
                               max_concurrency=max_concurrency, privileged_intents=privileged_intents)
        self.settle_hook: Callable[[], Any] | None = None
        self.next_archive_due: datetime | None = None  # when the next idle thread can archive, if known
        self.event_guild_ids: set[int] = set()  # servers with scheduled events: the ones Discord's automation scans

    # -- lifecycle ----------------------------------------------------------------------
    async def __aenter__(self) -> LocalDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        from bot.localdiscord.rest import build_app

        app = build_app(self)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock)
        await site.start()

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_base(self) -> str:
        return f"http://{self.host}:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    # -- world building -----------------------------------------------------------------
    def create_guild(self, name: str, *, owner_name: str = "owner", with_bot: bool = True) -> SimGuild:
        """A server with its owner; the bot is in it from the start unless ``with_bot`` is False, in
        which case the server can be furnished first and the bot invited later (``add_bot_to_guild``)."""
        # Real guilds were created at different moments, and the shard a guild belongs to comes from
        # its id's timestamp (developers/events/gateway.mdx, "Sharding Formula"): date each new guild
        # one millisecond before the previous one, so a simulated world spreads over shards as Discord's does.
        guild = SimGuild(self.snowflakes.next(ms_earlier=1 + len(self.guilds)), name, self, bot_present=with_bot)
        guild.roles[guild.id] = SimRole(guild.id, "@everyone", EVERYONE_DEFAULT, position=0)
        self.guilds[guild.id] = guild
        if with_bot:  # a server that has had the bot for a while (a fresh invite is ``add_bot_to_guild``)
            self._add_bot_member(guild, joined_at=self.clock.now() - ESTABLISHED)
        owner = self.add_member(guild, owner_name)
        guild.owner_id = owner.id
        self.gateway.dispatch_guild_create(guild)
        return guild

    def _add_bot_member(self, guild: SimGuild, *, joined_at: datetime | None = None) -> None:
        """The bot's member and its managed role, as Discord creates them when a bot is invited."""
        bot_role = guild.create_role("studybot", permissions=BOT_DEFAULT)
        self._add_member_object(guild, SimMember(self, self.bot_user, guild, role_ids=[bot_role.id],
                                                 joined_at=joined_at))

    def add_member(self, guild: SimGuild, name: str, *, manage_guild: bool = False, administrator: bool = False,
                   roles: list[SimRole] | None = None) -> SimMember:
        role_ids = [role.id for role in roles or []]
        if manage_guild or administrator:
            perms = PERMISSIONS["manage_guild"] | (PERMISSIONS["administrator"] if administrator else 0)
            role = guild.create_role(f"{name}-mod", permissions=perms)
            role_ids.append(role.id)
        user = SimUser(self.snowflakes.next(), name)
        member = SimMember(self, user, guild, role_ids=role_ids)
        self._add_member_object(guild, member)
        self.dispatch_if_connected("GUILD_MEMBER_ADD", {**member.to_json(), "guild_id": str(guild.id)})
        return member

    def remove_member(self, guild: SimGuild, member: SimMember) -> None:
        """The member leaves the server (or is kicked): Discord forgets the membership, so a request about them
        there is 404 Unknown Member (10007); the user, and their DMs, stay."""
        if guild.members.pop(member.id, None) is not None:
            # topics/gateway-events.mdx, "Guild Member Remove": the guild id and the user; GUILD_MEMBERS only
            self.dispatch_if_connected("GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": member.user.to_json()})

    def readd_member(self, guild: SimGuild, member: SimMember) -> None:
        """A member who left joins the server again: a new membership with no roles, joined now."""
        member.role_ids.clear()
        member.joined_at = self.clock.now()
        self._add_member_object(guild, member)
        self.dispatch_if_connected("GUILD_MEMBER_ADD", {**member.to_json(), "guild_id": str(guild.id)})

    def _add_member_object(self, guild: SimGuild, member: SimMember) -> None:
        guild.members[member.id] = member
        self.users.setdefault(member.id, member)

    def remove_bot_from_guild(self, guild: SimGuild) -> None:
        guild.bot_present = False
        self.dispatch_if_connected("GUILD_DELETE", {"id": str(guild.id)})

    def add_bot_to_guild(self, guild: SimGuild) -> None:
        if self.bot_user.id not in guild.members:
            self._add_bot_member(guild)
        elif not guild.bot_present:  # invited again: a new membership, joined now
            guild.members[self.bot_user.id].joined_at = self.clock.now()
        guild.bot_present = True
        self.gateway.dispatch_guild_create(guild)

    def member(self, user_id: int) -> SimMember:
        return self.users[user_id]

    # -- gateway ------------------------------------------------------------------------
    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.gateway.dispatch(event, data)

    def dispatch_if_connected(self, event: str, data: dict[str, Any]) -> None:
        """Send ``event`` to a connected bot, unless it concerns a server the bot is not in."""
        guild = self.guilds.get(int(data["guild_id"])) if data.get("guild_id") else None
        if guild is not None and not guild.bot_present:
            return
        if self.gateway.sessions:
            self.gateway.dispatch(event, data)

    # -- bookkeeping --------------------------------------------------------------------
    def reject(self, method: str, path: str, status: int, body: dict[str, Any]) -> web.Response:
        self.errors.append(RejectedRequest(method, path, status, body))
        log.info("rejected %s %s: %s %s", method, path, status, body)
        return json_response(body, status=status)

    @contextlib.contextmanager
    def expect_errors(self, *codes: int) -> Iterator[list[RejectedRequest]]:
        """Within the block, rejections with these codes are expected and not reported as failures."""
        before = len(self.errors)
        seen: list[RejectedRequest] = []
        yield seen
        new = self.errors[before:]
        seen.extend(new)
        del self.errors[before:]
        unexpected = [e for e in new if codes and e.code not in codes]
        self.errors.extend(unexpected)

    def new_message(self, channel: SimChannel, author: SimUser, payload: dict[str, Any], *,
                    attachments: list[dict[str, Any]] | None = None, interaction_id: int | None = None,
                    webhook: bool = False, store_in_channel: bool = True,
                    message_id: int | None = None) -> SimMessage:
        message = SimMessage(
            message_id or self.snowflakes.next(), channel.id, author, payload, self.clock.now(),
            guild_id=channel.guild.id if channel.guild else None,
            webhook_id=self.application_id if webhook else None, interaction_id=interaction_id,
            attachments=attachments or [],
        )
        self.messages[message.id] = message
        if store_in_channel:
            channel.messages.append(message)
            if channel.is_thread:
                channel.last_activity = message.created_at  # a message keeps a thread active
        return message

    def bot_can(self, channel: SimChannel, permission: str) -> bool:
        """Whether the bot holds ``permission`` in ``channel`` as Discord computes it (DMs: always)."""
        if channel.guild is None:
            return True
        return bool(channel.guild.permissions_in(self.bot_user.id, channel) & PERMISSIONS[permission])

    def archive_idle_threads(self) -> int:
        """Archive the threads idle for their ``auto_archive_duration`` by now on the simulator's clock."""
        from bot.localdiscord.threads import archive_idle

        return archive_idle(self)

    def update_event_statuses(self) -> None:
        """Scheduled events start, end or are cancelled by Discord as the simulator's clock passes their times, and
        the bot hears of each change then, with GUILD_SCHEDULED_EVENT_UPDATE (resources/guild-scheduled-event.mdx,
        "Guild Scheduled Event Status Update Automation"; events/gateway-events.mdx, "Guild Scheduled Event
        Update"), not only when it next asks about the event."""
        from bot.localdiscord.rest_events import apply_automation

        for guild_id in self.event_guild_ids:  # runs before every request: a fan-out of many servers scans none
            guild = self.guilds.get(guild_id)
            if guild is not None and guild.scheduled_events and guild.bot_present:
                apply_automation(self, guild)

    def interaction_token_expired(self, interaction: SimInteraction) -> bool:
        return (self.clock.now() - interaction.created_at).total_seconds() > 15 * 60

    def ack_too_late(self, interaction: SimInteraction) -> bool:
        return time.monotonic() - interaction.created_monotonic > self.ack_timeout

    def note_change(self) -> None:
        """A request was answered or a gateway frame handled: wake whoever waits in :meth:`next_change`."""
        self._changed.set()

    async def next_change(self, at_most: float) -> None:
        """Wait until the bot's next request or gateway frame has been handled, or ``at_most`` seconds.

        For a bot in another process, whose progress the simulator only sees as requests.
        Check your condition, then call this; nothing can slip in between (one event loop).
        """
        self._changed.clear()
        try:
            await asyncio.wait_for(self._changed.wait(), at_most)
        except TimeoutError:
            pass

    async def settle(self) -> None:
        self.archive_idle_threads()
        self.update_event_statuses()
        if self.settle_hook is not None:
            await self.settle_hook()
        else:
            for _ in range(50):
                await asyncio.sleep(0)


def json_response(body: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with exactly ``application/json``: discord.py only parses that content type."""
    import json

    return web.Response(body=json.dumps(body).encode(), status=status, content_type="application/json",
                        headers=headers)
