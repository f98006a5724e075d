"""Thread routes of the local Discord (resources/channel.mdx), with Discord's permission checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.localdiscord import rest_forums, threads
from bot.localdiscord.formbody import form_error, number, one_of, text
from bot.localdiscord.rest_messages import channel_of, dispatch_message, message_of, require
from bot.localdiscord.restkit import Rejected, fail, json_reply, read_body, sim_of
from bot.localdiscord.state import SimChannel, iso

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

PUBLIC_THREAD, PRIVATE_THREAD = 11, 12
# resources/channel.mdx, "Start Thread from Message" JSON Params, auto_archive_duration.
ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)
# topics/threads.mdx, "Editing & Deleting Threads": changing rate_limit_per_user or locked needs Manage Threads,
# even for the thread's creator (invitable too: it says which non-moderators may add others). "Locked Threads":
# without Manage Threads nothing of a locked thread changes (its title, its tags).
MODERATOR_FIELDS = frozenset({"locked", "invitable", "rate_limit_per_user"})


def check_thread_body(body: dict[str, Any], *, creating: bool, with_type: bool = False) -> None:
    """resources/channel.mdx, "Start Thread from Message", "Start Thread without Message" and
    "Modify Channel" (Thread) JSON Params."""
    errors: dict[str, Any] = {}
    text(errors, ["name"], body.get("name"), low=1, high=100, required=creating)
    one_of(errors, ["auto_archive_duration"], body.get("auto_archive_duration"), ARCHIVE_DURATIONS)
    number(errors, ["rate_limit_per_user"], body.get("rate_limit_per_user"), low=0, high=21600)
    if with_type:
        one_of(errors, ["type"], body.get("type"), (10, PUBLIC_THREAD, PRIVATE_THREAD))
    if errors:
        raise Rejected(400, form_error(errors))


def _text_channel(channel: SimChannel) -> None:
    if channel.type not in (0, 5):  # threads start in text and announcement channels only
        raise fail(400, 50024, "Cannot execute action on this channel type")


def new_thread(sim: LocalDiscord, parent: SimChannel, body: dict[str, Any], kind: int,
               thread_id: int | None = None, *, applied_tags: list[int] | None = None,
               announce: bool = True) -> SimChannel:
    now = sim.clock.now()
    thread = SimChannel(thread_id or sim.snowflakes.next(), body["name"], kind, parent.guild, parent_id=parent.id,
                        owner_id=sim.bot_user.id, member_ids={sim.bot_user.id},
                        auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
                        invitable=bool(body.get("invitable", True)) if kind == PRIVATE_THREAD else True,
                        archive_timestamp=now, last_activity=now, applied_tags=list(applied_tags or []))
    sim.channels[thread.id] = thread
    assert parent.guild is not None
    parent.guild.threads.append(thread)
    if announce:  # a forum post announces itself once its first message exists
        threads.watch(sim, thread)
        sim.dispatch_if_connected("THREAD_CREATE", {**thread.to_json(), "newly_created": True})
    return thread


async def thread_from_message(request: web.Request) -> web.Response:
    """resources/channel.mdx, "Start Thread from Message"."""
    sim = sim_of(request)
    channel = channel_of(sim, request.match_info["channel_id"])
    message = message_of(sim, channel, request.match_info["message_id"])
    _text_channel(channel)
    require(sim, channel, "create_public_threads")
    body, _ = await read_body(request)
    check_thread_body(body, creating=True)
    if message.thread is not None:
        raise fail(400, 160004, "A thread has already been created for this message")
    thread = new_thread(sim, channel, body, PUBLIC_THREAD, thread_id=message.id)
    message.thread = thread
    dispatch_message(sim, "MESSAGE_UPDATE", message)  # the docs: "Fires a Thread Create and a Message Update"
    return json_reply(thread.to_json())


async def thread_without_message(request: web.Request) -> web.Response:
    """resources/channel.mdx, "Start Thread without Message" (type defaults to a private thread), and in a
    forum "Start Thread in Forum or Media Channel" (the same route, with the first message in the body)."""
    sim = sim_of(request)
    channel = channel_of(sim, request.match_info["channel_id"])
    body, files = await read_body(request)
    if channel.is_forum:
        require(sim, channel)
        return rest_forums.start_forum_post(sim, channel, body, files)
    check_thread_body(body, creating=True, with_type=True)
    _text_channel(channel)
    kind = int(body.get("type") or PRIVATE_THREAD)
    if kind == PRIVATE_THREAD and channel.type != 0:  # topics/threads.mdx: private threads only in GUILD_TEXT
        raise fail(400, 50024, "Cannot execute action on this channel type")
    require(sim, channel, "create_private_threads" if kind == PRIVATE_THREAD else "create_public_threads")
    thread = new_thread(sim, channel, body, kind)
    return json_reply(thread.to_json())


async def add_thread_member(request: web.Request) -> web.Response:
    """resources/channel.mdx, "Add Thread Member": needs sending in the thread and an active thread."""
    sim = sim_of(request)
    thread = channel_of(sim, request.match_info["channel_id"])
    if not thread.is_thread:
        raise fail(400, 50024, "Cannot execute action on this channel type")
    require(sim, thread, "send_messages_in_threads")
    if thread.archived:
        raise fail(400, 50083, "Thread is archived")
    # resources/channel.mdx, thread metadata, invitable: "whether non-moderators can add other
    # non-moderators to a thread". No exception for the thread's creator is documented.
    if not thread.invitable and not sim.bot_can(thread, "manage_threads"):
        raise fail(403, 50013, "Missing Permissions")
    user_id = int(request.match_info["user_id"])
    if thread.guild is None or user_id not in thread.guild.members:
        raise fail(404, 10007, "Unknown Member")
    if user_id not in thread.member_ids:
        thread.member_ids.add(user_id)
        sim.dispatch_if_connected("THREAD_MEMBERS_UPDATE", {
            "id": str(thread.id), "guild_id": str(thread.guild.id), "member_count": len(thread.member_ids),
            "added_members": [{"id": str(thread.id), "user_id": str(user_id), "join_timestamp": iso(sim.clock.now()),
                               "flags": 0}]})
    return web.Response(status=204)


async def modify_channel(request: web.Request) -> web.Response:
    """resources/channel.mdx, "Modify Channel"; topics/threads.mdx, "Editing & Deleting Threads"."""
    sim = sim_of(request)
    channel = channel_of(sim, request.match_info["channel_id"])
    body, _ = await read_body(request)
    if not channel.is_thread:
        require(sim, channel, "manage_channels")
        text_errors: dict[str, Any] = {}
        text(text_errors, ["name"], body.get("name"), low=1, high=100)
        if text_errors:
            raise Rejected(400, form_error(text_errors))
        if body.get("available_tags") is not None and channel.is_forum:  # "Channel Type: Forum, Media"
            channel.available_tags = rest_forums.new_tags(sim, channel, body["available_tags"])
        channel.name = body.get("name") or channel.name
        sim.dispatch_if_connected("CHANNEL_UPDATE", channel.to_json())
        return json_reply(channel.to_json())
    require(sim, channel)
    check_thread_body(body, creating=False)
    tags = None
    if body.get("applied_tags") is not None:  # "Modify Channel" (Thread): only a forum post has tags
        parent = sim.channels.get(channel.parent_id or 0)
        tags = rest_forums.check_applied_tags(sim, parent if channel.in_forum else None, body["applied_tags"])
    moderator = sim.bot_can(channel, "manage_threads")
    creator = channel.owner_id == sim.bot_user.id
    member = sim.bot_user.id in channel.member_ids
    unarchive_only = set(body) <= {"archived"} and body.get("archived") is False
    if unarchive_only:  # needs membership and Send Messages ("Modify Channel", JSON Params (Thread)). A locked
        # thread needs Manage Threads: so say "Modify Channel" (its locked field) and topics/threads.mdx, "Active &
        # Archived Threads"; "Editing & Deleting Threads" also lets its creator, and the stricter reading is kept.
        if not (member or moderator) or (channel.locked and not moderator) or not (
                moderator or sim.bot_can(channel, "send_messages")):
            raise fail(403, 50013, "Missing Permissions")
    elif ((MODERATOR_FIELDS & set(body) or channel.locked) and not moderator) or not (creator or moderator):
        raise fail(403, 50013, "Missing Permissions")
    elif channel.archived and body.get("archived") is not False:
        raise fail(400, 50083, "Thread is archived")
    for key in ("name", "locked", "invitable"):
        if key in body and body[key] is not None:
            setattr(channel, key, body[key])
    if tags is not None:
        channel.applied_tags = tags
    if body.get("auto_archive_duration"):
        channel.auto_archive_duration = int(body["auto_archive_duration"])
        channel.last_activity = sim.clock.now()  # changing the duration counts as activity
        threads.watch(sim, channel)
    if "archived" in body and body["archived"] is not None:
        threads.set_archived(sim, channel, bool(body["archived"]))
    else:
        threads.thread_update(sim, channel)
    return json_reply(channel.to_json())
