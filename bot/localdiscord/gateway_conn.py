"""One gateway WebSocket connection: HELLO, heartbeats, IDENTIFY/RESUME and every close code.

Each rule names the docs file and section it follows (repository discord/discord-api-docs).
Frames are plain-text JSON: discord.py only decompresses binary frames, so this works
whatever transport compression it asked for (payload compression is per packet and
optional: "not all payloads will be compressed", developers/events/gateway.mdx,
"Payload Compression").
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from bot.localdiscord.gateway_rules import (
    HEARTBEAT_TOLERANCE,
    MAX_GUILDS_PER_SHARD,
    MAX_PAYLOAD_BYTES,
    PRIVILEGED_INTENTS,
    SEND_LIMIT,
    SEND_OPCODES,
    SEND_WINDOW_SECONDS,
    shard_of,
)

if TYPE_CHECKING:
    from bot.localdiscord.gateway import Gateway, Session

log = logging.getLogger(__name__)

_CLOSE = object()
_STOP = object()


class Close(Exception):
    """End the connection with a documented close code."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Connection:
    """The server side of one WebSocket; at most one session is attached at a time."""

    def __init__(self, gateway: Gateway, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.gateway = gateway
        self.ws = ws
        self.request = request
        self.session: Session | None = None
        self.close_code: int | None = None  # set when the simulator closes the connection
        self.closing = False  # a close is queued: read nothing more
        self.last_heartbeat = time.monotonic()
        self._received: deque[float] = deque()
        self._outbox: asyncio.Queue[Any] = asyncio.Queue()

    # -- sending, in order ------------------------------------------------------------------
    def send(self, payload: dict[str, Any] | str) -> None:
        self._outbox.put_nowait(payload if isinstance(payload, str) else json.dumps(payload))

    def close(self, code: int, reason: str) -> None:
        """Close after every frame queued before this one has been written."""
        self.closing = True
        self._outbox.put_nowait((_CLOSE, code, reason))

    @property
    def open(self) -> bool:
        return not self.ws.closed and not self.closing

    async def _writer(self) -> None:
        while True:
            item = await self._outbox.get()
            if item is _STOP:
                return
            if isinstance(item, tuple) and item[0] is _CLOSE:
                self.close_code = item[1]
                self.gateway.close_codes.append(item[1])
                log.info("gateway closes a connection with %s: %s", item[1], item[2])
                await self.ws.close(code=item[1], message=item[2].encode())
                return
            if self.ws.closed:
                return
            try:
                await self.ws.send_str(item)
            except (ConnectionError, RuntimeError):
                return

    async def _watchdog(self) -> None:
        """developers/events/gateway.mdx, "Heartbeat Interval": "If your app fails to send a heartbeat
        event in time, your connection will be closed and you will be forced to Resume." The
        session survives; the zombie connection is closed with 4009 (Session timed out)."""
        limit = self.gateway.heartbeat_interval_ms / 1000 * HEARTBEAT_TOLERANCE
        while self.open:
            overdue = self.last_heartbeat + limit - time.monotonic()
            if overdue <= 0:
                # A heartbeat may be waiting unread if this process's loop was busy: read first.
                await asyncio.sleep(min(1.0, limit / 4))
                if self.last_heartbeat + limit > time.monotonic():
                    continue
                self.close(4009, "Session timed out: no heartbeat")
                return
            await asyncio.sleep(overdue)

    # -- the connection's life ----------------------------------------------------------------
    async def serve(self) -> None:
        writer = asyncio.ensure_future(self._writer())
        watchdog: asyncio.Future[Any] | None = None
        try:
            self._check_query()
            # developers/events/gateway.mdx, "Hello Event": sent immediately after connecting.
            self.send({"op": 10, "d": {"heartbeat_interval": self.gateway.heartbeat_interval_ms},
                       "s": None, "t": None})
            watchdog = asyncio.ensure_future(self._watchdog())
            async for message in self.ws:
                await self._receive(message)
                self.gateway.sim.note_change()
                if self.closing:
                    break  # the writer sends the close frame once the frames before it are out
        except Close as close:
            self.close(close.code, close.reason)
        finally:
            if watchdog is not None:
                watchdog.cancel()
            self._outbox.put_nowait(_STOP)  # the writer finishes what is queued (a close frame), then stops
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, ConnectionError):
                await asyncio.wait_for(writer, 5)
            self.gateway.disconnected(self, client_code=None if self.close_code else self.ws.close_code)

    async def _receive(self, message: Any) -> None:
        try:
            self._read(message)
        except Close as close:
            self.close(close.code, close.reason)

    def _check_query(self) -> None:
        query = self.request.query
        # The simulator speaks the JSON encoding only (discord.py's); ETF payloads could not be decoded.
        if query.get("encoding", "json") != "json":
            raise Close(4002, "Decode error: only encoding=json is served here")

    def _read(self, message: Any) -> None:
        if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
            return
        now = time.monotonic()
        # developers/events/gateway.mdx, "Rate Limiting": 120 events per connection every 60 s;
        # over it the connection is closed (4008, developers/topics/opcodes-and-status-codes.mdx).
        self._received.append(now)
        while self._received and now - self._received[0] > SEND_WINDOW_SECONDS:
            self._received.popleft()
        if len(self._received) > SEND_LIMIT:
            raise Close(4008, "Rate limited.")
        # developers/events/gateway.mdx, "Sending Events": JSON text, at most 4096 bytes, else 4002.
        if message.type != WSMsgType.TEXT:
            raise Close(4002, "Decode error: expected a JSON text frame")
        if len(message.data.encode()) > MAX_PAYLOAD_BYTES:
            raise Close(4002, "Decode error: payload over 4096 bytes")
        try:
            payload = json.loads(message.data)
        except ValueError:
            raise Close(4002, "Decode error") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("op"), int):
            raise Close(4002, "Decode error: not a gateway payload")
        self._handle(payload["op"], payload.get("d"))

    def _handle(self, op: int, data: Any) -> None:
        # developers/topics/opcodes-and-status-codes.mdx, "Gateway Close Event Codes", 4001:
        # an invalid opcode or an invalid payload for an opcode.
        if op not in SEND_OPCODES:
            raise Close(4001, f"Unknown opcode {op}")
        if op == 1:
            # developers/events/gateway-events.mdx, "Heartbeat": d is the last sequence number or null.
            if data is not None and (not isinstance(data, int) or isinstance(data, bool)):
                raise Close(4001, "Invalid heartbeat payload")
            self.last_heartbeat = time.monotonic()
            self.send({"op": 11, "d": None, "s": None, "t": None})
            return
        if op == 2:
            self._identify(data)
            return
        if op == 6:
            self._resume(data)
            return
        # 4003: "You sent us a payload prior to identifying, or this session has been invalidated."
        if self.session is None:
            raise Close(4003, "Not authenticated.")
        if op == 8:
            self.gateway.request_members(self.session, data)
            return
        # op 3 (presence), 4 (voice state), 31, 43 need no answer here.

    # -- IDENTIFY ------------------------------------------------------------------------------
    def _identify(self, data: Any) -> None:
        gateway = self.gateway
        # 4005: "You sent more than one identify payload."
        if self.session is not None:
            raise Close(4005, "Already authenticated.")
        # developers/events/gateway-events.mdx, "Identify Structure": token, properties, intents required.
        if (not isinstance(data, dict) or not isinstance(data.get("token"), str)
                or not isinstance(data.get("properties"), dict)
                or not isinstance(data.get("intents"), int) or isinstance(data.get("intents"), bool)):
            raise Close(4001, "Invalid identify payload")
        threshold = data.get("large_threshold", 50)
        if not isinstance(threshold, int) or not 50 <= threshold <= 250:
            raise Close(4001, "Invalid identify payload: large_threshold must be 50-250")
        if data["token"] != gateway.sim.token:
            raise Close(4004, "Authentication failed.")
        # developers/events/gateway.mdx, "Gateway URL Query String Params" and developers/reference.mdx,
        # "API Versioning": the session is refused (4012) when ``v`` is not a version the gateway serves.
        version = self.request.query.get("v")
        if version is not None and (not version.isdigit() or int(version) not in gateway.versions):
            raise Close(4012, "Invalid API version")
        intents = data["intents"]
        # developers/events/gateway.mdx, "Gateway Intents": invalid bits close with 4013.
        if intents < 0 or intents & ~gateway.valid_intents:
            raise Close(4013, "Invalid intent(s).")
        # developers/events/gateway.mdx, "Gateway Restrictions": a privileged intent the app has not
        # enabled closes with 4014.
        if intents & PRIVILEGED_INTENTS & ~gateway.enabled_privileged_intents:
            raise Close(4014, "Disallowed intent(s).")
        shard = self._shard(data.get("shard"))
        # developers/events/gateway.mdx, "Sharding for Large Bots": the shard count must be a multiple of the
        # number Discord assigned, else 4010.
        if shard[1] % gateway.shard_multiple:
            raise Close(4010, "Invalid shard.")
        # developers/events/gateway.mdx, "Sharding": at most 2500 guilds per shard (4011).
        guilds = [g for g in gateway.sim.guilds.values()
                  if g.bot_present and shard_of(g.id, shard[1]) == shard[0]]
        if len(guilds) > MAX_GUILDS_PER_SHARD:
            raise Close(4011, "Sharding required.")
        limits = gateway.limits
        # developers/events/gateway.mdx, "Identifying": over max_concurrency, Invalid Session (op 9).
        if not limits.concurrency_free(shard[0]):
            gateway.refused_identifies += 1
            self.send({"op": 9, "d": False, "s": None, "t": None})
            return
        # developers/events/gateway.mdx, "Identifying": past 1000 a day, every session is terminated
        # and the token reset; the token in hand then fails (4004).
        if limits.remaining <= 0:
            gateway.reset_token()
            raise Close(4004, "Authentication failed: session start limit reached, token reset")
        limits.take(shard[0])
        gateway.start_session(self, shard, intents, guilds, sent_shard=data.get("shard") is not None)

    @staticmethod
    def _shard(value: Any) -> tuple[int, int]:
        """developers/events/gateway-events.mdx, "Identify Structure": shard is [shard_id, num_shards];
        a shard that is not one of num_shards closes with 4010 (Invalid shard)."""
        if value is None:
            return (0, 1)
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
            raise Close(4010, "Invalid shard.")
        shard_id, num_shards = value
        if num_shards < 1 or not 0 <= shard_id < num_shards:
            raise Close(4010, "Invalid shard.")
        return (shard_id, num_shards)

    # -- RESUME --------------------------------------------------------------------------------
    def _resume(self, data: Any) -> None:
        gateway = self.gateway
        if self.session is not None:
            raise Close(4005, "Already authenticated.")
        # developers/events/gateway-events.mdx, "Resume Structure": token, session_id, seq.
        if (not isinstance(data, dict) or not isinstance(data.get("token"), str)
                or not isinstance(data.get("session_id"), str)
                or not (data.get("seq") is None or isinstance(data.get("seq"), int))):
            raise Close(4001, "Invalid resume payload")
        if data["token"] != gateway.sim.token:
            raise Close(4004, "Authentication failed.")
        session = gateway.resumable(data["session_id"])
        if session is None:
            # developers/events/gateway.mdx, "Resuming" and "Initiating a Disconnect": a session closed
            # with 1000/1001, invalidated or timed out cannot be resumed: Invalid Session, d false.
            self.send({"op": 9, "d": False, "s": None, "t": None})
            return
        seq = int(data.get("seq") or 0)
        # 4007: "The sequence sent when resuming the session was invalid."
        if seq > session.seq or seq < session.oldest_replayable - 1:
            gateway.invalidate(session)
            raise Close(4007, "Invalid seq.")
        gateway.resume_session(self, session, seq)
