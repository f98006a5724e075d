"""The gateway: HELLO, heartbeats, IDENTIFY/READY, RESUME with replay, and faults on demand.

Answers are plain-text JSON frames; discord.py only decompresses binary frames, so
this works whatever compression the client asked for.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord
    from bot.localdiscord.state import SimGuild

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41250
REPLAY_BUFFER = 5000


@dataclass
class Session:
    id: str
    seq: int = 0
    buffer: list[tuple[int, str]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    identifies: int = 0
    resumes: int = 0


class Gateway:
    def __init__(self, sim: LocalDiscord) -> None:
        self.sim = sim
        self.sessions: dict[str, Session] = {}
        self.connections: list[web.WebSocketResponse] = []
        self.identify_count = 0
        self.resume_count = 0

    @property
    def active(self) -> Session | None:
        return next(iter(self.sessions.values()), None)

    # -- dispatch -------------------------------------------------------------------------
    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        for session in self.sessions.values():
            session.seq += 1
            frame = json.dumps({"op": 0, "t": event, "s": session.seq, "d": data})
            session.buffer.append((session.seq, frame))
            del session.buffer[:-REPLAY_BUFFER]
            if session.ws is not None and not session.ws.closed:
                self.sim_task(session.ws.send_str(frame))

    def sim_task(self, coro: Any) -> None:
        import asyncio

        task = asyncio.ensure_future(coro)
        task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)

    def dispatch_guild_create(self, guild: SimGuild) -> None:
        if self.sessions and guild.bot_present:
            self.dispatch("GUILD_CREATE", guild.to_json())

    # -- faults -------------------------------------------------------------------------
    async def request_reconnect(self) -> None:
        """Op 7: Discord asks the client to reconnect and resume."""
        session = self.active
        if session and session.ws is not None:
            await session.ws.send_str(json.dumps({"op": 7, "d": None}))

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Op 9: the session is invalid; the client must identify again (or resume if allowed)."""
        session = self.active
        if session and session.ws is not None:
            if not resumable:
                self.sessions.pop(session.id, None)
            await session.ws.send_str(json.dumps({"op": 9, "d": resumable}))

    async def drop_connection(self) -> None:
        """Close the socket as a network failure would; the client resumes."""
        session = self.active
        if session and session.ws is not None and not session.ws.closed:
            await session.ws.close(code=4000, message=b"connection dropped")

    async def close_all(self) -> None:
        for ws in list(self.connections):
            if not ws.closed:
                await ws.close(code=1001)

    # -- the socket ---------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self.connections.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}))
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(message.data)
                await self._on_payload(ws, payload)
                self.sim.note_change()
        finally:
            self.connections.remove(ws)
            for session in self.sessions.values():
                if session.ws is ws:
                    session.ws = None
        return ws

    async def _on_payload(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        op = payload.get("op")
        if op == 1:
            await ws.send_str(json.dumps({"op": 11, "d": None}))
        elif op == 2:
            await self._identify(ws, payload["d"])
        elif op == 6:
            await self._resume(ws, payload["d"])
        # op 3 (presence), 4 (voice), 8 (members) need no answer here

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.sim.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        self.identify_count += 1
        self.sessions.clear()  # one bot: a new identify replaces any older session
        session = Session(secrets.token_hex(16), ws=ws)
        self.sessions[session.id] = session
        ready = {
            "v": 10, "user": {**self.sim.bot_user.to_json(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self.sim.guilds.values() if g.bot_present],
            "session_id": session.id, "resume_gateway_url": self.sim.gateway_url,
            "application": {"id": str(self.sim.application_id), "flags": 0}, "private_channels": [],
            "relationships": [], "user_settings": {}, "presences": [], "guild_join_requests": [],
            "geo_ordered_rtc_regions": [], "auth": {},
        }
        self.dispatch("READY", ready)
        for guild in self.sim.guilds.values():
            if guild.bot_present:
                self.dispatch("GUILD_CREATE", guild.to_json())

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.sim.token:
            await ws.send_str(json.dumps({"op": 9, "d": False}))
            return
        self.resume_count += 1
        session.ws = ws
        last = int(data.get("seq") or 0)
        for seq, frame in session.buffer:
            if seq > last:
                await ws.send_str(frame)
        session.seq += 1
        await ws.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": session.seq, "d": {}}))
