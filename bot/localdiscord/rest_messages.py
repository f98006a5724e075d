"""Channel and message routes of the local Discord, with the checks Discord makes on each."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.localdiscord import rest_forums, threads
from bot.localdiscord.formbody import form_error, number, put
from bot.localdiscord.gateway_rules import message_as_seen
from bot.localdiscord.messages import as_sent
from bot.localdiscord.restkit import (
    EPHEMERAL,
    LOADING,
    MAX_FILES,
    Rejected,
    fail,
    json_reply,
    read_body,
    sim_of,
)
from bot.localdiscord.state import PERMISSIONS, SimChannel, SimMessage
from bot.localdiscord.validation import CREATE_FLAGS, IS_COMPONENTS_V2, validate_message

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord


# -- channels and messages ------------------------------------------------------------------
def channel_of(sim: LocalDiscord, channel_id: str) -> SimChannel:
    channel = sim.channels.get(int(channel_id))
    if channel is None:
        channel = next((c for c in sim.dm_channels.values() if c.id == int(channel_id)), None)
    if channel is None or (channel.guild is not None and not channel.guild.bot_present):
        raise fail(404, 10003, "Unknown Channel")
    return channel


def require(sim: LocalDiscord, channel: SimChannel, *names: str) -> None:
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
    # "Allowed Mentions Object": a role notifies only when it is mentionable or the sender has Mention Everyone.
    guild_roles = channel.guild.roles if channel.guild else {}
    payload["_pinged_roles"] = [r for r in roles if ("roles" in parse or r in allowed_roles) and (
        can_everyone or (r in guild_roles and guild_roles[r].mentionable))]
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


def as_read(sim: LocalDiscord, message: SimMessage) -> dict[str, Any]:
    """A message as the bot reads it over HTTP. events/gateway.mdx, "Message Content Intent": the intent
    "permits your app to receive message content data across the APIs", and "HTTP API restrictions are
    independent of Gateway restrictions, and are unaffected by which intents your app passes" when identifying:
    what counts is whether the app has the intent turned on. Without it, another user's message in a server
    is read with empty content, embeds, attachments and components (the app's own, DMs and mentions kept)."""
    return message_as_seen(message.to_json(), sim.gateway.enabled_privileged_intents, sim.bot_user.id)


def dispatch_message(sim: LocalDiscord, event: str, message: SimMessage) -> None:
    if message.ephemeral:
        return
    sim.dispatch_if_connected(event, message.to_json())


async def get_channel(request: web.Request) -> web.Response:
    """resources/channel.mdx, "Get Channel": 403 Missing Access for a channel the bot cannot view."""
    sim = sim_of(request)
    channel = channel_of(sim, request.match_info["channel_id"])
    require(sim, channel)
    return json_reply(channel.to_json())


async def post_message(request: web.Request) -> web.Response:
    sim = sim_of(request)
    channel = channel_of(sim, request.match_info["channel_id"])
    payload, files = await read_body(request)
    if channel.type == 1:
        recipient = channel.recipient.id if channel.recipient is not None else 0
        shares_a_guild = any(g.bot_present and recipient in g.members for g in sim.guilds.values())
        if recipient and not shares_a_guild:
            # topics/opcodes-and-status-codes.mdx, 50278: a bot only DMs users it shares a guild with.
            raise fail(403, 50278, "Cannot send messages to this user")
        if recipient and sim.member(recipient).dms_closed:
            raise fail(403, 50007, "Cannot send messages to this user")
    else:
        rest_forums.refuse_message_in_forum(channel)
        # resources/message.mdx, "Create Message" Limitations; topics/permissions.mdx, threads need
        # Send Messages in Threads instead of Send Messages.
        require(sim, channel, "send_messages_in_threads" if channel.is_thread else "send_messages",
                *(["attach_files"] if files else []))
    validate_payload(payload, files)
    if channel.is_thread:
        threads.before_sending(sim, channel)
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
    """resources/message.mdx, "Get Channel Messages"."""
    sim = sim_of(request)
    channel = channel_of(sim, request.match_info["channel_id"])
    require(sim, channel)
    errors: dict[str, Any] = {}
    limit: Any = request.query.get("limit", "50")
    limit = int(limit) if str(limit).lstrip("-").isdigit() else limit
    number(errors, ["limit"], limit, low=1, high=100)  # "Query String Params": limit 1-100
    anchors = [key for key in ("around", "before", "after") if key in request.query]
    for key in anchors:
        if not request.query[key].isdigit():
            put(errors, [key], "NUMBER_TYPE_COERCE", f"Value \"{request.query[key]}\" is not snowflake.")
    if len(anchors) > 1:  # the note above the params: before, after and around are mutually exclusive
        put(errors, [anchors[1]], "BASE_TYPE_EXCLUSIVE", "Only one of around, before or after may be given.")
    if errors:
        raise Rejected(400, form_error(errors))
    if channel.guild is not None and not sim.bot_can(channel, "read_message_history"):
        return json_reply([])  # "no messages will be returned" without Read Message History
    messages = [m for m in channel.messages if not m.deleted]
    if "before" in request.query:
        messages = [m for m in messages if m.id < int(request.query["before"])]
    if "after" in request.query:
        messages = [m for m in messages if m.id > int(request.query["after"])][:limit]
        return json_reply([as_read(sim, m) for m in reversed(messages)])
    if "around" in request.query:
        pivot = int(request.query["around"])
        older = [m for m in messages if m.id <= pivot][-(limit - limit // 2):]
        newer = [m for m in messages if m.id > pivot][:limit // 2]
        messages = older + newer
    return json_reply([as_read(sim, m) for m in reversed(messages[-limit:])])


def message_of(sim: LocalDiscord, channel: SimChannel, message_id: str) -> SimMessage:
    """A message of the channel for the channel's routes. An ephemeral message is not one: only the
    interaction's webhook reaches it (events/gateway-events.mdx: it is not sent through the channel)."""
    message = sim.messages.get(int(message_id))
    if message is None or message.deleted or message.channel_id != channel.id or message.ephemeral:
        raise fail(404, 10008, "Unknown Message")
    return message


async def get_message(request: web.Request) -> web.Response:
    """resources/message.mdx, "Get Channel Message": in a guild channel the bot needs VIEW_CHANNEL and
    READ_MESSAGE_HISTORY. Unlike the list, which answers an empty page without the latter, one message is
    refused: Discord answers 50001 Missing Access."""
    sim = sim_of(request)
    channel = channel_of(sim, request.match_info["channel_id"])
    require(sim, channel)
    if channel.guild is not None and not sim.bot_can(channel, "read_message_history"):
        raise fail(403, 50001, "Missing Access")
    return json_reply(as_read(sim, message_of(sim, channel, request.match_info["message_id"])))


def apply_edit(sim: LocalDiscord, message: SimMessage, payload: dict[str, Any], files: list[dict[str, Any]], *,
               under: str | None = None) -> None:
    merged = as_sent(message.payload)
    for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
        if key in payload:
            merged[key] = payload[key]
    if "flags" in payload:  # the ephemeral and loading bits cannot be changed by an edit
        merged["flags"] = (message.flags & EPHEMERAL) | (int(payload["flags"] or 0) & ~(EPHEMERAL | LOADING))
    elif message.flags & LOADING:
        merged["flags"] = message.flags & ~LOADING
    validate_payload(merged, files, edit=True, was_v2=bool(message.flags & IS_COMPONENTS_V2), under=under)
    kept = message.attachments
    if "attachments" in payload:
        keep = {str(a.get("id")) for a in payload["attachments"] if a.get("id") is not None}
        kept = [a for a in message.attachments if a["id"] in keep]
    # resources/message.mdx, "Edit Message": new files are appended to the ones kept, and the message then
    # holds them all; topics/opcodes-and-status-codes.mdx, 30015: at most 10 attachments in a message.
    if len(kept) + len(files) > MAX_FILES:
        raise fail(400, 30015, f"Maximum number of attachments in a message reached ({MAX_FILES})")
    message.attachments = [*kept, *new_attachments(sim, files)]
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
    channel = channel_of(sim, request.match_info["channel_id"])
    require(sim, channel)  # topics/permissions.mdx, "Implicit Permissions": no View Channel, nothing else
    message = message_of(sim, channel, request.match_info["message_id"])
    if message.author_id != sim.bot_user.id:
        raise fail(403, 50005, "Cannot edit a message authored by another user")
    if channel.is_thread:
        threads.before_editing(sim, channel)
    return await edit_from_request(sim, message, request)


async def delete_message(request: web.Request) -> web.Response:
    sim = sim_of(request)
    channel = channel_of(sim, request.match_info["channel_id"])
    require(sim, channel)  # even the bot's own message: without View Channel the channel is not there for it
    message = message_of(sim, channel, request.match_info["message_id"])
    if message.author_id != sim.bot_user.id:
        require(sim, channel, "manage_messages")
    # topics/opcodes-and-status-codes.mdx, 50083. topics/threads.mdx says deleting is the one thing that
    # "should happen" in an archived thread, but Discord answers a delete there with 50083 and its own client
    # reopens the thread before deleting; the stricter reading is kept.
    if channel.is_thread and channel.archived:
        raise fail(400, 50083, "Thread is archived")
    message.deleted = True
    sim.dispatch_if_connected("MESSAGE_DELETE", {"id": str(message.id), "channel_id": str(channel.id),
                                                 "guild_id": str(channel.guild.id) if channel.guild else None})
    return web.Response(status=204)
