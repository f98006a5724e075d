"""Forum channels of the local Discord (resources/channel.mdx), with their limits and errors.

A forum channel (type 15), like a media channel (type 16), holds only threads: a post is one
request, "Start Thread in Forum or Media Channel", that creates the thread and its first message
together, and the message carries the thread's id. Messages cannot be sent to the forum itself
(error 40058), and "Start Thread from Message" does not work there. Tags ("Forum Tag Object") are
set with "Modify Channel" (MANAGE_CHANNELS; at most 20, names of 0-20 characters, unique) and
applied to posts as ``applied_tags`` (at most 5, only on threads in a forum). The limits' error
bodies are the ones Discord answers with (Invalid Form Body, BASE_TYPE_MAX_LENGTH).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.localdiscord import threads
from bot.localdiscord.formbody import array, form_error, put, text
from bot.localdiscord.restkit import Rejected, fail, json_reply
from bot.localdiscord.state import SimChannel

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

PUBLIC_THREAD = 11
MAX_TAGS = 20  # "Modify Channel", available_tags: "limited to 20"
TAG_NAME_LIMIT = 20  # "Forum Tag Structure", name: "0-20 characters"
MAX_APPLIED_TAGS = 5  # "Thread Metadata" / "Modify Channel (Thread)", applied_tags: "limited to 5"
REQUIRE_TAG = 1 << 4  # "Channel Flags": a tag is required to create a post


def new_tags(sim: LocalDiscord, forum: SimChannel, value: Any) -> list[dict[str, Any]]:
    """The forum's tags after "Modify Channel" sets ``available_tags`` (only ``name`` is required)."""
    errors: dict[str, Any] = {}
    items = array(errors, ["available_tags"], value, high=MAX_TAGS)
    known = {tag["id"]: tag for tag in forum.available_tags}
    tags: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        path: list[str | int] = ["available_tags", index]
        if not isinstance(item, dict):
            put(errors, path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        text(errors, [*path, "name"], item.get("name"), high=TAG_NAME_LIMIT, required=True)
        if item.get("emoji_id") is not None and item.get("emoji_name") is not None:
            # "At most one of emoji_id and emoji_name may be set to a non-null value."
            put(errors, [*path, "emoji_id"], "BASE_TYPE_EXCLUSIVE", "Only one of emoji_id or emoji_name may be set.")
        tag_id = str(item["id"]) if item.get("id") is not None and str(item["id"]) in known else str(sim.snowflakes.next())
        tags.append({"id": tag_id, "name": item.get("name"), "moderated": bool(item.get("moderated", False)),
                     "emoji_id": item.get("emoji_id"), "emoji_name": item.get("emoji_name")})
    if errors:
        raise Rejected(400, form_error(errors))
    names = [tag["name"] for tag in tags]
    if len(set(names)) != len(names):
        raise fail(400, 40061, "Tag names must be unique")
    return tags


def check_applied_tags(sim: LocalDiscord, parent: SimChannel | None, value: Any) -> list[int]:
    """``applied_tags`` of a post: at most 5, each one of the forum's tags, moderated ones by moderators."""
    errors: dict[str, Any] = {}
    items = array(errors, ["applied_tags"], value, high=MAX_APPLIED_TAGS)
    if errors:
        raise Rejected(400, form_error(errors))
    if items and (parent is None or not parent.is_forum):  # tags exist only on posts in a forum or media channel
        raise fail(400, 50024, "Cannot execute action on this channel type")
    available = {tag["id"]: tag for tag in parent.available_tags} if parent else {}
    applied: list[int] = []
    for item in items:
        tag = available.get(str(item))
        if tag is None:
            raise fail(400, 10087, "Unknown Tag")
        if tag["moderated"] and parent is not None and not sim.bot_can(parent, "manage_threads"):
            raise fail(403, 50013, "Missing Permissions")
        if int(item) not in applied:
            applied.append(int(item))
    return applied


def start_forum_post(sim: LocalDiscord, forum: SimChannel, body: dict[str, Any],
                     files: list[dict[str, Any]]) -> web.Response:
    """"Start Thread in Forum or Media Channel": the thread and its first message in one request.

    Needs SEND_MESSAGES in the forum (CREATE_PUBLIC_THREADS is ignored); answers the thread
    with the message nested, and fires THREAD_CREATE then MESSAGE_CREATE.
    """
    from bot.localdiscord.rest_messages import (
        dispatch_message,
        new_attachments,
        require,
        resolve_pings,
        validate_payload,
    )
    from bot.localdiscord.rest_threads import check_thread_body, new_thread

    check_thread_body(body, creating=True)
    message_body = body.get("message")
    if not isinstance(message_body, dict):
        errors: dict[str, Any] = {}
        put(errors, ["message"], "BASE_TYPE_REQUIRED", "This field is required")
        raise Rejected(400, form_error(errors))
    # "Forum and Media Thread Message Params Object", flags: only SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS.
    validate_payload(message_body, files, under="message", allowed_flags=(1 << 2) | (1 << 12))
    require(sim, forum, "send_messages", *(["attach_files"] if files else []))
    applied = check_applied_tags(sim, forum, body.get("applied_tags"))
    if forum.flags & REQUIRE_TAG and not applied:
        raise fail(400, 40067, "A tag is required to create a forum post in this channel")
    thread = new_thread(sim, forum, body, PUBLIC_THREAD, applied_tags=applied, announce=False)
    resolve_pings(sim, thread, message_body)
    message = sim.new_message(thread, sim.bot_user, message_body, attachments=new_attachments(sim, files),
                              message_id=thread.id)
    forum.last_message_id = thread.id  # a forum's last message is its newest post
    sim.dispatch_if_connected("THREAD_CREATE", {**thread.to_json(), "newly_created": True})
    dispatch_message(sim, "MESSAGE_CREATE", message)
    threads.watch(sim, thread)
    return json_reply({**thread.to_json(), "message": message.to_json()}, status=201)


def refuse_message_in_forum(channel: SimChannel) -> None:
    """Error 40058: a forum (or a media channel) holds posts, never messages of its own."""
    if channel.is_forum:
        raise fail(400, 40058, "Cannot send a message in a forum channel")


def _visible(sim: LocalDiscord, thread: SimChannel) -> bool:
    return sim.bot_can(thread, "view_channel")


async def active_guild_threads(request: web.Request) -> web.Response:
    """resources/guild.mdx, "List Active Guild Threads": every active thread the bot can see, with its membership."""
    from bot.localdiscord.restkit import sim_of

    sim = sim_of(request)
    guild = sim.guilds.get(int(request.match_info["guild_id"]))
    if guild is None or not guild.bot_present:
        raise fail(404, 10004, "Unknown Guild")
    active = sorted((t for t in guild.threads if not t.archived and t.id in sim.channels and _visible(sim, t)),
                    key=lambda t: t.id, reverse=True)  # "ordered by their id, in descending order"
    members = [t.member_json(sim.bot_user.id) for t in active if sim.bot_user.id in t.member_ids]
    return json_reply({"threads": [t.to_json() for t in active], "members": members})


async def public_archived_threads(request: web.Request) -> web.Response:
    """resources/channel.mdx, "List Public Archived Threads": newest archive first, READ_MESSAGE_HISTORY needed."""
    from datetime import datetime

    from bot.localdiscord.rest_messages import channel_of, require
    from bot.localdiscord.restkit import sim_of

    sim = sim_of(request)
    channel = channel_of(sim, request.match_info["channel_id"])
    if channel.type not in (0, 5) and not channel.is_forum:  # text, announcement, forum or media
        raise fail(400, 50024, "Cannot execute action on this channel type")
    require(sim, channel, "read_message_history")
    errors: dict[str, Any] = {}
    raw_limit = request.query.get("limit", "50")
    if not raw_limit.isdigit():
        put(errors, ["limit"], "NUMBER_TYPE_COERCE", f"Value \"{raw_limit}\" is not int.")
    limit = int(raw_limit) if raw_limit.isdigit() else 0
    before = None
    if "before" in request.query:
        try:
            before = datetime.fromisoformat(request.query["before"].replace("Z", "+00:00"))
        except ValueError:
            put(errors, ["before"], "DATE_TYPE_PARSE", f"Could not parse {request.query['before']}.")
    if errors:
        raise Rejected(400, form_error(errors))
    archived = [t for t in channel.threads if t.archived and t.type in (10, PUBLIC_THREAD)
                and t.archive_timestamp is not None and (before is None or t.archive_timestamp < before)]
    archived.sort(key=lambda t: t.archive_timestamp, reverse=True)  # type: ignore[arg-type,return-value]
    page = archived[:limit]
    members = [t.member_json(sim.bot_user.id) for t in page if sim.bot_user.id in t.member_ids]
    return json_reply({"threads": [t.to_json() for t in page], "members": members,
                       "has_more": len(archived) > limit})


def add_routes(router: web.UrlDispatcher, api: str) -> None:
    router.add_get(api + "/guilds/{guild_id}/threads/active", active_guild_threads)
    router.add_get(api + "/channels/{channel_id}/threads/archived/public", public_archived_threads)
