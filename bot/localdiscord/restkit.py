"""Plumbing shared by the local Discord's REST routes: errors as Discord words them, bodies, the middleware.

The middleware is where Discord's cross-cutting rules live: the bot token, injected
faults, per-route and global rate limits, and the rule that a request the
simulator cannot make sense of is a 400 (never an accidental 500, which discord.py
would retry for seconds).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

SIM_KEY: web.AppKey[Any] = web.AppKey("sim")
EPHEMERAL = 64
LOADING = 128
MAX_REQUEST_SIZE = 25 * 1024 * 1024
MAX_FILES = 10  # topics/opcodes-and-status-codes.mdx, 30015: "Maximum number of attachments in a message reached"


def json_reply(body: Any, status: int = 200) -> web.Response:
    from bot.localdiscord.server import json_response

    return json_response(body, status=status)


def make_middleware(sim: LocalDiscord) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/gateway":
            return await handler(request)
        sim.inflight += 1
        try:
            route = request.match_info.route.resource.canonical if request.match_info.route.resource else ""
            route = re.sub(r"^/api/v\{version[^}]*\}", "", route)
            key = f"{request.method} {route}"
            sim.requests.append((request.method, request.path))
            sim.archive_idle_threads()  # time has moved on the simulated clock since the last request
            sim.update_event_statuses()
            webhook = "/webhooks/" in request.path or "/interactions/" in request.path
            cdn = request.path.startswith("/attachments/")  # files are fetched without the bot token
            # Get Gateway needs no authentication (developers/events/gateway.mdx, "Get Gateway").
            public = request.method == "GET" and route == "/gateway"
            if sim.invalid_requests.banned():  # Cloudflare's answer, before Discord sees the request at all
                from bot.localdiscord.server import RejectedRequest

                sim.errors.append(RejectedRequest(request.method, request.path, 429, {"message": BANNED, "code": 0}))
                return web.Response(status=429, text=BANNED, content_type="text/plain")
            if not (webhook or cdn or public) and request.headers.get("Authorization") != f"Bot {sim.token}":
                return counted(sim, sim.reject(request.method, request.path, 401,
                                               {"message": "401: Unauthorized", "code": 0}))
            injected = sim.faults.take(request.path)
            if injected is not None:
                return json_reply({"message": "Internal Server Error", "code": 0}, injected)
            major = next((request.match_info[k] for k in ("channel_id", "guild_id", "token")
                          if k in request.match_info), "")
            # receiving-and-responding.mdx, "Endpoints": callbacks and follow-ups are outside the global limit
            decision = sim.ratelimiter.check(key, major, exempt_global=webhook)
            if not decision.allowed:
                from bot.localdiscord.server import json_response

                return counted(sim, json_response(decision.body, status=429, headers=decision.headers))
            try:
                response = await handler(request)
            except web.HTTPException:
                raise
            except Rejected as rejected:
                response = sim.reject(request.method, request.path, rejected.status, rejected.body)
            except Exception as error:  # never a 500 by accident: discord.py would retry for seconds
                response = sim.reject(request.method, request.path, 400,
                                      {"message": f"local discord could not handle this: {error!r}", "code": 0})
            for name, value in decision.headers.items():
                response.headers.setdefault(name, value)
            return counted(sim, response)
        finally:
            sim.inflight -= 1
            sim.note_change()

    return middleware


BANNED = "error code: 1015"


def counted(sim: LocalDiscord, response: web.StreamResponse) -> web.StreamResponse:
    """The response, noted toward the invalid-request limit when it is one (see ``InvalidRequests``)."""
    sim.invalid_requests.note(response.status, response.headers.get("X-RateLimit-Scope"))
    return response


class Rejected(Exception):
    """A request Discord would refuse; the middleware answers it with ``status`` and ``body``."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message"))
        self.status = status
        self.body = body


def fail(status: int, code: int, message: str) -> Rejected:
    return Rejected(status, {"message": message, "code": code})


def sim_of(request: web.Request) -> LocalDiscord:
    return request.app[SIM_KEY]


async def read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
    """JSON body, or multipart ``payload_json`` plus ``files[n]`` as Discord accepts them."""
    if request.content_type.startswith("multipart/"):
        payload: dict[str, Any] = {}
        files: list[dict[str, Any]] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue  # Discord's uploads have no nested multipart
            if part.name == "payload_json":
                payload = json.loads(await part.text())
            elif part.name and part.name.startswith("files["):
                data = await part.read()
                files.append({"index": part.name[len("files["):-1], "filename": part.filename or "file",
                              "data": bytes(data), "size": len(data),
                              "content_type": part.headers.get("Content-Type", "application/octet-stream")})
        # reference.mdx, "Uploading Files": the upload size limit applies to each file (10 MiB without
        # boosts); resources/message.mdx, "Create Message" Limitations: a request is at most 25 MiB.
        limit = sim_of(request).attachment_size_limit
        if any(f["size"] > limit for f in files) or sum(f["size"] for f in files) > MAX_REQUEST_SIZE:
            raise Rejected(413, {"message": "Request entity too large", "code": 40005})
        if len(files) > MAX_FILES:  # topics/opcodes-and-status-codes.mdx, 30015
            raise Rejected(400, {"message": f"Maximum number of attachments in a message reached ({MAX_FILES})",
                                 "code": 30015})
        return payload, [_with_metadata(f, payload) for f in files]
    if request.can_read_body:
        return await request.json(), []
    return {}, []


def _with_metadata(file: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """reference.mdx, "Uploading Files": the ``n`` of ``files[n]`` is the id its entry in ``attachments``
    uses, with the file's alt text (``description``; its length is checked with the message). An interaction
    callback holds the message, and so its ``attachments``, in ``data``."""
    index = file.pop("index")
    data = payload.get("data")
    message: dict[str, Any] = data if isinstance(data, dict) and "type" in payload else payload
    entries = message.get("attachments")
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and str(entry.get("id")) == index and isinstance(entry.get("description"), str):
            file["description"] = entry["description"]
    return file
