"""The gateway's sessions: shard routing, intents, replay for RESUME, /gateway/bot, and faults on demand.

A session is what IDENTIFY starts and RESUME continues; a connection
(:mod:`bot.localdiscord.gateway_conn`) is one WebSocket carrying it for a while.
Sessions of every shard coexist, as on Discord; several sessions may even hold the same
shard (developers/events/gateway.mdx, "Sharding": "You can establish multiple sessions
with the same [shard_id, num_shards]"), and each receives that shard's events.

Where the docs leave a number or behaviour open, or the simulator does less than Discord:

- Recommended shards are ``ceil(guilds / 1000)``; Discord does not publish its formula.
- A session left without a clean close can be resumed for 180 s ("a few minutes").
- A connection that stops heartbeating is closed with 4009 after 1.25 heartbeat intervals; the docs say
  only that it is closed and must resume.
- Only ``encoding=json`` is served, in plain-text frames (no transport or payload compression, which
  Discord also applies only on request and not to every payload).
- Request Guild Members (op 8) is answered (:mod:`bot.localdiscord.gateway_members`); presence, voice
  and the newer send opcodes are accepted and not answered: studybot sends none of them.
- Message content is emptied for sessions without MESSAGE_CONTENT; REST reads of other users' messages
  are emptied when the application has not turned the intent on (``rest_messages.as_read``).
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.localdiscord.gateway_conn import Connection
from bot.localdiscord.gateway_members import MemberRequests
from bot.localdiscord.gateway_rules import (
    GATEWAY_VERSIONS,
    RESUME_WINDOW_SECONDS,
    VALID_INTENTS,
    SessionStartLimit,
    TimelineSeconds,
    application_flags,
    guild_of,
    intent_for,
    receives,
    recommended_shards,
    without_message_content,
)

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord
    from bot.localdiscord.state import SimGuild

log = logging.getLogger(__name__)

# Discord's usual interval; a test may serve a shorter one (Discord chooses it, the client obeys).
HEARTBEAT_INTERVAL_MS = 41250
REPLAY_BUFFER = 5000


@dataclass
class Session:
    id: str
    shard: tuple[int, int] = (0, 1)
    intents: int = 0
    seq: int = 0
    buffer: list[tuple[int, str]] = field(default_factory=list)
    connection: Connection | None = None
    disconnected_at: float | None = None
    resumes: int = 0

    @property
    def ws(self) -> web.WebSocketResponse | None:
        """The WebSocket carrying this session now, or None while it is disconnected."""
        return self.connection.ws if self.connection is not None and self.connection.open else None

    @property
    def shard_id(self) -> int:
        return self.shard[0]

    @property
    def oldest_replayable(self) -> int:
        return self.buffer[0][0] if self.buffer else self.seq + 1


class Gateway:
    def __init__(self, sim: LocalDiscord, *, heartbeat_interval_ms: int = HEARTBEAT_INTERVAL_MS,
                 max_concurrency: int = 1, privileged_intents: int = 0) -> None:
        self.sim = sim
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.enabled_privileged_intents = privileged_intents  # what the app turned on in the portal
        self.valid_intents = VALID_INTENTS  # intent bits this gateway knows
        self.versions = GATEWAY_VERSIONS  # gateway versions served
        self.shard_multiple = 1  # large bot sharding: shard counts must be a multiple of this
        self.limits = SessionStartLimit(sim.clock.now, max_concurrency=max_concurrency,
                                        monotonic=TimelineSeconds(sim.clock.now))
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.identify_count = 0
        self.resume_count = 0
        self.refused_identifies = 0
        self.connection_count = 0  # WebSockets opened, ever
        self.close_codes: list[int] = []  # every close code the simulator sent, in order
        self.member_requests = MemberRequests(sim)

    @property
    def active(self) -> Session | None:
        """A connected session (shard 0's first), else any session."""
        live = sorted((s for s in self.sessions.values() if s.ws is not None), key=lambda s: s.shard_id)
        return live[0] if live else next(iter(self.sessions.values()), None)

    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.ws is not None]

    def session_for_shard(self, shard_id: int) -> Session | None:
        return next((s for s in self.sessions.values() if s.shard_id == shard_id and s.ws is not None), None)

    # -- dispatch -------------------------------------------------------------------------
    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch to every session whose shard holds the event's guild and whose intents ask for it."""
        self._expire()
        guild_id = guild_of(event, data)
        needed = intent_for(event, data, self.sim.bot_user.id)
        for session in list(self.sessions.values()):
            if not receives(session.shard, guild_id) or (needed and not session.intents & needed):
                continue
            self._send_dispatch(session, event,
                                without_message_content(event, data, session.intents, self.sim.bot_user.id))

    def _send_dispatch(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = json.dumps({"op": 0, "t": event, "s": session.seq, "d": data})
        session.buffer.append((session.seq, frame))
        if len(session.buffer) > REPLAY_BUFFER:
            del session.buffer[:-REPLAY_BUFFER]
        if session.connection is not None and session.connection.open:
            session.connection.send(frame)

    def dispatch_guild_create(self, guild: SimGuild) -> None:
        """The bot joined ``guild``: Discord's GUILD_CREATE for a join carries no ``unavailable`` field
        (that field marks a guild from READY becoming available), which is how clients tell a join apart."""
        if self.sessions and guild.bot_present:
            payload = guild.to_json()
            payload.pop("unavailable", None)
            self.dispatch("GUILD_CREATE", payload)

    def _expire(self) -> None:
        now = time.monotonic()
        for session in list(self.sessions.values()):
            if session.disconnected_at is not None and now - session.disconnected_at > RESUME_WINDOW_SECONDS:
                self.sessions.pop(session.id, None)

    # -- sessions (called by connections) --------------------------------------------------
    def start_session(self, connection: Connection, shard: tuple[int, int], intents: int,
                      guilds: list[SimGuild], *, sent_shard: bool) -> Session:
        self.identify_count += 1
        session = Session(secrets.token_hex(16), shard=shard, intents=intents, connection=connection)
        self.sessions[session.id] = session
        connection.session = session
        sim = self.sim
        present = sum(g.bot_present for g in sim.guilds.values())
        # developers/events/gateway-events.mdx, "Ready Event Fields".
        ready: dict[str, Any] = {
            "v": 10, "user": {**sim.bot_user.to_json(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id, "resume_gateway_url": sim.gateway_url,
            "application": {"id": str(sim.application_id),
                            "flags": application_flags(self.enabled_privileged_intents, present)},
            "private_channels": [], "relationships": [], "user_settings": {}, "presences": [],
            "guild_join_requests": [], "geo_ordered_rtc_regions": [], "auth": {},
        }
        if sent_shard:
            ready["shard"] = list(shard)
        self._send_dispatch(session, "READY", ready)
        # developers/events/gateway.mdx, "Guild Availability": guilds then arrive as GUILD_CREATE;
        # gateway-events.mdx, "Guild Create", scenario 1: those unavailable due to an outage send a
        # Guild Delete instead, an unavailable guild object with ``unavailable`` set (not read as a removal).
        for guild in guilds:
            if guild.outage:
                self._send_dispatch(session, "GUILD_DELETE", {"id": str(guild.id), "unavailable": True})
            else:
                self._send_dispatch(session, "GUILD_CREATE", guild.to_json())
        log.info("session %s started for shard %s", session.id[:8], list(shard))
        return session

    def request_members(self, session: Session, data: Any) -> None:
        """Op 8: the Guild Members Chunk events (or Rate Limited) go to the asking session only."""
        for event, payload in self.member_requests.handle(session, data):
            self._send_dispatch(session, event, payload)

    def resumable(self, session_id: str) -> Session | None:
        self._expire()
        return self.sessions.get(session_id)

    def resume_session(self, connection: Connection, session: Session, seq: int) -> None:
        """developers/events/gateway.mdx, "Resuming": replay the missed events in order, then RESUMED."""
        old = session.connection
        if old is not None and old is not connection and old.open:
            old.close(4000, "Session resumed elsewhere")
        self.resume_count += 1
        session.resumes += 1
        session.connection, session.disconnected_at = connection, None
        connection.session = session
        for number, frame in session.buffer:
            if number > seq:
                connection.send(frame)
        session.seq += 1
        connection.send({"op": 0, "t": "RESUMED", "s": session.seq, "d": {}})

    def invalidate(self, session: Session) -> None:
        self.sessions.pop(session.id, None)

    def disconnected(self, connection: Connection, *, client_code: int | None) -> None:
        """A connection ended. developers/events/gateway.mdx, "Initiating a Disconnect": a client's
        close with 1000 or 1001 invalidates its session; any other end leaves it resumable for a while."""
        if connection in self.connections:
            self.connections.remove(connection)
        session = connection.session
        if session is None or session.connection is not connection:
            return
        if client_code in (1000, 1001):
            self.sessions.pop(session.id, None)
        else:
            session.disconnected_at = time.monotonic()
        self.sim.note_change()

    def reset_token(self) -> None:
        """developers/events/gateway.mdx, "Identifying": past the daily limit every session ends and the
        token is reset."""
        self.sim.token = "local." + secrets.token_hex(8)
        for session in list(self.sessions.values()):
            if session.connection is not None and session.connection.open:
                session.connection.close(4004, "Authentication failed: token reset")
        self.sessions.clear()

    # -- faults -------------------------------------------------------------------------
    def _target(self, shard_id: int | None) -> Session | None:
        return self.active if shard_id is None else self.session_for_shard(shard_id)

    async def request_reconnect(self, shard_id: int | None = None) -> None:
        """Op 7: Discord asks the client to reconnect and resume."""
        session = self._target(shard_id)
        if session and session.connection is not None:
            session.connection.send({"op": 7, "d": None, "s": None, "t": None})

    async def invalidate_session(self, *, resumable: bool = False, shard_id: int | None = None) -> None:
        """Op 9: the session is invalid; the client must identify again (or resume if allowed)."""
        session = self._target(shard_id)
        if session and session.connection is not None:
            if not resumable:
                self.sessions.pop(session.id, None)
            session.connection.send({"op": 9, "d": resumable, "s": None, "t": None})

    async def drop_connection(self, shard_id: int | None = None) -> None:
        """Close the socket as a network failure would; the client resumes."""
        session = self._target(shard_id)
        if session and session.connection is not None and session.connection.open:
            session.connection.close(4000, "connection dropped")

    async def close_all(self) -> None:
        """The simulator shuts down: close every connection with 1001 (going away)."""
        for connection in list(self.connections):
            if not connection.ws.closed:
                connection.close_code = 1001
                await connection.ws.close(code=1001)

    # -- HTTP --------------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        connection = Connection(self, ws, request)
        self.connections.append(connection)
        self.connection_count += 1
        await connection.serve()
        return ws

    def gateway_bot(self) -> dict[str, Any]:
        """developers/events/gateway.mdx, "Get Gateway Bot": url, recommended shards, session start limit."""
        present = sum(g.bot_present for g in self.sim.guilds.values())
        shards = recommended_shards(present)
        shards = -(-shards // self.shard_multiple) * self.shard_multiple
        return {"url": self.sim.gateway_url, "shards": shards,
                "session_start_limit": self.limits.to_json()}


async def get_gateway(request: web.Request) -> web.Response:
    """developers/events/gateway.mdx, "Get Gateway": no authentication; the URL only."""
    from bot.localdiscord.restkit import json_reply, sim_of

    return json_reply({"url": sim_of(request).gateway_url})


async def get_gateway_bot(request: web.Request) -> web.Response:
    from bot.localdiscord.restkit import json_reply, sim_of

    return json_reply(sim_of(request).gateway.gateway_bot())
