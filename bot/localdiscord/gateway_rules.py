"""The gateway's documented numbers and pure rules: intents, shard routing, session start limits.

Kept apart from the socket code so each rule reads next to the docs section it comes
from (repository discord/discord-api-docs, files named in the comments).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

# developers/events/gateway.mdx, "Sending Events": payloads over 4096 bytes close with 4002.
MAX_PAYLOAD_BYTES = 4096
# developers/events/gateway.mdx, "Rate Limiting": 120 gateway events per connection every 60 seconds.
SEND_LIMIT = 120
SEND_WINDOW_SECONDS = 60.0
# developers/events/gateway.mdx, "Sharding": each shard supports at most 2500 guilds.
MAX_GUILDS_PER_SHARD = 2500
# developers/events/gateway.mdx, "Get Gateway Bot": Discord recommends a shard per 1,000 guilds
# (the example answers 9 shards; discord.py's docs and Discord's own guidance use 1,000 a shard).
GUILDS_PER_RECOMMENDED_SHARD = 1000
# developers/events/gateway.mdx, "Identifying": 1000 IDENTIFY calls in a 24-hour period.
SESSION_STARTS_PER_DAY = 1000
# developers/events/gateway.mdx, "Session Start Limit Object": max_concurrency identifies per 5 seconds.
IDENTIFY_WINDOW_SECONDS = 5.0
# developers/events/gateway.mdx, "Initiating a Disconnect": a session left without a clean close
# "will remain active and timeout after a few minutes".
RESUME_WINDOW_SECONDS = 180.0
# developers/reference.mdx, "API Versioning": versions 10 and 9 are available for the gateway too.
GATEWAY_VERSIONS = frozenset({9, 10})
# developers/events/gateway.mdx, "Heartbeat Interval": Discord tolerates network latency on top of
# the interval; a connection silent for longer than this is a zombie.
HEARTBEAT_TOLERANCE = 1.25

# developers/topics/opcodes-and-status-codes.mdx, "Gateway Opcodes": what a client may send.
SEND_OPCODES = frozenset({1, 2, 3, 4, 6, 8, 31, 43})


class Intent:
    """developers/events/gateway.mdx, "List of Intents" (bit values as documented)."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MODERATION = 1 << 2
    GUILD_EXPRESSIONS = 1 << 3
    GUILD_INTEGRATIONS = 1 << 4
    GUILD_WEBHOOKS = 1 << 5
    GUILD_INVITES = 1 << 6
    GUILD_VOICE_STATES = 1 << 7
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    GUILD_MESSAGE_TYPING = 1 << 11
    DIRECT_MESSAGES = 1 << 12
    DIRECT_MESSAGE_REACTIONS = 1 << 13
    DIRECT_MESSAGE_TYPING = 1 << 14
    MESSAGE_CONTENT = 1 << 15
    GUILD_SCHEDULED_EVENTS = 1 << 16
    AUTO_MODERATION_CONFIGURATION = 1 << 20
    AUTO_MODERATION_EXECUTION = 1 << 21
    GUILD_MESSAGE_POLLS = 1 << 24
    DIRECT_MESSAGE_POLLS = 1 << 25


VALID_INTENTS = sum(value for name, value in vars(Intent).items() if name.isupper())
# developers/events/gateway.mdx, "Privileged Intents".
PRIVILEGED_INTENTS = Intent.GUILD_PRESENCES | Intent.GUILD_MEMBERS | Intent.MESSAGE_CONTENT

# developers/resources/application.mdx, "Application Flags": what READY's application.flags says
# about each privileged intent the app has turned on (the _LIMITED flag below 100 servers).
APPLICATION_INTENT_FLAGS = {
    Intent.GUILD_PRESENCES: (1 << 12, 1 << 13),
    Intent.GUILD_MEMBERS: (1 << 14, 1 << 15),
    Intent.MESSAGE_CONTENT: (1 << 18, 1 << 19),
}

# developers/events/gateway.mdx, "List of Intents": the intent each event the simulator sends needs.
# Events not listed there (READY, RESUMED, INTERACTION_CREATE, ...) are always sent.
_GUILD_EVENTS = ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE", "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE",
                 "GUILD_ROLE_DELETE", "CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE", "CHANNEL_PINS_UPDATE",
                 "THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE", "THREAD_LIST_SYNC", "THREAD_MEMBER_UPDATE",
                 "STAGE_INSTANCE_CREATE", "STAGE_INSTANCE_UPDATE", "STAGE_INSTANCE_DELETE")
EVENT_INTENTS: dict[str, int] = {
    **dict.fromkeys(_GUILD_EVENTS, Intent.GUILDS),
    **dict.fromkeys(("GUILD_MEMBER_ADD", "GUILD_MEMBER_REMOVE"), Intent.GUILD_MEMBERS),
    **dict.fromkeys(("GUILD_BAN_ADD", "GUILD_BAN_REMOVE", "GUILD_AUDIT_LOG_ENTRY_CREATE"), Intent.GUILD_MODERATION),
    "VOICE_STATE_UPDATE": Intent.GUILD_VOICE_STATES,
    "PRESENCE_UPDATE": Intent.GUILD_PRESENCES,
    **dict.fromkeys(("GUILD_SCHEDULED_EVENT_CREATE", "GUILD_SCHEDULED_EVENT_UPDATE", "GUILD_SCHEDULED_EVENT_DELETE",
                     "GUILD_SCHEDULED_EVENT_USER_ADD", "GUILD_SCHEDULED_EVENT_USER_REMOVE"),
                    Intent.GUILD_SCHEDULED_EVENTS),
}
_MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"}
_REACTION_EVENTS = {"MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE", "MESSAGE_REACTION_REMOVE_ALL",
                    "MESSAGE_REACTION_REMOVE_EMOJI"}


def intent_for(event: str, data: dict[str, Any], app_user_id: int | None = None) -> int:
    """The intent a session needs to receive ``event`` (0: always sent)."""
    if event == "THREAD_MEMBERS_UPDATE":
        # gateway-events.mdx, "Thread Members Update": without GUILD_MEMBERS, "this event will only be sent if
        # the current user was added to or removed from the thread".
        changed = {str(m.get("user_id")) for m in data.get("added_members") or []}
        changed |= {str(i) for i in data.get("removed_member_ids") or []}
        return Intent.GUILDS if str(app_user_id) in changed else Intent.GUILD_MEMBERS
    if event == "GUILD_MEMBER_UPDATE":
        # "Caveats": sent for the current user's own updates regardless of GUILD_MEMBERS; the
        # simulator only sends it for other members.
        return Intent.GUILD_MEMBERS
    in_guild = bool(guild_of(event, data))
    if event in _MESSAGE_EVENTS:
        return Intent.GUILD_MESSAGES if in_guild else Intent.DIRECT_MESSAGES
    if event in _REACTION_EVENTS:
        return Intent.GUILD_MESSAGE_REACTIONS if in_guild else Intent.DIRECT_MESSAGE_REACTIONS
    if event == "TYPING_START":
        return Intent.GUILD_MESSAGE_TYPING if in_guild else Intent.DIRECT_MESSAGE_TYPING
    return EVENT_INTENTS.get(event, 0)


def guild_of(event: str, data: dict[str, Any]) -> int | None:
    """The guild an event belongs to, for shard routing (GUILD_* events carry it as ``id``)."""
    if event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"):
        return int(data["id"])
    value = data.get("guild_id") if isinstance(data, dict) else None
    return int(value) if value else None


def shard_of(guild_id: int, num_shards: int) -> int:
    """developers/events/gateway.mdx, "Sharding Formula": ``(guild_id >> 22) % num_shards``."""
    return (guild_id >> 22) % num_shards


def receives(shard: tuple[int, int], guild_id: int | None) -> bool:
    """Whether a session identified as ``shard`` gets an event of ``guild_id``.

    developers/events/gateway.mdx, "Sharding": events without a guild_id (DMs, ...) only go to shard 0.
    """
    shard_id, num_shards = shard
    if guild_id is None:
        return shard_id == 0
    return shard_of(guild_id, num_shards) == shard_id


def recommended_shards(guild_count: int) -> int:
    return max(1, math.ceil(guild_count / GUILDS_PER_RECOMMENDED_SHARD))


def application_flags(enabled_intents: int, guild_count: int) -> int:
    flags = 0
    for intent, (verified_flag, limited_flag) in APPLICATION_INTENT_FLAGS.items():
        if enabled_intents & intent:
            flags |= limited_flag if guild_count < 100 else verified_flag
    return flags


class TimelineSeconds:
    """Seconds passed on the simulator's timeline: between two readings, real seconds, or the simulator's
    clock when it moved further. A client paces its identifies in real time, so real time counts while a
    test's clock stands still; a restart the test's clock puts minutes or a day after the last start comes
    that long after it, on Discord too. Each step counts the larger of the two, never their sum, so time is
    never counted twice (with a clock that follows real time, the two agree), and it never runs backwards."""

    def __init__(self, now: Callable[[], datetime], real: Callable[[], float] = time.monotonic) -> None:
        self._now, self._real = now, real
        self._last_real, self._last_clock, self._seconds = real(), now(), 0.0

    def __call__(self) -> float:
        real, clock = self._real(), self._now()
        self._seconds += max(real - self._last_real, (clock - self._last_clock).total_seconds(), 0.0)
        self._last_real, self._last_clock = real, clock
        return self._seconds


@dataclass
class SessionStartLimit:
    """developers/events/gateway.mdx, "Identifying" and "Max Concurrency".

    ``total`` session starts per 24 hours on the simulator's clock (days pass in tests);
    ``max_concurrency`` IDENTIFYs per 5 seconds, one per rate-limit key ``shard_id % max_concurrency``,
    measured by ``monotonic`` (the gateway passes :class:`TimelineSeconds`).
    """

    now: Callable[[], datetime]
    total: int = SESSION_STARTS_PER_DAY
    max_concurrency: int = 1
    monotonic: Callable[[], float] = time.monotonic
    used: int = 0
    window_start: datetime | None = None
    last_identify: dict[int, float] = field(default_factory=dict)

    def _roll(self) -> None:
        if self.window_start is not None and self.now() - self.window_start >= timedelta(days=1):
            self.window_start, self.used = None, 0

    @property
    def remaining(self) -> int:
        self._roll()
        return max(0, self.total - self.used)

    @property
    def reset_after_ms(self) -> int:
        self._roll()
        if self.window_start is None:
            return 0
        left = self.window_start + timedelta(days=1) - self.now()
        return max(0, int(left.total_seconds() * 1000))

    def to_json(self) -> dict[str, int]:
        return {"total": self.total, "remaining": self.remaining, "reset_after": self.reset_after_ms,
                "max_concurrency": self.max_concurrency}

    def concurrency_free(self, shard_id: int) -> bool:
        """developers/events/gateway.mdx, "Max Concurrency": ``rate_limit_key = shard_id % max_concurrency``."""
        key = shard_id % self.max_concurrency
        last = self.last_identify.get(key)
        return last is None or self.monotonic() - last >= IDENTIFY_WINDOW_SECONDS

    def take(self, shard_id: int) -> None:
        """Count one session start for ``shard_id``'s key and the day."""
        self._roll()
        if self.window_start is None:
            self.window_start = self.now()
        self.used += 1
        self.last_identify[shard_id % self.max_concurrency] = self.monotonic()


# developers/events/gateway.mdx, "Message Content Intent": the fields that carry message content.
MESSAGE_CONTENT_FIELDS = {"content": "", "embeds": [], "attachments": [], "components": []}


def without_message_content(event: str, data: dict[str, Any], intents: int, app_user_id: int) -> dict[str, Any]:
    """What a session without MESSAGE_CONTENT receives of a message event (see :func:`message_as_seen`)."""
    if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
        return data
    return message_as_seen(data, intents, app_user_id)


def message_as_seen(data: dict[str, Any], intents: int, app_user_id: int) -> dict[str, Any]:
    """A message object as an app with ``intents`` receives it, through the gateway or the HTTP API.

    developers/events/gateway.mdx, "Message Content Intent": apps without the intent "receive empty values
    in fields that contain user-inputted content", except in messages the app sent, DMs with the app, and
    messages that mention it.
    """
    if intents & Intent.MESSAGE_CONTENT:
        return data
    if not data.get("guild_id") or str((data.get("author") or {}).get("id")) == str(app_user_id):
        return data
    mentioned = {str(u.get("id")) for u in data.get("mentions") or []}
    if str(app_user_id) in mentioned or f"<@{app_user_id}>" in (data.get("content") or "") \
            or f"<@!{app_user_id}>" in (data.get("content") or ""):
        return data
    blanked = {**data, **{k: type(v)() for k, v in MESSAGE_CONTENT_FIELDS.items() if k in data}}
    blanked.pop("poll", None)
    return blanked
