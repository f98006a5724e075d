"""Request Guild Members (gateway op 8) and its answer, Guild Members Chunk, as the docs state them.

developers/events/gateway-events.mdx, "Request Guild Members" and "Guild Members Chunk";
developers/change-log.mdx, "Introducing Rate Limit When Requesting All Guild Members" (the
"Rate Limited" event in gateway-events.mdx). A bot without the privileged GUILD_MEMBERS intent
may still ask about members by id, which is how studybot learns who left a server.

Where the docs leave the answer open, the simulator follows what clients report of Discord:

- More than 100 ``user_ids`` (the docs: "Requesting ``user_ids`` will continue to be limited to
  returning 100 members") is not answered at all; the connection stays open and the client waits
  until it gives up (discord.js issue 4313: 200 ids "will always timeout").
- Asking for the whole member list (``query`` empty) without GUILD_MEMBERS is not answered either
  (discord-api-docs issue 5855, where the intent was missing).
- A payload of the wrong shape (no ``guild_id``, a list of guilds, neither ``query`` nor ``user_ids``,
  ``query`` without ``limit``, ids that are not snowflakes) closes the connection with 4001, "an invalid
  payload for an opcode" (developers/topics/opcodes-and-status-codes.mdx; discord-api-docs issue 1372).
  For ids that are not snowflakes Discord was seen answering Invalid Session after a delay instead
  (discord-api-docs issue 2180); either way the session gets no members.
- A guild the bot is not in, or that another shard serves, is not answered.
- The simulator keeps no presences: every member is offline, so ``presences`` is an empty list.

Every request that goes unanswered is also recorded in :attr:`LocalDiscord.errors`, so a test fails
on it instead of waiting for the client's timeout.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.localdiscord.gateway_conn import Close
from bot.localdiscord.gateway_rules import Intent, shard_of

if TYPE_CHECKING:
    from bot.localdiscord.gateway import Session
    from bot.localdiscord.server import LocalDiscord

log = logging.getLogger(__name__)

# "Request Guild Members": user_ids and prefix queries return at most 100 members; chunks hold up to 1000.
MAX_USER_IDS = 100
MAX_QUERY_MEMBERS = 100
CHUNK_MEMBERS = 1000
# "Request Guild Members Structure": "Nonce can only be up to 32 bytes. If you send an invalid nonce it will be
# ignored and the reply member_chunk(s) will not have a nonce set."
MAX_NONCE_BYTES = 32
# change-log, "Introducing Rate Limit When Requesting All Guild Members": 1 request per guild per bot every 30 s.
ALL_MEMBERS_INTERVAL = 30.0


def _snowflake(value: Any) -> int | None:
    """A snowflake as the gateway reads one: an integer or a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


@dataclass(frozen=True)
class MemberRequest:
    """A well-formed op 8 payload."""

    guild_id: int
    query: str | None
    user_ids: tuple[int, ...] | None
    limit: int
    presences: bool
    nonce: str | None

    @property
    def whole_list(self) -> bool:
        """"GUILD_MEMBERS intent is required to request the entire member list—(query='', limit=0<=n)"."""
        return self.query == ""


def parse_request(data: Any) -> MemberRequest:
    """The request, or :class:`Close` (4001) when its shape is not the documented one."""
    if not isinstance(data, dict):
        raise Close(4001, "Invalid request guild members payload")
    # "You will be limited to requesting 1 guild_id per request."
    guild_id = _snowflake(data.get("guild_id"))
    if guild_id is None:
        raise Close(4001, "Invalid request guild members payload: guild_id")
    query, raw_ids, limit = data.get("query"), data.get("user_ids"), data.get("limit")
    if query is not None and not isinstance(query, str):
        raise Close(4001, "Invalid request guild members payload: query")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        raise Close(4001, "Invalid request guild members payload: limit")
    presences = data.get("presences", False)
    if presences is not None and not isinstance(presences, bool):
        raise Close(4001, "Invalid request guild members payload: presences")
    user_ids: tuple[int, ...] | None = None
    if query is not None:
        # "limit ... true when specifying query"; a query wins over user_ids sent beside it.
        if limit is None:
            raise Close(4001, "Invalid request guild members payload: limit is required with query")
    elif raw_ids is not None:
        items = raw_ids if isinstance(raw_ids, list) else [raw_ids]  # "snowflake or array of snowflakes"
        parsed = [_snowflake(item) for item in items]
        if not parsed or any(item is None for item in parsed):
            raise Close(4001, "Invalid request guild members payload: user_ids")
        user_ids = tuple(dict.fromkeys(item for item in parsed if item is not None))
    else:
        raise Close(4001, "Invalid request guild members payload: one of query or user_ids is required")
    nonce = data.get("nonce")
    if not isinstance(nonce, str) or len(nonce.encode()) > MAX_NONCE_BYTES:
        nonce = None  # ignored, and the chunks carry none
    return MemberRequest(guild_id, query, user_ids, limit or 0, bool(presences), nonce)


@dataclass
class MemberRequests:
    """Answers op 8 for the sessions of one simulator; the 30-second limit is per guild for the whole bot."""

    sim: LocalDiscord
    monotonic: Callable[[], float] = time.monotonic
    last_whole_list: dict[int, float] = field(default_factory=dict)  # guild id -> when its list was last sent
    answered: int = 0  # requests answered with chunks, ever

    def handle(self, session: Session, data: Any) -> list[tuple[str, dict[str, Any]]]:
        """The dispatches answering ``data`` (sent to the asking session only), or [] when Discord sends none."""
        request = parse_request(data)
        guild = self.sim.guilds.get(request.guild_id)
        if guild is None or not guild.bot_present or shard_of(guild.id, session.shard[1]) != session.shard_id:
            return self._unanswered(request, "a guild this session does not serve")
        if request.user_ids is not None and len(request.user_ids) > MAX_USER_IDS:
            return self._unanswered(request, f"{len(request.user_ids)} user_ids, over {MAX_USER_IDS}")
        if request.whole_list and not session.intents & Intent.GUILD_MEMBERS:
            return self._unanswered(request, "the whole member list without the GUILD_MEMBERS intent")
        if request.whole_list and request.limit == 0:
            now = self.monotonic()
            last = self.last_whole_list.get(guild.id)
            if last is not None and now - last < ALL_MEMBERS_INTERVAL:
                meta: dict[str, Any] = {"guild_id": str(guild.id)}
                if request.nonce is not None:
                    meta["nonce"] = request.nonce
                log.info("op 8 for guild %s rate limited", guild.id)
                return [("RATE_LIMITED", {"opcode": 8, "retry_after": round(ALL_MEMBERS_INTERVAL - (now - last), 3),
                                          "meta": meta})]
            self.last_whole_list[guild.id] = now
        members, not_found = self._members(guild.members, request)
        self.answered += 1
        return self._chunks(request, members, not_found,
                            presences=request.presences and bool(session.intents & Intent.GUILD_PRESENCES))

    @staticmethod
    def _members(members: dict[int, Any], request: MemberRequest) -> tuple[list[Any], list[int] | None]:
        if request.user_ids is not None:
            found = [members[user_id] for user_id in request.user_ids if user_id in members]
            return found, [user_id for user_id in request.user_ids if user_id not in members]
        prefix = (request.query or "").lower()
        matching = [m for m in members.values() if m.user.name.lower().startswith(prefix)]
        if prefix:
            return matching[:min(request.limit or MAX_QUERY_MEMBERS, MAX_QUERY_MEMBERS)], None
        return (matching[:request.limit] if request.limit else matching), None

    @staticmethod
    def _chunks(request: MemberRequest, members: list[Any], not_found: list[int] | None, *,
                presences: bool) -> list[tuple[str, dict[str, Any]]]:
        """"Guild Members Chunk Event Fields": up to 1000 members each, numbered by chunk_index of chunk_count."""
        count = max(1, math.ceil(len(members) / CHUNK_MEMBERS))
        chunks = []
        for index in range(count):
            part = members[index * CHUNK_MEMBERS:(index + 1) * CHUNK_MEMBERS]
            payload: dict[str, Any] = {"guild_id": str(request.guild_id), "members": [m.to_json() for m in part],
                                       "chunk_index": index, "chunk_count": count}
            if not_found is not None:
                payload["not_found"] = [str(user_id) for user_id in not_found]
            if presences:
                payload["presences"] = []  # every simulated member is offline
            if request.nonce is not None:
                payload["nonce"] = request.nonce
            chunks.append(("GUILD_MEMBERS_CHUNK", payload))
        return chunks

    def _unanswered(self, request: MemberRequest, why: str) -> list[tuple[str, dict[str, Any]]]:
        from bot.localdiscord.server import RejectedRequest

        log.info("op 8 for guild %s not answered: %s", request.guild_id, why)
        self.sim.errors.append(RejectedRequest("GATEWAY", "op 8 Request Guild Members", 0,
                                               {"code": 0, "message": f"not answered: {why}"}))
        return []
