"""Channel, message and thread routes of the local Discord, with the checks Discord makes on each."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.localdiscord.formbody import form_error, number, one_of, text
from bot.localdiscord.restkit import EPHEMERAL, LOADING, Rejected, fail, json_reply, read_body, sim_of
from bot.localdiscord.state import PERMISSIONS, SimChannel, SimMessage
from bot.localdiscord.validation import CREATE_FLAGS, IS_COMPONENTS_V2, validate_message

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord


# -- channels and messages ------------------------------------------------------------------
def _channel(sim: LocalDiscord, channel_id: str) -> SimChannel:
    channel = sim.channels.get(int(channel_id))
    if channel is None:
        channel = next((c for c in sim.dm_channels.values() if c.id == int(channel_id)), None)
    if channel is None or (channel.guild is not None and not channel.guild.bot_present):
        raise fail(404, 10003, "Unknown Channel")
    return channel


def _require(sim: LocalDiscord, channel: SimChannel, *names: str) -> None:
    if channel.guild is None:
        return
    have = channel.guild.permissions_in(sim.bot_user.id, channel)
    if not have & PERMISSIONS["view_channel"]:
        raise fail(403, 50001, "Missing Access")
    for name in names:
        if not have & PERMISSIONS[name]:
            raise fail(403, 50013, "Missing Permissions")


def resolve_pings(sim: LocalDiscord, channel: SimChannel, payload: dict[str, Any], *, webhook: bool = False) -> None:
    """Work out who the message pings, honouring ``allowed_mentions`` as Discord does.

    resources/message.mdx, "Default Settings for Allowed Mentions": regular messages parse every
    kind of mention; interaction responses and webhooks parse only users.
    """
    content = payload.get("content") or ""
    allowed = payload.get("allowed_mentions")
    default = {"users"} if webhook else {"everyone", "roles", "users"}
    parse = set(allowed.get("parse", [])) if allowed is not None else default
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


def validate_payload(payload: dict[str, Any], files: list[dict[str, Any]], *, edit: bool = False,
                     allowed_flags: int = CREATE_FLAGS, was_v2: bool = False, under: str | None = None) -> None:
    """Refuse a message body Discord would refuse, with Discord's status and error body.

    ``under`` names the field holding the message (``data`` in an interaction callback),
    so field errors sit where Discord reports them.
    """
    error = validate_message(payload, files=len(files), edit=edit, allowed_flags=allowed_flags, was_v2=was_v2)
    if error is not None:
        if under and "errors" in error:
            error["errors"] = {under: error["errors"]}
        raise Rejected(400, error)


def new_attachments(sim: LocalDiscord, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": str(sim.snowflakes.next()), "url": f"{sim.api_base}/attachments/{f['filename']}",
             "proxy_url": "", **f} for f in files]


def dispatch_message(sim: LocalDiscord, event: str, message: SimMessage) -> None:
    if message.ephemeral:
        return
    sim.dispatch_if_connected(event, message.to_json())


async def get_channel(request: web.Request) -> web.Response:
    return json_reply(_channel(sim_of(request), request.match_info["channel_id"]).to_json())


async def post_message(request: web.Request) -> web.Response:
    sim = sim_of(request)
    channel = _channel(sim, request.match_info["channel_id"])
    payload, files = await read_body(request)
    if channel.type == 1:
        if channel.recipient is not None and sim.member(channel.recipient.id).dms_closed:
            raise fail(403, 50007, "Cannot send messages to this user")
    else:
        _require(sim, channel, "send_messages_in_threads" if channel.is_thread else "send_messages",
                 *(["attach_files"] if files else []))
    validate_payload(payload, files)
    earlier = _same_nonce(sim, channel, payload)
    if earlier is not None:  # Discord returns the earlier message and creates nothing
        return json_reply(earlier.to_json())
    resolve_pings(sim, channel, payload)
    message = sim.new_message(channel, sim.bot_user, payload, attachments=new_attachments(sim, files))
    if payload.get("nonce") is not None:
        sim.nonces[(sim.bot_user.id, str(payload["nonce"]))] = message
    dispatch_message(sim, "MESSAGE_CREATE", message)
    return json_reply(message.to_json())


NONCE_WINDOW_SECONDS = 5 * 60  # "checked for uniqueness in the past few minutes"


def _same_nonce(sim: LocalDiscord, channel: SimChannel, payload: dict[str, Any]) -> SimMessage | None:
    """With ``enforce_nonce``, a message by the same author with the same nonce is returned instead."""
    nonce = payload.get("nonce")
    if nonce is None:
        return None
    if len(str(nonce)) > 25:  # resources/message.mdx, "Create Message" JSON/Form Params: up to 25 characters
        raise Rejected(400, form_error({"nonce": {"_errors": [
            {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}]}}))
    if not payload.get("enforce_nonce"):
        return None
    earlier = sim.nonces.get((sim.bot_user.id, str(nonce)))
    if earlier is None or earlier.deleted or earlier.channel_id != channel.id:
        return None
    if (sim.clock.now() - earlier.created_at).total_seconds() > NONCE_WINDOW_SECONDS:
        return None
    return earlier


async def history(request: web.Request) -> web.Response:
    sim = sim_of(request)
    channel = _channel(sim, request.match_info["channel_id"])
    _require(sim, channel, "read_message_history")
    limit = min(int(request.query.get("limit", 50)), 100)
    messages = [m for m in channel.messages if not m.deleted]
    if "before" in request.query:
        messages = [m for m in messages if m.id < int(request.query["before"])]
    if "after" in request.query:
        messages = [m for m in messages if m.id > int(request.query["after"])][:limit]
        return json_reply([m.to_json() for m in reversed(messages)])
    return json_reply([m.to_json() for m in reversed(messages[-limit:])])


def _message(sim: LocalDiscord, channel: SimChannel, message_id: str) -> SimMessage:
    message = sim.messages.get(int(message_id))
    if message is None or message.deleted or message.channel_id != channel.id:
        raise fail(404, 10008, "Unknown Message")
    return message


async def get_message(request: web.Request) -> web.Response:
    sim = sim_of(request)
    channel = _channel(sim, request.match_info["channel_id"])
    return json_reply(_message(sim, channel, request.match_info["message_id"]).to_json())


def apply_edit(sim: LocalDiscord, message: SimMessage, payload: dict[str, Any], files: list[dict[str, Any]], *,
               under: str | None = None) -> None:
    merged = {k: v for k, v in message.payload.items() if not k.startswith("_")}
    for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
        if key in payload:
            merged[key] = payload[key]
    if "flags" in payload:  # the ephemeral and loading bits cannot be changed by an edit
        merged["flags"] = (message.flags & EPHEMERAL) | (int(payload["flags"] or 0) & ~(EPHEMERAL | LOADING))
    elif message.flags & LOADING:
        merged["flags"] = message.flags & ~LOADING
    validate_payload(merged, files, edit=True, was_v2=bool(message.flags & IS_COMPONENTS_V2), under=under)
    if "attachments" in payload:
        keep = {str(a.get("id")) for a in payload["attachments"] if a.get("id") is not None}
        message.attachments = [a for a in message.attachments if a["id"] in keep]
    message.attachments.extend(new_attachments(sim, files))
    channel = sim.channels.get(message.channel_id)
    if channel is not None:
        resolve_pings(sim, channel, merged, webhook=message.interaction_id is not None)
    message.payload = merged
    message.edited_at = sim.clock.now()


async def edit_from_request(sim: LocalDiscord, message: SimMessage, request: web.Request) -> web.Response:
    """Apply the edit in ``request`` to ``message``, tell the gateway, and answer with the message."""
    payload, files = await read_body(request)
    apply_edit(sim, message, payload, files)
    dispatch_message(sim, "MESSAGE_UPDATE", message)
    return json_reply(message.to_json())


async def edit_message(request: web.Request) -> web.Response:
    sim = sim_of(request)
    channel = _channel(sim, request.match_info["channel_id"])
    message = _message(sim, channel, request.match_info["message_id"])
    if message.author_id != sim.bot_user.id:
        raise fail(403, 50005, "Cannot edit a message authored by another user")
    return await edit_from_request(sim, message, request)


async def delete_message(request: web.Request) -> web.Response:
    sim = sim_of(request)
    channel = _channel(sim, request.match_info["channel_id"])
    message = _message(sim, channel, request.match_info["message_id"])
    if message.author_id != sim.bot_user.id:
        _require(sim, channel, "manage_messages")
    message.deleted = True
    sim.dispatch_if_connected("MESSAGE_DELETE", {"id": str(message.id), "channel_id": str(channel.id),
                                                 "guild_id": str(channel.guild.id) if channel.guild else None})
    return web.Response(status=204)


# -- threads --------------------------------------------------------------------------------
ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)


def check_thread_body(body: dict[str, Any], *, with_type: bool) -> None:
    """resources/channel.mdx, "Start Thread from Message" and "Start Thread without Message" JSON Params."""
    errors: dict[str, Any] = {}
    text(errors, ["name"], body.get("name"), low=1, high=100, required=True)
    one_of(errors, ["auto_archive_duration"], body.get("auto_archive_duration"), ARCHIVE_DURATIONS)
    number(errors, ["rate_limit_per_user"], body.get("rate_limit_per_user"), low=0, high=21600)
    if with_type:
        one_of(errors, ["type"], body.get("type"), (10, 11, 12))
    if errors:
        raise Rejected(400, form_error(errors))


def _new_thread(sim: LocalDiscord, parent: SimChannel, name: str, kind: int,
                thread_id: int | None = None) -> SimChannel:
    thread = SimChannel(thread_id or sim.snowflakes.next(), name, kind, parent.guild, parent_id=parent.id,
                        owner_id=sim.bot_user.id, member_ids={sim.bot_user.id})
    sim.channels[thread.id] = thread
    assert parent.guild is not None
    parent.guild.threads.append(thread)
    sim.dispatch_if_connected("THREAD_CREATE", {**thread.to_json(), "newly_created": True})
    return thread


async def thread_from_message(request: web.Request) -> web.Response:
    sim = sim_of(request)
    channel = _channel(sim, request.match_info["channel_id"])
    message = _message(sim, channel, request.match_info["message_id"])
    _require(sim, channel, "create_public_threads")
    if message.thread is not None:
        raise fail(400, 160004, "A thread has already been created for this message")
    body, _ = await read_body(request)
    check_thread_body(body, with_type=False)
    thread = _new_thread(sim, channel, body.get("name", ""), 11, thread_id=message.id)
    message.thread = thread
    return json_reply(thread.to_json())


async def thread_without_message(request: web.Request) -> web.Response:
    sim = sim_of(request)
    channel = _channel(sim, request.match_info["channel_id"])
    body, _ = await read_body(request)
    check_thread_body(body, with_type=True)
    kind = int(body.get("type") or 12)  # the note under the JSON Params: defaults to a private thread
    _require(sim, channel, "create_private_threads" if kind == 12 else "create_public_threads")
    thread = _new_thread(sim, channel, body.get("name", ""), kind)
    return json_reply(thread.to_json())


async def add_thread_member(request: web.Request) -> web.Response:
    sim = sim_of(request)
    thread = _channel(sim, request.match_info["channel_id"])
    if not thread.is_thread:
        raise fail(400, 50024, "Cannot execute action on this channel type")
    user_id = int(request.match_info["user_id"])
    if thread.guild is None or user_id not in thread.guild.members:
        raise fail(404, 10007, "Unknown Member")
    thread.member_ids.add(user_id)
    return web.Response(status=204)
