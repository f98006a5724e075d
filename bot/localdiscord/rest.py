"""The REST API routes studybot uses, answering as the Discord API documents."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.localdiscord.state import PERMISSIONS, SimChannel, SimMessage
from bot.localdiscord.validation import form_error, validate_command, validate_message

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

API = "/api/v{version:\\d+}"
SIM_KEY: web.AppKey[Any] = web.AppKey("sim")
EPHEMERAL = 64
LOADING = 128


def build_app(sim: LocalDiscord) -> web.Application:
    from bot.localdiscord import interactions as ix

    app = web.Application(middlewares=[_middleware(sim)], client_max_size=64 * 1024 * 1024)
    app[SIM_KEY] = sim
    r = app.router
    r.add_get("/gateway", sim.gateway.handle)
    r.add_get(API + "/gateway", _gateway)
    r.add_get(API + "/gateway/bot", _gateway)
    r.add_get(API + "/users/@me", _me)
    r.add_get(API + "/users/{user_id:\\d+}", _get_user)
    r.add_get(API + "/oauth2/applications/@me", _application)
    r.add_get(API + "/applications/@me", _application)
    r.add_put(API + "/applications/{app_id}/commands", _put_commands)
    r.add_get(API + "/applications/{app_id}/commands", _get_commands)
    r.add_put(API + "/applications/{app_id}/guilds/{guild_id}/commands", _put_commands)
    r.add_get(API + "/applications/{app_id}/guilds/{guild_id}/commands", _get_commands)
    r.add_get(API + "/channels/{channel_id}", _get_channel)
    r.add_post(API + "/channels/{channel_id}/messages", _post_message)
    r.add_get(API + "/channels/{channel_id}/messages", _history)
    r.add_get(API + "/channels/{channel_id}/messages/{message_id}", _get_message)
    r.add_patch(API + "/channels/{channel_id}/messages/{message_id}", _edit_message)
    r.add_delete(API + "/channels/{channel_id}/messages/{message_id}", _delete_message)
    r.add_post(API + "/channels/{channel_id}/messages/{message_id}/threads", _thread_from_message)
    r.add_post(API + "/channels/{channel_id}/threads", _thread_without_message)
    r.add_put(API + "/channels/{channel_id}/thread-members/{user_id}", _add_thread_member)
    r.add_post(API + "/users/@me/channels", _open_dm)
    r.add_delete(API + "/users/@me/guilds/{guild_id}", _leave_guild)
    r.add_get(API + "/guilds/{guild_id}", _get_guild)
    r.add_get(API + "/guilds/{guild_id}/members/{user_id}", _get_member)
    r.add_get(API + "/guilds/{guild_id}/roles", _get_roles)
    r.add_get(API + "/guilds/{guild_id}/channels", _get_channels)
    r.add_post(API + "/interactions/{interaction_id}/{token}/callback", ix.callback)
    r.add_post(API + "/webhooks/{app_id}/{token}", ix.followup)
    r.add_get(API + "/webhooks/{app_id}/{token}/messages/{message_id}", ix.get_webhook_message)
    r.add_patch(API + "/webhooks/{app_id}/{token}/messages/{message_id}", ix.edit_webhook_message)
    r.add_delete(API + "/webhooks/{app_id}/{token}/messages/{message_id}", ix.delete_webhook_message)
    return app


def _json(body: Any, status: int = 200) -> web.Response:
    from bot.localdiscord.server import json_response

    return json_response(body, status=status)


def _middleware(sim: LocalDiscord) -> Any:
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
            webhook = "/webhooks/" in request.path or "/interactions/" in request.path
            if not webhook and request.headers.get("Authorization") != f"Bot {sim.token}":
                return sim.reject(request.method, request.path, 401, {"message": "401: Unauthorized", "code": 0})
            injected = sim.faults.take(request.path)
            if injected is not None:
                return _json({"message": "Internal Server Error", "code": 0}, injected)
            major = next((request.match_info[k] for k in ("channel_id", "guild_id", "token")
                          if k in request.match_info), "")
            decision = sim.ratelimiter.check(key, major, exempt_global="/interactions/" in request.path)
            if not decision.allowed:
                from bot.localdiscord.server import json_response

                return json_response(decision.body, status=429, headers=decision.headers)
            try:
                response = await handler(request)
            except web.HTTPException:
                raise
            except _Rejected as rejected:
                response = sim.reject(request.method, request.path, rejected.status, rejected.body)
            except Exception as error:  # never a 500 by accident: discord.py would retry for seconds
                response = sim.reject(request.method, request.path, 400,
                                      {"message": f"local discord could not handle this: {error!r}", "code": 0})
            for name, value in decision.headers.items():
                response.headers.setdefault(name, value)
            return response
        finally:
            sim.inflight -= 1

    return middleware


class _Rejected(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message"))
        self.status = status
        self.body = body


def _fail(status: int, code: int, message: str) -> _Rejected:
    return _Rejected(status, {"message": message, "code": code})


def _sim(request: web.Request) -> LocalDiscord:
    return request.app[SIM_KEY]


async def _read(request: web.Request) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """JSON body, or multipart ``payload_json`` plus ``files[n]`` as Discord accepts them."""
    if request.content_type.startswith("multipart/"):
        payload: dict[str, Any] = {}
        files: list[dict[str, Any]] = []
        reader = await request.multipart()
        async for part in reader:
            if part.name == "payload_json":
                payload = json.loads(await part.text())
            elif part.name and part.name.startswith("files["):
                data = await part.read()
                files.append({"filename": part.filename or "file", "data": bytes(data), "size": len(data),
                              "content_type": part.headers.get("Content-Type", "application/octet-stream")})
        return payload, files
    if request.can_read_body:
        return await request.json(), []
    return {}, []


# -- identity -------------------------------------------------------------------------------
async def _gateway(request: web.Request) -> web.Response:
    sim = _sim(request)
    return _json({"url": sim.gateway_url, "shards": 1, "session_start_limit": {
        "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})


async def _me(request: web.Request) -> web.Response:
    return _json({**_sim(request).bot_user.to_json(), "verified": True, "mfa_enabled": False, "flags": 0})


async def _get_user(request: web.Request) -> web.Response:
    member = _sim(request).users.get(int(request.match_info["user_id"]))
    if member is None:
        raise _fail(404, 10013, "Unknown User")
    return _json(member.user.to_json())


async def _application(request: web.Request) -> web.Response:
    sim = _sim(request)
    owner = next(iter(sim.users.values()), None)
    owner_json = owner.user.to_json() if owner and not owner.user.bot else sim.bot_user.to_json()
    for member in sim.users.values():
        if not member.user.bot:
            owner_json = member.user.to_json()
            break
    return _json({
        "id": str(sim.application_id), "name": "studybot", "icon": None, "description": "studybot (local)",
        "bot_public": True, "bot_require_code_grant": False, "owner": owner_json, "verify_key": "0" * 64,
        "team": None, "flags": 0, "summary": "", "rpc_origins": [], "bot": sim.bot_user.to_json(),
    })


# -- commands -------------------------------------------------------------------------------
async def _put_commands(request: web.Request) -> web.Response:
    sim = _sim(request)
    body, _ = await _read(request)
    errors: dict[str, Any] = {}
    for index, command in enumerate(body):
        errors.update(validate_command(command, [index]))
    if len(body) > 100:
        raise _fail(400, 30032, "Maximum number of application commands reached (100)")
    if errors:
        raise _Rejected(400, form_error(errors))
    guild_id = request.match_info.get("guild_id")
    previous = {c["name"]: c for c in (sim.guild_commands.get(int(guild_id), []) if guild_id else sim.global_commands)}
    stored = []
    for command in body:
        old = previous.get(command["name"])
        entry = {
            **command, "id": old["id"] if old else str(sim.snowflakes.next()),
            "application_id": str(sim.application_id), "version": str(sim.snowflakes.next()),
            "type": command.get("type", 1), "description": command.get("description", ""),
            "default_member_permissions": command.get("default_member_permissions"),
            "dm_permission": command.get("dm_permission", True), "nsfw": command.get("nsfw", False),
        }
        if guild_id:
            entry["guild_id"] = guild_id
        stored.append(entry)
    if guild_id:
        sim.guild_commands[int(guild_id)] = stored
    else:
        sim.global_commands = stored
    sim.command_syncs = getattr(sim, "command_syncs", 0) + 1
    return _json(stored)


async def _get_commands(request: web.Request) -> web.Response:
    sim = _sim(request)
    guild_id = request.match_info.get("guild_id")
    return _json(sim.guild_commands.get(int(guild_id), []) if guild_id else sim.global_commands)


# -- channels and messages ------------------------------------------------------------------
def _channel(sim: LocalDiscord, channel_id: str) -> SimChannel:
    channel = sim.channels.get(int(channel_id))
    if channel is None:
        channel = next((c for c in sim.dm_channels.values() if c.id == int(channel_id)), None)
    if channel is None or (channel.guild is not None and not channel.guild.bot_present):
        raise _fail(404, 10003, "Unknown Channel")
    return channel


def _require(sim: LocalDiscord, channel: SimChannel, *names: str) -> None:
    if channel.guild is None:
        return
    have = channel.guild.permissions_in(sim.bot_user.id, channel)
    if not have & PERMISSIONS["view_channel"]:
        raise _fail(403, 50001, "Missing Access")
    for name in names:
        if not have & PERMISSIONS[name]:
            raise _fail(403, 50013, "Missing Permissions")


def _pings(sim: LocalDiscord, channel: SimChannel, payload: dict[str, Any]) -> None:
    """Work out who the message pings, honouring ``allowed_mentions`` as Discord does."""
    content = payload.get("content") or ""
    allowed = payload.get("allowed_mentions")
    parse = set(allowed.get("parse", [])) if allowed is not None else {"everyone", "roles", "users"}
    allowed_roles = {int(r) for r in (allowed or {}).get("roles", [])}
    allowed_users = {int(u) for u in (allowed or {}).get("users", [])}
    can_everyone = channel.guild is None or bool(
        channel.guild.permissions_in(sim.bot_user.id, channel) & PERMISSIONS["mention_everyone"])
    payload["_mention_everyone"] = bool(
        re.search(r"@(everyone|here)", content) and "everyone" in parse and can_everyone)
    roles = [int(r) for r in re.findall(r"<@&(\d+)>", content)]
    payload["_pinged_roles"] = [r for r in roles if "roles" in parse or r in allowed_roles]
    users = [int(u) for u in re.findall(r"<@!?(\d+)>", content)]
    payload["_pinged_users"] = [u for u in users if "users" in parse or u in allowed_users]


def _validate(payload: dict[str, Any], files: list[dict[str, Any]], *, edit: bool = False) -> None:
    errors = validate_message({**payload, "_edit": edit}, files=len(files))
    if errors:
        raise _Rejected(400, form_error(errors))


def _attachments(sim: LocalDiscord, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": str(sim.snowflakes.next()), "url": f"{sim.api_base}/attachments/{f['filename']}",
             "proxy_url": "", **f} for f in files]


def _dispatch_message(sim: LocalDiscord, event: str, message: SimMessage) -> None:
    if message.ephemeral:
        return
    sim.dispatch_if_connected(event, message.to_json())


async def _get_channel(request: web.Request) -> web.Response:
    return _json(_channel(_sim(request), request.match_info["channel_id"]).to_json())


async def _post_message(request: web.Request) -> web.Response:
    sim = _sim(request)
    channel = _channel(sim, request.match_info["channel_id"])
    payload, files = await _read(request)
    if channel.type == 1:
        if channel.recipient is not None and sim.member(channel.recipient.id).dms_closed:
            raise _fail(403, 50007, "Cannot send messages to this user")
    else:
        _require(sim, channel, "send_messages_in_threads" if channel.is_thread else "send_messages",
                 *(["attach_files"] if files else []))
    _validate(payload, files)
    earlier = _same_nonce(sim, channel, payload)
    if earlier is not None:  # Discord returns the earlier message and creates nothing
        return _json(earlier.to_json())
    _pings(sim, channel, payload)
    message = sim.new_message(channel, sim.bot_user, payload, attachments=_attachments(sim, files))
    if payload.get("nonce") is not None:
        sim.nonces[(sim.bot_user.id, str(payload["nonce"]))] = message
    _dispatch_message(sim, "MESSAGE_CREATE", message)
    return _json(message.to_json())


NONCE_WINDOW_SECONDS = 5 * 60  # "checked for uniqueness in the past few minutes"


def _same_nonce(sim: LocalDiscord, channel: SimChannel, payload: dict[str, Any]) -> SimMessage | None:
    """With ``enforce_nonce``, a message by the same author with the same nonce is returned instead."""
    nonce = payload.get("nonce")
    if nonce is None:
        return None
    if len(str(nonce)) > 25:
        raise _Rejected(400, form_error({"nonce": {"_errors": [
            {"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be 25 or fewer in length."}]}}))
    if not payload.get("enforce_nonce"):
        return None
    earlier = sim.nonces.get((sim.bot_user.id, str(nonce)))
    if earlier is None or earlier.deleted or earlier.channel_id != channel.id:
        return None
    if (sim.clock.now() - earlier.created_at).total_seconds() > NONCE_WINDOW_SECONDS:
        return None
    return earlier


async def _history(request: web.Request) -> web.Response:
    sim = _sim(request)
    channel = _channel(sim, request.match_info["channel_id"])
    _require(sim, channel, "read_message_history")
    limit = min(int(request.query.get("limit", 50)), 100)
    messages = [m for m in channel.messages if not m.deleted]
    if "before" in request.query:
        messages = [m for m in messages if m.id < int(request.query["before"])]
    if "after" in request.query:
        messages = [m for m in messages if m.id > int(request.query["after"])][:limit]
        return _json([m.to_json() for m in reversed(messages)])
    return _json([m.to_json() for m in reversed(messages[-limit:])])


def _message(sim: LocalDiscord, channel: SimChannel, message_id: str) -> SimMessage:
    message = sim.messages.get(int(message_id))
    if message is None or message.deleted or message.channel_id != channel.id:
        raise _fail(404, 10008, "Unknown Message")
    return message


async def _get_message(request: web.Request) -> web.Response:
    sim = _sim(request)
    channel = _channel(sim, request.match_info["channel_id"])
    return _json(_message(sim, channel, request.match_info["message_id"]).to_json())


def _apply_edit(sim: LocalDiscord, message: SimMessage, payload: dict[str, Any], files: list[dict[str, Any]]) -> None:
    merged = {k: v for k, v in message.payload.items() if not k.startswith("_")}
    for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
        if key in payload:
            merged[key] = payload[key]
    if "flags" in payload:  # the ephemeral and loading bits cannot be changed by an edit
        merged["flags"] = (message.flags & EPHEMERAL) | (int(payload["flags"] or 0) & ~(EPHEMERAL | LOADING))
    elif message.flags & LOADING:
        merged["flags"] = message.flags & ~LOADING
    _validate(merged, files, edit=True)
    if "attachments" in payload:
        keep = {str(a.get("id")) for a in payload["attachments"] if a.get("id") is not None}
        message.attachments = [a for a in message.attachments if a["id"] in keep]
    message.attachments.extend(_attachments(sim, files))
    channel = sim.channels.get(message.channel_id)
    if channel is not None:
        _pings(sim, channel, merged)
    message.payload = merged
    message.edited_at = sim.clock.now()


async def _edit_message(request: web.Request) -> web.Response:
    sim = _sim(request)
    channel = _channel(sim, request.match_info["channel_id"])
    message = _message(sim, channel, request.match_info["message_id"])
    if message.author_id != sim.bot_user.id:
        raise _fail(403, 50005, "Cannot edit a message authored by another user")
    payload, files = await _read(request)
    _apply_edit(sim, message, payload, files)
    _dispatch_message(sim, "MESSAGE_UPDATE", message)
    return _json(message.to_json())


async def _delete_message(request: web.Request) -> web.Response:
    sim = _sim(request)
    channel = _channel(sim, request.match_info["channel_id"])
    message = _message(sim, channel, request.match_info["message_id"])
    if message.author_id != sim.bot_user.id:
        _require(sim, channel, "manage_messages")
    message.deleted = True
    sim.dispatch_if_connected("MESSAGE_DELETE", {"id": str(message.id), "channel_id": str(channel.id),
                                                 "guild_id": str(channel.guild.id) if channel.guild else None})
    return web.Response(status=204)


# -- threads --------------------------------------------------------------------------------
def _new_thread(sim: LocalDiscord, parent: SimChannel, name: str, kind: int, thread_id: int | None = None) -> SimChannel:
    if not name or len(name) > 100:
        raise _Rejected(400, form_error({"name": {"_errors": [
            {"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}]}}))
    thread = SimChannel(thread_id or sim.snowflakes.next(), name, kind, parent.guild, parent_id=parent.id,
                        owner_id=sim.bot_user.id, member_ids={sim.bot_user.id})
    sim.channels[thread.id] = thread
    assert parent.guild is not None
    parent.guild.threads.append(thread)
    sim.dispatch_if_connected("THREAD_CREATE", {**thread.to_json(), "newly_created": True})
    return thread


async def _thread_from_message(request: web.Request) -> web.Response:
    sim = _sim(request)
    channel = _channel(sim, request.match_info["channel_id"])
    message = _message(sim, channel, request.match_info["message_id"])
    _require(sim, channel, "create_public_threads")
    if message.thread is not None:
        raise _fail(400, 160004, "A thread has already been created for this message")
    body, _ = await _read(request)
    thread = _new_thread(sim, channel, body.get("name", ""), 11, thread_id=message.id)
    message.thread = thread
    return _json(thread.to_json())


async def _thread_without_message(request: web.Request) -> web.Response:
    sim = _sim(request)
    channel = _channel(sim, request.match_info["channel_id"])
    body, _ = await _read(request)
    kind = int(body.get("type") or 12)
    _require(sim, channel, "create_private_threads" if kind == 12 else "create_public_threads")
    thread = _new_thread(sim, channel, body.get("name", ""), kind)
    return _json(thread.to_json())


async def _add_thread_member(request: web.Request) -> web.Response:
    sim = _sim(request)
    thread = _channel(sim, request.match_info["channel_id"])
    if not thread.is_thread:
        raise _fail(400, 50024, "Cannot execute action on this channel type")
    user_id = int(request.match_info["user_id"])
    if thread.guild is None or user_id not in thread.guild.members:
        raise _fail(404, 10007, "Unknown Member")
    thread.member_ids.add(user_id)
    return web.Response(status=204)


# -- DMs and guilds -------------------------------------------------------------------------
async def _open_dm(request: web.Request) -> web.Response:
    sim = _sim(request)
    body, _ = await _read(request)
    user_id = int(body["recipient_id"])
    if user_id not in sim.users:
        raise _fail(400, 50033, "Invalid Recipient(s)")
    channel = sim.dm_channels.get(user_id)
    if channel is None:
        channel = SimChannel(sim.snowflakes.next(), "", 1, None, recipient=sim.users[user_id].user)
        sim.dm_channels[user_id] = channel
    return _json(channel.to_json())


async def _leave_guild(request: web.Request) -> web.Response:
    sim = _sim(request)
    guild = sim.guilds.get(int(request.match_info["guild_id"]))
    if guild is None:
        raise _fail(404, 10004, "Unknown Guild")
    sim.remove_bot_from_guild(guild)
    return web.Response(status=204)


def _guild(sim: LocalDiscord, guild_id: str) -> Any:
    guild = sim.guilds.get(int(guild_id))
    if guild is None or not guild.bot_present:
        raise _fail(404, 10004, "Unknown Guild")
    return guild


async def _get_guild(request: web.Request) -> web.Response:
    return _json(_guild(_sim(request), request.match_info["guild_id"]).to_json())


async def _get_member(request: web.Request) -> web.Response:
    guild = _guild(_sim(request), request.match_info["guild_id"])
    member = guild.members.get(int(request.match_info["user_id"]))
    if member is None:
        raise _fail(404, 10007, "Unknown Member")
    return _json(member.to_json())


async def _get_roles(request: web.Request) -> web.Response:
    guild = _guild(_sim(request), request.match_info["guild_id"])
    return _json([role.to_json() for role in guild.roles.values()])


async def _get_channels(request: web.Request) -> web.Response:
    guild = _guild(_sim(request), request.match_info["guild_id"])
    return _json([channel.to_json() for channel in guild.channels.values()])
