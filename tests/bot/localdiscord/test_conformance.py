"""The local Discord against the documented limits: one row per rule.

Each row sends one body just past a documented limit, which must be refused with
Discord's status, code and error path, and one body exactly at the limit (or the
valid edge case), which must be accepted. Adding a rule is adding a row. Requests
go over HTTP as the bot would send them; interactions come from a member.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from bot.clock import ManualClock
from bot.localdiscord import LocalDiscord, SimChannel, SimGuild

Body = Any
Sender = Callable[["Client", Body], Awaitable[tuple[int, Any]]]


@dataclass(frozen=True)
class Rule:
    name: str  # the documented rule
    route: str  # a key of ROUTES
    refused: Body  # just past the limit
    accepted: Body  # at the limit, or the valid edge case
    where: tuple[str, ...] = ()  # path of the field error in the 50035 tree
    code: int = 50035
    status: int = 400


class Client:
    """Raw REST calls with the bot's token, and interactions started by a member."""

    def __init__(self, sim: LocalDiscord, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.session = session
        self.guild: SimGuild = next(iter(sim.guilds.values()))
        self.channel: SimChannel = self.guild.channel("general")
        self.member = next(m for m in self.guild.members.values() if m.name == "alice")

    async def call(self, method: str, path: str, body: Body = None, *, bot: bool = True) -> tuple[int, Any]:
        headers = {"Authorization": f"Bot {self.sim.token}"} if bot else {}
        async with self.session.request(method, self.sim.api_base + path, json=body, headers=headers) as response:
            data = await response.json() if response.content_type == "application/json" else None
            return response.status, data

    async def command_interaction(self) -> Any:
        status, _ = await self.call("PUT", f"/applications/{self.sim.application_id}/guilds/{self.guild.id}/commands",
                                    [{"name": "probe", "description": "probe", "options": [
                                        {"type": 3, "name": "topic", "description": "t", "autocomplete": True}]}])
        assert status == 200
        return self.member.start_slash("probe", in_channel=self.channel)

    async def callback(self, interaction: Any, body: Body) -> tuple[int, Any]:
        return await self.call("POST", f"/interactions/{interaction.id}/{interaction.token}/callback", body, bot=False)


async def _message(client: Client, body: Body) -> tuple[int, Any]:
    return await client.call("POST", f"/channels/{client.channel.id}/messages", body)


async def _edit(client: Client, body: Body) -> tuple[int, Any]:
    status, message = await _message(client, {"content": "original"})
    assert status == 200
    return await client.call("PATCH", f"/channels/{client.channel.id}/messages/{message['id']}", body)


async def _response(client: Client, body: Body) -> tuple[int, Any]:
    return await client.callback(await client.command_interaction(), {"type": 4, "data": body})


async def _callback(client: Client, body: Body) -> tuple[int, Any]:
    return await client.callback(await client.command_interaction(), body)


async def _modal(client: Client, body: Body) -> tuple[int, Any]:
    return await client.callback(await client.command_interaction(), {"type": 9, "data": body})


async def _autocomplete(client: Client, body: Body) -> tuple[int, Any]:
    await client.command_interaction()
    interaction = client.member.start_autocomplete("probe", "topic", "x", in_channel=client.channel)
    return await client.callback(interaction, {"type": 8, "data": body})


async def _followup(client: Client, body: Body) -> tuple[int, Any]:
    interaction = await client.command_interaction()
    assert (await client.callback(interaction, {"type": 4, "data": {"content": "first"}}))[0] == 204
    return await client.call("POST", f"/webhooks/{client.sim.application_id}/{interaction.token}?wait=true", body,
                             bot=False)


async def _webhook_edit(client: Client, body: Body) -> tuple[int, Any]:
    interaction = await client.command_interaction()
    assert (await client.callback(interaction, {"type": 4, "data": {"content": "first"}}))[0] == 204
    return await client.call("PATCH", f"/webhooks/{client.sim.application_id}/{interaction.token}/messages/@original",
                             body, bot=False)


async def _commands(client: Client, body: Body) -> tuple[int, Any]:
    return await client.call("PUT", f"/applications/{client.sim.application_id}/guilds/{client.guild.id}/commands",
                             body)


async def _guild_commands(client: Client, body: Body) -> tuple[int, Any]:
    """Bulk Overwrite Guild Application Commands in the bot's own server, or in one it is not in."""
    guild_id = client.guild.id if body["guild"] == "own" else 1234567890123456789
    return await client.call("PUT", f"/applications/{client.sim.application_id}/guilds/{guild_id}/commands", [])


async def _history(client: Client, query: Body) -> tuple[int, Any]:
    """The body here is the query string of Get Channel Messages."""
    status, message = await _message(client, {"content": "anchor"})
    assert status == 200
    params = "&".join(f"{key}={message['id'] if value == 'anchor' else value}" for key, value in query.items())
    return await client.call("GET", f"/channels/{client.channel.id}/messages?{params}")


async def _get_guild(client: Client, body: Body) -> tuple[int, Any]:
    """Get Guild (resources/guild.mdx); the body names the server: the bot's own, or an id nobody has."""
    guild_id = client.guild.id if body["guild"] == "own" else 1234567890123456789
    return await client.call("GET", f"/guilds/{guild_id}")


async def _thread(client: Client, body: Body) -> tuple[int, Any]:
    return await client.call("POST", f"/channels/{client.channel.id}/threads", body)


def _forum(client: Client, *, tags: int = 6, require_tag: bool = False) -> SimChannel:
    return client.guild.create_forum_channel("prompts", tags=tuple(f"tag {i}" for i in range(tags)),
                                             require_tag=require_tag)


def _tag_ids(forum: SimChannel, count: Any) -> list[str]:
    """``count`` of the forum's tag ids, or the literal list given (for an unknown id)."""
    return count if isinstance(count, list) else [tag["id"] for tag in forum.available_tags[:count]]


async def _forum_post(client: Client, body: Body) -> tuple[int, Any]:
    """Start Thread in Forum: ``tags`` in the body is how many of the forum's tags to apply; ``deny`` a
    permission taken from the bot in the forum; ``require_tag`` sets the forum's REQUIRE_TAG flag."""
    body = dict(body)
    forum = _forum(client, require_tag=body.pop("require_tag", False))
    if "deny" in body:
        forum.deny(client.guild.bot_role.id, body.pop("deny"))
    if "tags" in body:
        body["applied_tags"] = _tag_ids(forum, body.pop("tags"))
    return await client.call("POST", f"/channels/{forum.id}/threads", body)


async def _forum_tags(client: Client, body: Body) -> tuple[int, Any]:
    """Modify Channel on a forum; ``allow`` grants the bot Manage Channels in it first."""
    body = dict(body)
    forum = _forum(client, tags=0)
    if body.pop("allow", True):
        forum.allow(client.guild.bot_role.id, "manage_channels")
    return await client.call("PATCH", f"/channels/{forum.id}", body)


async def _forum_message(client: Client, body: Body) -> tuple[int, Any]:
    """A plain message sent to the forum (or, with ``media``, a media channel) itself, or to one of its posts."""
    forum = client.guild.create_media_channel("clips") if body.get("media") else _forum(client)
    status, post = await client.call("POST", f"/channels/{forum.id}/threads",
                                     {"name": "post", "message": {"content": "first"}})
    assert status == 201, post
    target = forum.id if body["to"] == "forum" else int(post["id"])
    return await client.call("POST", f"/channels/{target}/messages", {"content": body["content"]})


async def _thread_tags(client: Client, body: Body) -> tuple[int, Any]:
    """Modify Channel (Thread) with ``applied_tags`` on a forum post or on a thread in a text channel."""
    forum = _forum(client)
    if body["on"] == "forum post":
        status, thread = await client.call("POST", f"/channels/{forum.id}/threads",
                                           {"name": "post", "message": {"content": "first"}})
    else:
        status, thread = await client.call("POST", f"/channels/{client.channel.id}/threads",
                                           {"name": "talk", "type": 11})
    assert status in (200, 201), thread
    return await client.call("PATCH", f"/channels/{thread['id']}", {"applied_tags": _tag_ids(forum, 1)})


async def _delete_in_thread(client: Client, body: Body) -> tuple[int, Any]:
    """Delete the bot's own message in a thread, archived first when ``archived`` is true."""
    _, thread = await client.call("POST", f"/channels/{client.channel.id}/threads", {"name": "t", "type": 11})
    _, message = await client.call("POST", f"/channels/{thread['id']}/messages", {"content": "answer"})
    if body["archived"]:
        assert (await client.call("PATCH", f"/channels/{thread['id']}", {"archived": True}))[0] == 200
    return await client.call("DELETE", f"/channels/{thread['id']}/messages/{message['id']}")


async def _own_message_unseen(client: Client, body: Body) -> tuple[int, Any]:
    """Edit (``do``) or delete the bot's own message after it lost View Channel there (``hidden``)."""
    _, message = await _message(client, {"content": "mine"})
    if body["hidden"]:
        client.channel.deny(client.guild.bot_role.id, "view_channel")
    path = f"/channels/{client.channel.id}/messages/{message['id']}"
    if body["do"] == "edit":
        return await client.call("PATCH", path, {"content": "edited"})
    return await client.call("DELETE", path)


async def _answer_by_channel(client: Client, body: Body) -> tuple[int, Any]:
    """A command answered with a message for everyone or for the member alone (``ephemeral``), then read
    through the channel's own route."""
    interaction = await client.command_interaction()
    flags = 64 if body["ephemeral"] else 0
    assert (await client.callback(interaction, {"type": 4, "data": {"content": "answer", "flags": flags}}))[0] == 204
    return await client.call("GET", f"/channels/{client.channel.id}/messages/{interaction.response_message.id}")


async def _pressed_in_thread(client: Client) -> tuple[SimChannel, Any]:
    """A thread the bot made with its message carrying a button, and a member's press on that button."""
    _, thread = await client.call("POST", f"/channels/{client.channel.id}/threads", {"name": "t", "type": 11})
    _, message = await client.call("POST", f"/channels/{thread['id']}/messages", with_row(button(1)))
    return client.sim.channels[int(thread["id"])], client.member.start_click(client.sim.messages[int(message["id"])],
                                                                            "b1")


async def _archive(client: Client, thread: SimChannel) -> None:
    assert (await client.call("PATCH", f"/channels/{thread.id}", {"archived": True}))[0] == 200


async def _update_in_thread(client: Client, body: Body) -> tuple[int, Any]:
    """The press is answered by editing its message (UPDATE_MESSAGE) after the thread archived (``archived``)."""
    thread, interaction = await _pressed_in_thread(client)
    if body["archived"]:
        await _archive(client, thread)
    return await client.callback(interaction, {"type": 7, "data": {"content": "updated"}})


async def _answer_edited_in_thread(client: Client, body: Body) -> tuple[int, Any]:
    """The press is answered with a message for everyone, the thread archives (``archived``), and the bot
    edits that answer through the interaction's webhook."""
    thread, interaction = await _pressed_in_thread(client)
    assert (await client.callback(interaction, {"type": 4, "data": {"content": "answer"}}))[0] == 204
    if body["archived"]:
        await _archive(client, thread)
    return await client.call("PATCH", f"/webhooks/{client.sim.application_id}/{interaction.token}/messages/@original",
                             {"content": "edited"}, bot=False)


async def _answer_in_locked_thread(client: Client, body: Body) -> tuple[int, Any]:
    """The press comes in a thread a moderator locked, where the bot has no Manage Threads, and is answered
    with a message for everyone or for the member alone (``ephemeral``)."""
    thread, interaction = await _pressed_in_thread(client)
    assert (await client.call("PATCH", f"/channels/{thread.id}", {"locked": True}))[0] == 200
    client.channel.deny(client.guild.bot_role.id, "manage_threads")
    return await client.callback(interaction, {"type": 4, "data": {"content": "answer",
                                                                   "flags": 64 if body["ephemeral"] else 0}})


async def _reopen(client: Client, body: Body) -> tuple[int, Any]:
    """The bot reopens a thread it made, with or without Send Messages (``send``), without Manage Threads unless
    ``moderator``; a moderator locked the thread first when ``locked``."""
    _, thread = await client.call("POST", f"/channels/{client.channel.id}/threads", {"name": "t", "type": 11})
    if body.get("locked"):
        assert (await client.call("PATCH", f"/channels/{thread['id']}", {"locked": True}))[0] == 200
    await _archive(client, client.sim.channels[int(thread["id"])])
    denied = (() if body.get("moderator") else ("manage_threads",)) + (() if body["send"] else ("send_messages",))
    if denied:
        client.channel.deny(client.guild.bot_role.id, *denied)
    return await client.call("PATCH", f"/channels/{thread['id']}", {"archived": False})


async def _move_event(client: Client, body: Body) -> tuple[int, Any]:
    """The bot moves a voice event it made to another voice channel, where it may connect or not (``connect``)."""
    start = client.sim.clock.now() + timedelta(days=1)
    here, there = client.guild.create_voice_channel("room 1"), client.guild.create_voice_channel("room 2")
    if not body["connect"]:
        there.deny(client.guild.bot_role.id, "connect")
    status, event = await client.call("POST", f"/guilds/{client.guild.id}/scheduled-events", {
        "name": "mock", "privacy_level": 2, "entity_type": 2, "channel_id": str(here.id),
        "scheduled_start_time": start.isoformat(), "scheduled_end_time": (start + timedelta(hours=1)).isoformat()})
    assert status == 200, event
    return await client.call("PATCH", f"/guilds/{client.guild.id}/scheduled-events/{event['id']}",
                             {"channel_id": str(there.id), "entity_type": 2})


async def _modify_own_thread(client: Client, body: Body) -> tuple[int, Any]:
    """The bot changes a thread it made (``patch``) without Manage Threads unless ``moderator``; a moderator
    locked the thread first when ``locked``."""
    _, thread = await client.call("POST", f"/channels/{client.channel.id}/threads", {"name": "t", "type": 11})
    if body.get("locked"):
        assert (await client.call("PATCH", f"/channels/{thread['id']}", {"locked": True}))[0] == 200
    if not body.get("moderator"):
        client.channel.deny(client.guild.bot_role.id, "manage_threads")
    return await client.call("PATCH", f"/channels/{thread['id']}", body["patch"])


async def _add_to_private_thread(client: Client, body: Body) -> tuple[int, Any]:
    """The bot, without Manage Threads, adds a member to a private thread it created."""
    client.channel.deny(client.sim.bot_user.id, "manage_threads")
    _, thread = await client.call("POST", f"/channels/{client.channel.id}/threads",
                                  {"name": "t", "type": 12, "invitable": body["invitable"]})
    return await client.call("PUT", f"/channels/{thread['id']}/thread-members/{client.member.id}")


async def _thread_in(client: Client, body: Body) -> tuple[int, Any]:
    """Start Thread without Message in a channel of type ``parent_type`` (0 text, 5 announcement)."""
    body = dict(body)
    parent = client.guild.create_text_channel("news")
    parent.type = body.pop("parent_type")
    return await client.call("POST", f"/channels/{parent.id}/threads", body)


async def _dm(client: Client, body: Body) -> tuple[int, Any]:
    """A DM to a member of the guild, or to a user who shares no guild with the bot."""
    recipient = client.sim.create_guild("Elsewhere", with_bot=False).add_member("stranger").id \
        if body["to"] == "stranger" else client.member.id
    _, channel = await client.call("POST", "/users/@me/channels", {"recipient_id": str(recipient)})
    return await client.call("POST", f"/channels/{channel['id']}/messages", {"content": "hello"})


async def _upload(client: Client, body: Body) -> tuple[int, Any]:
    """A message with files of the given ``sizes`` in bytes, as multipart (how discord.py sends files)."""
    form = aiohttp.FormData()
    form.add_field("payload_json", '{"content": "export"}', content_type="application/json")
    for i, size in enumerate(body["sizes"]):
        form.add_field(f"files[{i}]", b"x" * size, filename=f"f{i}.csv", content_type="text/csv")
    async with client.session.post(f"{client.sim.api_base}/channels/{client.channel.id}/messages", data=form,
                                   headers={"Authorization": f"Bot {client.sim.token}"}) as response:
        return response.status, await response.json()


async def _upload_edit(client: Client, body: Body) -> tuple[int, Any]:
    """A message sent with ``before`` files, then edited to add ``added`` more, keeping the first ``keep`` of
    the earlier ones when given (an edit's ``attachments`` lists the files to keep)."""
    async def send(method: str, path: str, count: int, payload: dict[str, Any]) -> tuple[int, Any]:
        form = aiohttp.FormData()
        form.add_field("payload_json", json.dumps(payload), content_type="application/json")
        for i in range(count):
            form.add_field(f"files[{i}]", b"x", filename=f"f{i}.csv", content_type="text/csv")
        async with client.session.request(method, f"{client.sim.api_base}{path}", data=form,
                                          headers={"Authorization": f"Bot {client.sim.token}"}) as response:
            return response.status, await response.json()

    status, message = await send("POST", f"/channels/{client.channel.id}/messages", body["before"],
                                 {"content": "export"})
    assert status == 200
    edit: dict[str, Any] = {"content": "export, more"}
    if "keep" in body:
        edit["attachments"] = [{"id": a["id"]} for a in message["attachments"][:body["keep"]]]
    return await send("PATCH", f"/channels/{client.channel.id}/messages/{message['id']}", body["added"], edit)


async def _file_response(client: Client, data: Body) -> tuple[int, Any]:
    """An interaction's message response carrying one file (as discord.py sends a chart): ``data`` is the
    response's data, its ``attachments`` the file's metadata."""
    form = aiohttp.FormData()
    form.add_field("payload_json", json.dumps({"type": 4, "data": data}), content_type="application/json")
    form.add_field("files[0]", b"\x89PNG chart", filename="chart.png", content_type="image/png")
    interaction = await client.command_interaction()
    async with client.session.post(f"{client.sim.api_base}/interactions/{interaction.id}/{interaction.token}/callback",
                                   data=form) as response:
        return response.status, await response.json() if response.content_type == "application/json" else None


MIB = 1024 * 1024

ROUTES: dict[str, Sender] = {
    "message": _message, "edit": _edit, "response": _response, "callback": _callback, "modal": _modal,
    "autocomplete": _autocomplete, "followup": _followup, "webhook-edit": _webhook_edit, "commands": _commands,
    "thread": _thread, "history": _history, "forum-post": _forum_post, "forum-tags": _forum_tags,
    "forum-message": _forum_message, "thread-tags": _thread_tags, "thread-delete": _delete_in_thread,
    "thread-in": _thread_in, "thread-add": _add_to_private_thread, "dm": _dm, "upload": _upload,
    "upload-edit": _upload_edit,
    "file-response": _file_response, "unseen": _own_message_unseen, "thread-update": _update_in_thread,
    "thread-answer-edit": _answer_edited_in_thread, "locked-answer": _answer_in_locked_thread, "reopen": _reopen,
    "event-move": _move_event, "thread-modify": _modify_own_thread,
    "answer-by-channel": _answer_by_channel, "get-guild": _get_guild, "guild-commands": _guild_commands,
}


def button(i: int | str, **extra: Any) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": f"b{i}", "custom_id": f"c{i}", **extra}


def row(*children: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(children)}


def with_row(*children: dict[str, Any]) -> dict[str, Any]:
    return {"content": "x", "components": [row(*children)]}


def select(options: int, **extra: Any) -> dict[str, Any]:
    return {"type": 3, "custom_id": "pick", "options": [{"label": f"o{i}", "value": f"v{i}"} for i in range(options)],
            **extra}


def defaults_select(chosen: int, **extra: Any) -> dict[str, Any]:
    """A string select of five options whose first ``chosen`` are marked ``default``."""
    menu = select(5, **extra)
    menu["options"] = [{**option, "default": i < chosen} for i, option in enumerate(menu["options"])]
    return menu


def channel_select(**extra: Any) -> dict[str, Any]:
    return {"type": 8, "custom_id": "channel", **extra}


def embed(**fields: Any) -> dict[str, Any]:
    return {"embeds": [fields]}


def text_input(**extra: Any) -> dict[str, Any]:
    return {"type": 4, "custom_id": extra.pop("custom_id", "answer"), "style": 1, **extra}


def modal(*components: dict[str, Any], title: str = "Answer") -> dict[str, Any]:
    return {"custom_id": "form", "title": title, "components": list(components)}


def label(child: dict[str, Any], text: str = "Your answer") -> dict[str, Any]:
    return {"type": 18, "label": text, "component": child}


def command(name: str = "study", **extra: Any) -> dict[str, Any]:
    return {"name": name, "description": "d", **extra}


def option(name: str, *, required: bool = False, **extra: Any) -> dict[str, Any]:
    return {"type": 3, "name": name, "description": "d", "required": required, **extra}


def sized_command(size: int) -> dict[str, Any]:
    """A command whose names, descriptions and choices add up to ``size`` characters (from 5,300)."""
    choices = [{"name": "n" * 100, "value": "v" * 100} for _ in range(25)]
    first = option("a", description="d" * 99, choices=choices)  # 100 + 25 * 200 = 5,100
    rest = size - 100 - 5100 - 100  # the command itself, the first option, the second option's own text
    more = [{"name": "n" * 100, "value": "v" * 100} for _ in range(rest // 200)]
    if rest % 200:
        more.append({"name": "n" * (rest % 200 // 2 or 1), "value": "v" * (rest % 200 - (rest % 200 // 2 or 1))})
    second = option("b", description="d" * 99, choices=more)
    return {"name": "c", "description": "d" * 99, "options": [first, second]}


RULES = [
    # resources/message.mdx, "Create Message" JSON/Form Params and "Embed Limits"
    Rule("content up to 2000 characters", "message", {"content": "x" * 2001}, {"content": "x" * 2000},
         ("content",)),
    Rule("up to 10 embeds", "message", {"embeds": [{"title": "t"}] * 11}, {"embeds": [{"title": "t"}] * 10},
         ("embeds",)),
    Rule("embed title 256", "message", embed(title="t" * 257), embed(title="t" * 256 + "   "),
         ("embeds", "0", "title")),
    Rule("embed description 4096, trailing whitespace not counted", "message", embed(description="d" * 4097),
         embed(description="d" * 4096 + " \n "), ("embeds", "0", "description")),
    Rule("embed fields 25", "message", embed(fields=[{"name": "n", "value": "v"}] * 26),
         embed(fields=[{"name": "n", "value": "v"}] * 25), ("embeds", "0", "fields")),
    Rule("embed field name 256", "message", embed(fields=[{"name": "n" * 257, "value": "v"}]),
         embed(fields=[{"name": "n" * 256, "value": "v"}]), ("embeds", "0", "fields", "0", "name")),
    Rule("embed field value 1024", "message", embed(fields=[{"name": "n", "value": "v" * 1025}]),
         embed(fields=[{"name": "n", "value": "v" * 1024 + "  "}]), ("embeds", "0", "fields", "0", "value")),
    Rule("embed field value required", "message", embed(fields=[{"name": "n", "value": "   "}]),
         embed(fields=[{"name": "n", "value": "."}]), ("embeds", "0", "fields", "0", "value")),
    Rule("embed footer text 2048", "message", embed(footer={"text": "f" * 2049}), embed(footer={"text": "f" * 2048}),
         ("embeds", "0", "footer", "text")),
    Rule("embed author name 256", "message", embed(author={"name": "a" * 257}), embed(author={"name": "a" * 256}),
         ("embeds", "0", "author", "name")),
    Rule("all embeds together 6000", "message",
         {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]},
         {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2000 + "    "}]}, ("embeds",)),
    Rule("embed colour is RGB", "message", embed(title="t", color=0x1000000), embed(title="t", color=0xFFFFFF),
         ("embeds", "0", "color")),
    Rule("embed url is http(s)", "message", embed(title="t", url="ftp://example.com"),
         embed(title="t", url="https://example.com"), ("embeds", "0", "url")),
    # resources/message.mdx, "Attachment Request Structure": description (alt text) max 1024 characters
    Rule("attachment description up to 1024", "file-response",
         {"content": "c", "attachments": [{"id": 0, "filename": "chart.png", "description": "d" * 1025}]},
         {"content": "c", "attachments": [{"id": 0, "filename": "chart.png", "description": "d" * 1024}]},
         ("data", "attachments", "0", "description")),
    Rule("embed image url is http(s) or an attachment", "message", embed(title="t", image={"url": "file:///x.png"}),
         embed(title="t", image={"url": "attachment://chart.png"}), ("embeds", "0", "image", "url")),
    Rule("only documented flags on a new message", "message", {"content": "x", "flags": 1 << 1},
         {"content": "x", "flags": 1 << 12}, ("flags",)),
    Rule("LOADING is Discord's to set, not a new message's", "message", {"content": "x", "flags": 1 << 7},
         {"content": "x", "flags": 1 << 2}, ("flags",)),
    Rule("at least one of content, embeds, components", "message", {"content": ""}, {"content": "x"},
         code=50006),
    Rule("content of only whitespace is empty", "message", {"content": "  \n "}, {"content": " x "}, code=50006),
    Rule("nonce up to 25 characters", "message", {"content": "x", "nonce": "n" * 26},
         {"content": "x", "nonce": "n" * 25}, ("nonce",)),
    # resources/message.mdx, "Allowed Mentions Object"
    Rule("allowed_mentions parse and users exclusive", "message",
         {"content": "x", "allowed_mentions": {"parse": ["users"], "users": ["1"]}},
         {"content": "x", "allowed_mentions": {"parse": [], "users": ["1"]}}, ("allowed_mentions",)),
    Rule("allowed_mentions up to 100 users", "message",
         {"content": "x", "allowed_mentions": {"users": [str(i) for i in range(101)]}},
         {"content": "x", "allowed_mentions": {"users": [str(i) for i in range(100)]}}, ("allowed_mentions", "users")),
    # components/reference.mdx, "Legacy Message Component Behavior" and "Action Row"
    Rule("up to 5 action rows", "message", {"content": "x", "components": [row(button(i)) for i in range(6)]},
         {"content": "x", "components": [row(button(i)) for i in range(5)]}, ("components",)),
    Rule("up to 5 buttons in a row", "message", with_row(*[button(i) for i in range(6)]),
         with_row(*[button(i) for i in range(5)]), ("components", "0", "components")),
    Rule("an action row is not empty", "message", with_row(), with_row(button(1)), ("components", "0", "components")),
    # reference.mdx, "Nullable and Optional Resource Fields": a field whose name has no "?" is required
    Rule("an action row has its components", "message", {"content": "x", "components": [{"type": 1}]},
         with_row(button(1)), ("components", "0", "components")),
    Rule("a button has a style", "message", with_row({"type": 2, "label": "b", "custom_id": "c"}),
         with_row(button(1)), ("components", "0", "components", "0", "style")),
    Rule("a select fills its row", "message", with_row(select(2), button(1)), with_row(select(2)),
         ("components", "0", "components")),
    Rule("text inputs are for modals only", "message", with_row(text_input(label="l")), with_row(button(1)),
         ("components", "0", "components", "0", "type")),
    Rule("custom ids unique in a message", "message",
         {"content": "x", "components": [row(button(1)), row(button(1, label="other"))]},
         {"content": "x", "components": [row(button(1)), row(button(2))]},
         ("components", "1", "components", "0", "custom_id")),
    # components/reference.mdx, "Button Structure" and "Button Styles"
    Rule("button label 80", "message", with_row(button(1, label="l" * 81)), with_row(button(1, label="l" * 80)),
         ("components", "0", "components", "0", "label")),
    Rule("custom_id 1-100 characters", "message", with_row(button(1, custom_id="c" * 101)),
         with_row(button(1, custom_id="c" * 100)), ("components", "0", "components", "0", "custom_id")),
    Rule("non-link buttons need a custom_id", "message",
         with_row({"type": 2, "style": 1, "label": "b"}), with_row(button(1)),
         ("components", "0", "components", "0", "custom_id")),
    Rule("link buttons have a url and no custom_id", "message",
         with_row({"type": 2, "style": 5, "label": "b", "url": "https://example.com", "custom_id": "c"}),
         with_row({"type": 2, "style": 5, "label": "b", "url": "https://example.com"}),
         ("components", "0", "components", "0", "custom_id")),
    Rule("link button url 512", "message",
         with_row({"type": 2, "style": 5, "label": "b", "url": "https://e.com/" + "u" * 499}),
         with_row({"type": 2, "style": 5, "label": "b", "url": "https://e.com/" + "u" * 498}),
         ("components", "0", "components", "0", "url")),
    # components/reference.mdx, "Anatomy of a Component": an optional 32-bit integer id, unique in the message
    Rule("component ids unique in a message", "message", with_row(button(1, id=7), button(2, id=7)),
         with_row(button(1, id=7), button(2, id=8)), ("components", "0", "components", "1", "id")),
    Rule("a row's id counts too", "message", {"content": "x", "components": [{**row(button(1, id=3)), "id": 3}]},
         {"content": "x", "components": [{**row(button(1, id=3)), "id": 4}]},
         ("components", "0", "components", "0", "id")),
    Rule("component id is 32-bit", "message", with_row(button(1, id=2 ** 31)), with_row(button(1, id=2 ** 31 - 1)),
         ("components", "0", "components", "0", "id")),
    Rule("an id of 0 is empty, so never a duplicate", "message", with_row(button(1, id=1), button(2, id=1)),
         with_row(button(1, id=0), button(2, id=0)), ("components", "0", "components", "1", "id")),
    # components/reference.mdx, "String Select Structure" and "Select Option Structure"
    Rule("select min_values not above max_values", "message", with_row(select(5, min_values=3, max_values=2)),
         with_row(select(5, min_values=2, max_values=2)), ("components", "0", "components", "0", "min_values")),
    Rule("select option values unique", "message",
         with_row({"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "v"}, {"label": "b", "value": "v"}]}),
         with_row({"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "v"}, {"label": "b", "value": "w"}]}),
         ("components", "0", "components", "0", "options", "1", "value")),
    Rule("select options 25", "message", with_row(select(26)), with_row(select(25)),
         ("components", "0", "components", "0", "options")),
    Rule("string select defaults within max_values", "message", with_row(defaults_select(3, max_values=2)),
         with_row(defaults_select(2, max_values=2)), ("components", "0", "components", "0", "options")),
    Rule("select needs an option", "message", with_row(select(0)), with_row(select(1)),
         ("components", "0", "components", "0", "options")),
    Rule("a string select has options", "message", with_row({"type": 3, "custom_id": "pick"}),
         with_row(select(1)), ("components", "0", "components", "0", "options")),
    # components/reference.mdx, "Channel Select Structure" and "Select Default Value Structure"
    Rule("channel select types are channel types", "message", with_row(channel_select(channel_types=[0, 17])),
         with_row(channel_select(channel_types=[0, 16])),
         ("components", "0", "components", "0", "channel_types", "1")),
    Rule("channel select defaults within max_values", "message",
         with_row(channel_select(max_values=1, default_values=[{"id": "1", "type": "channel"}] * 2)),
         with_row(channel_select(max_values=2, default_values=[{"id": "1", "type": "channel"}] * 2)),
         ("components", "0", "components", "0", "default_values")),
    Rule("channel select defaults are channels", "message",
         with_row(channel_select(default_values=[{"id": "1", "type": "role"}])),
         with_row(channel_select(default_values=[{"id": "1", "type": "channel"}])),
         ("components", "0", "components", "0", "default_values", "0", "type")),
    Rule("select placeholder 150", "message", with_row(select(2, placeholder="p" * 151)),
         with_row(select(2, placeholder="p" * 150)), ("components", "0", "components", "0", "placeholder")),
    Rule("select max_values 25", "message", with_row(select(25, max_values=26)), with_row(select(25, max_values=25)),
         ("components", "0", "components", "0", "max_values")),
    Rule("select option label 100", "message",
         with_row({"type": 3, "custom_id": "s", "options": [{"label": "l" * 101, "value": "v"}]}),
         with_row({"type": 3, "custom_id": "s", "options": [{"label": "l" * 100, "value": "v"}]}),
         ("components", "0", "components", "0", "options", "0", "label")),
    Rule("select option value 100", "message",
         with_row({"type": 3, "custom_id": "s", "options": [{"label": "l", "value": "v" * 101}]}),
         with_row({"type": 3, "custom_id": "s", "options": [{"label": "l", "value": "v" * 100}]}),
         ("components", "0", "components", "0", "options", "0", "value")),
    Rule("select option description 100", "message",
         with_row({"type": 3, "custom_id": "s", "options": [{"label": "l", "value": "v", "description": "d" * 101}]}),
         with_row({"type": 3, "custom_id": "s", "options": [{"label": "l", "value": "v", "description": "d" * 100}]}),
         ("components", "0", "components", "0", "options", "0", "description")),
    # components/reference.mdx, introduction and "Text Display": components v2
    Rule("v2 messages up to 40 components", "message",
         {"flags": 1 << 15, "components": [{"type": 10, "content": "t"}] * 41},
         {"flags": 1 << 15, "components": [{"type": 10, "content": "t"}] * 40}, ("components",)),
    Rule("v2 messages carry no content", "message",
         {"flags": 1 << 15, "content": "x", "components": [{"type": 10, "content": "t"}]},
         {"flags": 1 << 15, "components": [{"type": 10, "content": "t"}]}, ("content",)),
    # resources/message.mdx, "Edit Message"; resources/webhook.mdx, "Edit Webhook Message"
    Rule("an edit keeps content within 2000", "edit", {"content": "x" * 2001}, {"content": "x" * 2000},
         ("content",)),
    Rule("an edit keeps rows within 5 buttons", "edit", with_row(*[button(i) for i in range(6)]),
         with_row(*[button(i) for i in range(5)]), ("components", "0", "components")),
    Rule("an original response edit keeps content within 2000", "webhook-edit", {"content": "x" * 2001},
         {"content": "x" * 2000}, ("content",)),
    Rule("an original response edit keeps embeds within 6000", "webhook-edit",
         {"embeds": [{"description": "d" * 4000}, {"title": "t" * 200, "description": "d" * 1801}]},
         {"embeds": [{"description": "d" * 4000}, {"title": "t" * 200, "description": "d" * 1800}]}, ("embeds",)),
    # interactions/receiving-and-responding.mdx, "Interaction Callback Type" and "Messages"
    Rule("a response keeps content within 2000", "response", {"content": "x" * 2001}, {"content": "x" * 2000},
         ("data", "content")),
    Rule("a response is not empty", "response", {}, {"content": "x", "flags": 64}, code=50006),
    Rule("a deferred response may only be ephemeral", "callback", {"type": 5, "data": {"flags": 4}},
         {"type": 5, "data": {"flags": 64}}, ("data", "flags")),
    Rule("UPDATE_MESSAGE only answers components", "callback", {"type": 7, "data": {"content": "x"}},
         {"type": 4, "data": {"content": "x"}}, ("type",)),
    Rule("callback type is a documented one", "callback", {"type": 3}, {"type": 5}, ("type",)),
    Rule("a follow-up keeps content within 2000", "followup", {"content": "x" * 2001}, {"content": "x" * 2000},
         ("content",)),
    Rule("a follow-up keeps embeds within 10", "followup", {"embeds": [{"title": "t"}] * 11},
         {"embeds": [{"title": "t"}] * 10}, ("embeds",)),
    # resources/webhook.mdx, "Execute Webhook" flags; receiving-and-responding.mdx, "Create Followup Message"
    Rule("a follow-up sets only suppress, v2 and ephemeral flags", "followup", {"content": "x", "flags": 1 << 13},
         {"content": "x", "flags": (1 << 2) | (1 << 12) | (1 << 6)}, ("flags",)),
    # interactions/receiving-and-responding.mdx, "Autocomplete"
    Rule("autocomplete choices 25", "autocomplete", {"choices": [{"name": f"n{i}", "value": "v"} for i in range(26)]},
         {"choices": [{"name": f"n{i}", "value": "v"} for i in range(25)]}, ("data", "choices")),
    Rule("autocomplete choice name 100", "autocomplete", {"choices": [{"name": "n" * 101, "value": "v"}]},
         {"choices": [{"name": "n" * 100, "value": "v"}]}, ("data", "choices", "0", "name")),
    Rule("autocomplete values are of the focused option's type", "autocomplete",
         {"choices": [{"name": "n", "value": 1}]}, {"choices": [{"name": "n", "value": "1"}]},
         ("data", "choices", "0", "value")),
    # interactions/receiving-and-responding.mdx, "Modal"; components/reference.mdx, "Label" and "Text Input"
    Rule("modal title 45", "modal", modal(label(text_input()), title="t" * 46), modal(label(text_input()), title="t" * 45),
         ("data", "title")),
    Rule("modal custom_id 100", "modal", {**modal(label(text_input())), "custom_id": "f" * 101},
         {**modal(label(text_input())), "custom_id": "f" * 100}, ("data", "custom_id")),
    Rule("label description 100", "modal", modal({**label(text_input()), "description": "d" * 101}),
         modal({**label(text_input()), "description": "d" * 100}), ("data", "components", "0", "description")),
    Rule("modal 1-5 components", "modal", modal(*[label(text_input(custom_id=f"a{i}")) for i in range(6)]),
         modal(*[label(text_input(custom_id=f"a{i}")) for i in range(5)]), ("data", "components")),
    Rule("label text 45", "modal", modal(label(text_input(), "l" * 46)), modal(label(text_input(), "l" * 45)),
         ("data", "components", "0", "label")),
    Rule("text input max_length 4000", "modal", modal(label(text_input(max_length=4001))),
         modal(label(text_input(max_length=4000))), ("data", "components", "0", "component", "max_length")),
    Rule("text input min_length 0-4000", "modal", modal(label(text_input(min_length=4001))),
         modal(label(text_input(min_length=4000))), ("data", "components", "0", "component", "min_length")),
    Rule("text input min_length not above max_length", "modal",
         modal(label(text_input(min_length=41, max_length=40))), modal(label(text_input(min_length=40, max_length=40))),
         ("data", "components", "0", "component", "min_length")),
    Rule("text input needs a style", "modal", modal(label({"type": 4, "custom_id": "answer"})),
         modal(label(text_input())), ("data", "components", "0", "component", "style")),
    Rule("text input value 4000", "modal", modal(label(text_input(value="v" * 4001))),
         modal(label(text_input(value="v" * 4000))), ("data", "components", "0", "component", "value")),
    Rule("text input placeholder 100", "modal", modal(label(text_input(placeholder="p" * 101))),
         modal(label(text_input(placeholder="p" * 100))), ("data", "components", "0", "component", "placeholder")),
    Rule("modal custom ids unique", "modal", modal(label(text_input()), label(text_input())),
         modal(label(text_input()), label(text_input(custom_id="other"))),
         ("data", "components", "1", "component", "custom_id")),
    Rule("a modal row holds one text input", "modal",
         modal(row(text_input(label="a"), text_input(custom_id="b", label="b"))), modal(row(text_input(label="a"))),
         ("data", "components", "0", "components")),
    Rule("modal component ids unique", "modal", modal({**label(text_input()), "id": 1}, label(text_input(custom_id="b", id=1))),
         modal({**label(text_input()), "id": 1}, label(text_input(custom_id="b", id=2))),
         ("data", "components", "1", "component", "id")),
    Rule("a required modal select needs min_values 1", "modal", modal(label(select(3, min_values=0))),
         modal(label(select(3, min_values=0, required=False))), ("data", "components", "0", "component", "min_values")),
    Rule("buttons are not modal components", "modal", modal(label(button(1))), modal(label(text_input())),
         ("data", "components", "0", "component", "type")),
    # interactions/application-commands.mdx, "Application Command Naming" and "... Option Structure"
    Rule("chat input names are lower case", "commands", [command("Study")], [command("study")], ("0", "name")),
    Rule("chat input names up to 32", "commands", [command("s" * 33)], [command("s" * 32)], ("0", "name")),
    Rule("Unicode letters allowed, upper case not", "commands", [command("Études")], [command("études-ナ")],
         ("0", "name")),
    Rule("chat input names have no spaces", "commands", [command("study now")], [command("study-now")],
         ("0", "name")),
    Rule("user command names keep capitals and spaces", "commands",
         [{"type": 2, "name": "  Study Buddy", "description": ""}], [{"type": 2, "name": "Study Buddy", "description": ""}],
         ("0", "name")),
    Rule("message command names up to 32", "commands", [{"type": 3, "name": "M" * 33, "description": ""}],
         [{"type": 3, "name": "Save To " + "M" * 24, "description": ""}], ("0", "name")),
    Rule("description 1-100", "commands", [command(description="d" * 101)], [command(description="d" * 100)],
         ("0", "description")),
    Rule("required options first", "commands", [command(options=[option("a"), option("b", required=True)])],
         [command(options=[option("b", required=True), option("a")])], ("0", "options", "1", "required")),
    Rule("options 25", "commands", [command(options=[option(f"o{i}") for i in range(26)])],
         [command(options=[option(f"o{i}") for i in range(25)])], ("0", "options")),
    Rule("option names unique", "commands", [command(options=[option("a"), option("a")])],
         [command(options=[option("a"), option("b")])], ("0", "options", "1", "name")),
    Rule("choices 25", "commands",
         [command(options=[option("a", choices=[{"name": f"{i}", "value": f"{i}"} for i in range(26)])])],
         [command(options=[option("a", choices=[{"name": f"{i}", "value": f"{i}"} for i in range(25)])])],
         ("0", "options", "0", "choices")),
    Rule("choice value 100", "commands", [command(options=[option("a", choices=[{"name": "n", "value": "v" * 101}])])],
         [command(options=[option("a", choices=[{"name": "n", "value": "v" * 100}])])],
         ("0", "options", "0", "choices", "0", "value")),
    Rule("a string option's choices have string values", "commands",
         [command(options=[option("a", choices=[{"name": "n", "value": 1}])])],
         [command(options=[option("a", choices=[{"name": "n", "value": "1"}])])],
         ("0", "options", "0", "choices", "0", "value")),
    Rule("an integer option's choices have integer values", "commands",
         [command(options=[{"type": 4, "name": "n", "description": "d", "choices": [{"name": "n", "value": "1"}]}])],
         [command(options=[{"type": 4, "name": "n", "description": "d", "choices": [{"name": "n", "value": 1}]}])],
         ("0", "options", "0", "choices", "0", "value")),
    Rule("integer choices within 2^53", "commands",
         [command(options=[{"type": 4, "name": "n", "description": "d", "choices": [{"name": "n", "value": 2 ** 53}]}])],
         [command(options=[{"type": 4, "name": "n", "description": "d",
                            "choices": [{"name": "n", "value": 2 ** 53 - 1}]}])],
         ("0", "options", "0", "choices", "0", "value")),
    Rule("a number option's choices have numeric values", "commands",
         [command(options=[{"type": 10, "name": "n", "description": "d", "choices": [{"name": "n", "value": "0.5"}]}])],
         [command(options=[{"type": 10, "name": "n", "description": "d", "choices": [{"name": "n", "value": 0.5}]}])],
         ("0", "options", "0", "choices", "0", "value")),
    Rule("integer options within 2^53", "commands",
         [command(options=[{"type": 4, "name": "n", "description": "d", "max_value": 2 ** 53}])],
         [command(options=[{"type": 4, "name": "n", "description": "d", "max_value": 2 ** 53 - 1}])],
         ("0", "options", "0", "max_value")),
    Rule("min_length and max_length only on string options", "commands",
         [command(options=[{"type": 4, "name": "n", "description": "d", "max_length": 10}])],
         [command(options=[option("n", max_length=10)])], ("0", "options", "0", "max_length")),
    Rule("min_value and max_value only on integer and number options", "commands",
         [command(options=[option("n", min_value=1)])],
         [command(options=[{"type": 10, "name": "n", "description": "d", "min_value": 1}])],
         ("0", "options", "0", "min_value")),
    Rule("autocomplete only on string, integer and number options", "commands",
         [command(options=[{"type": 7, "name": "c", "description": "d", "autocomplete": True}])],
         [command(options=[{"type": 4, "name": "c", "description": "d", "autocomplete": True}])],
         ("0", "options", "0", "autocomplete")),
    Rule("nested options only under sub-commands and groups", "commands",
         [command(options=[option("a", options=[option("b")])])],
         [command(options=[{"type": 1, "name": "a", "description": "d", "options": [option("b")]}])],
         ("0", "options", "0", "options")),
    Rule("sub-commands are never required", "commands",
         [command(options=[{"type": 1, "name": "a", "description": "d", "required": True}])],
         [command(options=[{"type": 1, "name": "a", "description": "d"}])], ("0", "options", "0", "required")),
    Rule("file_types only on attachment options", "commands",
         [command(options=[option("a", file_types=[".pdf"])])],
         [command(options=[{"type": 11, "name": "a", "description": "d", "file_types": [".pdf"]}])],
         ("0", "options", "0", "file_types")),
    Rule("autocomplete never with choices", "commands",
         [command(options=[option("a", autocomplete=True, choices=[{"name": "n", "value": "v"}])])],
         [command(options=[option("a", autocomplete=True)])], ("0", "options", "0", "autocomplete")),
    Rule("channel_types only on channel options", "commands",
         [command(options=[option("a", channel_types=[0])])],
         [command(options=[{"type": 7, "name": "a", "description": "d", "channel_types": [0]}])],
         ("0", "options", "0", "channel_types")),
    Rule("an option has a type", "commands", [command(options=[{"name": "a", "description": "d"}])],
         [command(options=[{"type": 3, "name": "a", "description": "d"}])], ("0", "options", "0", "type")),
    Rule("max_length 6000", "commands", [command(options=[option("a", max_length=6001)])],
         [command(options=[option("a", max_length=6000)])], ("0", "options", "0", "max_length")),
    Rule("sub-commands are not mixed with options", "commands",
         [command(options=[{"type": 1, "name": "sub", "description": "d"}, option("a")])],
         [command(options=[{"type": 1, "name": "sub", "description": "d", "options": [option("a")]}])],
         ("0", "options")),
    Rule("a command's text adds up to 8000", "commands", [sized_command(8001)], [sized_command(8000)], ("0",)),
    Rule("command names unique per type", "commands", [command("a"), command("a")],
         [command("a"), {"type": 2, "name": "a", "description": ""}], ("1", "name")),
    Rule("100 chat input commands", "commands", [command(f"c{i}") for i in range(101)],
         [command(f"c{i}") for i in range(100)], code=30032),
    Rule("15 user commands", "commands", [{"type": 2, "name": f"U{i}", "description": ""} for i in range(16)],
         [{"type": 2, "name": f"U{i}", "description": ""} for i in range(15)], code=30032),
    # resources/message.mdx, "Get Channel Messages" Query String Params
    # resources/guild.mdx, "Get Guild" (a privacy notice in a server another process serves asks for its
    # system channel); topics/opcodes-and-status-codes.mdx: 10004 Unknown guild
    Rule("Get Guild of an unknown server", "get-guild", {"guild": "unknown"}, {"guild": "own"}, code=10004,
         status=404),
    # interactions/application-commands.mdx, "Bulk Overwrite Guild Application Commands" (a server's commands
    # where the application is installed); topics/opcodes-and-status-codes.mdx: 50001 Missing Access
    Rule("guild commands only where the bot is", "guild-commands", {"guild": "elsewhere"}, {"guild": "own"},
         code=50001, status=403),
    Rule("history limit 1-100", "history", {"limit": 101}, {"limit": 100}, ("limit",)),
    Rule("history limit at least 1", "history", {"limit": 0}, {"limit": 1}, ("limit",)),
    Rule("before, after and around are exclusive", "history", {"before": "anchor", "after": "anchor"},
         {"around": "anchor"}, ("after",)),
    # resources/channel.mdx, "Start Thread without Message" JSON Params
    Rule("thread name 1-100", "thread", {"name": "n" * 101, "type": 11}, {"name": "n" * 100, "type": 11}, ("name",)),
    Rule("thread auto_archive_duration is 60, 1440, 4320 or 10080", "thread",
         {"name": "t", "type": 11, "auto_archive_duration": 1441}, {"name": "t", "type": 11, "auto_archive_duration": 10080},
         ("auto_archive_duration",)),
    Rule("thread slow mode 0-21600", "thread", {"name": "t", "type": 11, "rate_limit_per_user": 21601},
         {"name": "t", "type": 11, "rate_limit_per_user": 21600}, ("rate_limit_per_user",)),
    # topics/threads.mdx, "Public & Private Threads": private threads only in GUILD_TEXT channels
    Rule("private threads only in text channels", "thread-in", {"name": "t", "type": 12, "parent_type": 5},
         {"name": "t", "type": 12, "parent_type": 0}, code=50024),
    # resources/channel.mdx, invitable: whether non-moderators can add other non-moderators
    Rule("non-moderators add members only to invitable threads", "thread-add", {"invitable": False},
         {"invitable": True}, code=50013, status=403),
    # topics/opcodes-and-status-codes.mdx, 50083: nothing is done to messages of an archived thread
    Rule("no delete in an archived thread", "thread-delete", {"archived": True}, {"archived": False}, code=50083),
    # topics/permissions.mdx, "Implicit Permissions": without View Channel nothing else in the channel applies
    Rule("no edit of the bot's own message once it cannot see the channel", "unseen", {"do": "edit", "hidden": True},
         {"do": "edit", "hidden": False}, code=50001, status=403),
    Rule("no delete of the bot's own message once it cannot see the channel", "unseen",
         {"do": "delete", "hidden": True}, {"do": "delete", "hidden": False}, code=50001, status=403),
    # events/gateway-events.mdx, Message Create: an ephemeral message is not sent through the channel
    Rule("an ephemeral answer is not the channel's message", "answer-by-channel", {"ephemeral": True},
         {"ephemeral": False}, code=10008, status=404),
    # topics/threads.mdx, "Active & Archived Threads": no editing messages in an archived thread, by any route
    Rule("no update of a pressed message in an archived thread", "thread-update", {"archived": True},
         {"archived": False}, code=50083),
    Rule("no webhook edit of an answer in an archived thread", "thread-answer-edit", {"archived": True},
         {"archived": False}, code=50083),
    # topics/threads.mdx, "Locked Threads": no creating messages there without Manage Threads
    Rule("no answer for everyone in a locked thread", "locked-answer", {"ephemeral": False}, {"ephemeral": True},
         code=160005, status=403),
    # resources/channel.mdx, "Modify Channel", JSON Params (Thread): reopening needs Send Messages
    Rule("reopening a thread needs Send Messages", "reopen", {"send": False}, {"send": True}, code=50013, status=403),
    # resources/channel.mdx, "Modify Channel", JSON Params (Thread) and its locked field; topics/threads.mdx,
    # "Active & Archived Threads": only Manage Threads unarchives a locked thread, even one the bot made
    Rule("reopening a locked thread needs Manage Threads, even for its creator", "reopen",
         {"send": True, "locked": True}, {"send": True, "locked": True, "moderator": True}, code=50013, status=403),
    # resources/guild-scheduled-event.mdx, "Guild Scheduled Event Permissions Requirements" (VOICE, Modify):
    # View Channel and Connect in the event's channel, the one it moves to as well
    Rule("a voice event moves only to a channel the bot may connect to", "event-move", {"connect": False},
         {"connect": True}, code=50013, status=403),
    # topics/threads.mdx, "Editing & Deleting Threads": slow mode needs Manage Threads, even for the creator
    Rule("a thread's slow mode needs Manage Threads, even for its creator", "thread-modify",
         {"patch": {"rate_limit_per_user": 10}}, {"patch": {"rate_limit_per_user": 10}, "moderator": True},
         code=50013, status=403),
    # topics/threads.mdx, "Locked Threads": without Manage Threads no title or tags of a locked thread change
    Rule("no renaming a locked thread without Manage Threads, even for its creator", "thread-modify",
         {"patch": {"name": "renamed"}, "locked": True}, {"patch": {"name": "renamed"}}, code=50013, status=403),
    # topics/opcodes-and-status-codes.mdx, 50278: no DM without a mutual guild
    Rule("DMs only to users sharing a guild", "dm", {"to": "stranger"}, {"to": "member"}, code=50278, status=403),
    # reference.mdx, "Uploading Files": 10 MiB per file; resources/message.mdx, "Create Message": 25 MiB a request
    Rule("files up to 10 MiB each", "upload", {"sizes": [10 * MIB + 1]}, {"sizes": [10 * MIB]}, code=40005,
         status=413),
    # topics/opcodes-and-status-codes.mdx, 30015: at most 10 attachments in a message
    Rule("up to 10 files in a message", "upload", {"sizes": [1] * 11}, {"sizes": [1] * 10}, code=30015),
    # resources/message.mdx, "Edit Message": files an edit adds are appended to those it keeps
    Rule("an edit keeps a message within 10 files", "upload-edit", {"before": 6, "added": 5},
         {"before": 6, "added": 4}, code=30015),
    Rule("files an edit lets go make room for new ones", "upload-edit", {"before": 6, "added": 5, "keep": 6},
         {"before": 6, "added": 5, "keep": 5}, code=30015),
    Rule("a request up to 25 MiB", "upload", {"sizes": [9 * MIB, 9 * MIB, 8 * MIB]},
         {"sizes": [9 * MIB, 9 * MIB, 7 * MIB]}, code=40005, status=413),
    # resources/channel.mdx, "Start Thread in Forum or Media Channel" JSON/Form Params
    Rule("forum post name 1-100", "forum-post", {"name": "n" * 101, "message": {"content": "x"}},
         {"name": "n" * 100, "message": {"content": "x"}}, ("name",)),
    Rule("forum post message flags: suppress embeds or notifications only", "forum-post",
         {"name": "t", "message": {"content": "x", "flags": 1 << 13}},
         {"name": "t", "message": {"content": "x", "flags": (1 << 2) | (1 << 12)}}, ("message", "flags")),
    Rule("forum post needs its first message", "forum-post", {"name": "t"},
         {"name": "t", "message": {"content": "x"}}, ("message",)),
    Rule("forum post message content 2000", "forum-post", {"name": "t", "message": {"content": "x" * 2001}},
         {"name": "t", "message": {"content": "x" * 2000}}, ("message", "content")),
    Rule("forum post message is not empty", "forum-post", {"name": "t", "message": {"content": ""}},
         {"name": "t", "message": {"embeds": [{"title": "t"}]}}, code=50006),
    Rule("forum post auto_archive_duration is 60, 1440, 4320 or 10080", "forum-post",
         {"name": "t", "message": {"content": "x"}, "auto_archive_duration": 1441},
         {"name": "t", "message": {"content": "x"}, "auto_archive_duration": 1440}, ("auto_archive_duration",)),
    Rule("applied_tags up to 5", "forum-post", {"name": "t", "message": {"content": "x"}, "tags": 6},
         {"name": "t", "message": {"content": "x"}, "tags": 5}, ("applied_tags",)),
    Rule("applied tags are the forum's own", "forum-post", {"name": "t", "message": {"content": "x"}, "tags": ["1"]},
         {"name": "t", "message": {"content": "x"}, "tags": 1}, code=10087),
    Rule("a forum requiring tags refuses an untagged post", "forum-post",
         {"name": "t", "message": {"content": "x"}, "require_tag": True},
         {"name": "t", "message": {"content": "x"}, "require_tag": True, "tags": 1}, code=40067),
    Rule("a forum post needs Send Messages (Create Public Threads is ignored)", "forum-post",
         {"name": "t", "message": {"content": "x"}, "deny": "send_messages"},
         {"name": "t", "message": {"content": "x"}, "deny": "create_public_threads"}, code=50013, status=403),
    Rule("messages go to a forum's posts, never to the forum", "forum-message", {"to": "forum", "content": "x"},
         {"to": "post", "content": "x"}, code=40058),
    Rule("a media channel, like a forum, holds posts and no messages of its own", "forum-message",
         {"to": "forum", "content": "x", "media": True}, {"to": "post", "content": "x", "media": True}, code=40058),
    Rule("tags only on threads in a forum", "thread-tags", {"on": "text thread"}, {"on": "forum post"},
         code=50024),
    # resources/channel.mdx, "Modify Channel" (available_tags) and "Forum Tag Object"
    Rule("available_tags up to 20", "forum-tags", {"available_tags": [{"name": f"t{i}"} for i in range(21)]},
         {"available_tags": [{"name": f"t{i}"} for i in range(20)]}, ("available_tags",)),
    Rule("tag name 0-20", "forum-tags", {"available_tags": [{"name": "n" * 21}]},
         {"available_tags": [{"name": "n" * 20}]}, ("available_tags", "0", "name")),
    Rule("tag names unique", "forum-tags", {"available_tags": [{"name": "a"}, {"name": "a"}]},
         {"available_tags": [{"name": "a"}, {"name": "b"}]}, code=40061),
    Rule("tag emoji is an id or a name, not both", "forum-tags",
         {"available_tags": [{"name": "a", "emoji_id": "1", "emoji_name": "🔥"}]},
         {"available_tags": [{"name": "a", "emoji_id": None, "emoji_name": "🔥"}]},
         ("available_tags", "0", "emoji_id")),
    Rule("setting tags needs Manage Channels", "forum-tags", {"available_tags": [{"name": "a"}], "allow": False},
         {"available_tags": [{"name": "a"}], "allow": True}, code=50013, status=403),
]


@pytest.fixture
async def client(sim: LocalDiscord) -> AsyncIterator[Client]:
    async with aiohttp.ClientSession() as session:
        yield Client(sim, session)


def _tree_has(errors: dict[str, Any], path: tuple[str, ...]) -> bool:
    node: Any = errors
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return isinstance(node, dict) and bool(node.get("_errors"))


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
async def test_past_the_limit_is_refused(client: Client, rule: Rule) -> None:
    status, body = await ROUTES[rule.route](client, rule.refused)
    assert status == rule.status, body
    assert body["code"] == rule.code, body
    if rule.code == 50035:
        assert body["message"] == "Invalid Form Body"
        assert _tree_has(body["errors"], rule.where), body["errors"]
    assert client.sim.errors[-1].code == rule.code


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
async def test_at_the_limit_is_accepted(client: Client, rule: Rule) -> None:
    status, body = await ROUTES[rule.route](client, rule.accepted)
    assert status in (200, 201, 204), body
    assert not client.sim.errors, client.sim.errors


def test_every_rule_has_a_distinct_name() -> None:
    assert len({rule.name for rule in RULES}) == len(RULES)


# The token's life on the simulator's clock (not a body limit, so not a row): a first answer past it is refused
# as on Discord, one at once accepted.
# interactions/receiving-and-responding.mdx, "Interaction Callback" (Info): "Interaction tokens are valid for
# 15 minutes and can be used to send followup messages but you must send an initial response within 3 seconds
# of receiving the event. If the 3 second deadline is exceeded, the token will be invalidated."
# The simulator times the token's 15 minutes on its own clock (interactions.py, follow-ups answer 401/50027
# then), but the initial callback only on the real monotonic clock: an interaction created more than
# 15 minutes ago on the simulated clock is still acknowledged.
async def test_callback_after_the_token_life_is_refused(client: Client, clock: ManualClock) -> None:
    interaction = await client.command_interaction()
    clock.advance(timedelta(minutes=15, seconds=1))  # past the token's whole life, never mind its 3 seconds
    status, body = await client.callback(interaction, {"type": 4, "data": {"content": "late"}})
    assert status == 404, (status, body)
    assert body["code"] == 10062, body


async def test_callback_at_once_is_accepted(client: Client, clock: ManualClock) -> None:
    interaction = await client.command_interaction()
    status, body = await client.callback(interaction, {"type": 4, "data": {"content": "on time"}})
    assert status in (200, 204), body
    assert not client.sim.errors, client.sim.errors


async def test_followup_after_the_token_life_is_refused_already(client: Client, clock: ManualClock) -> None:
    """The same 15 minutes already stop a follow-up (the simulator is consistent here): the contrast."""
    interaction = await client.command_interaction()
    assert (await client.callback(interaction, {"type": 5}))[0] in (200, 204)
    clock.advance(timedelta(minutes=15, seconds=1))
    status, body = await client.call("POST", f"/webhooks/{client.sim.application_id}/{interaction.token}?wait=true",
                                     {"content": "late"}, bot=False)
    assert (status, body["code"]) == (401, 50027), body


async def test_only_the_member_an_ephemeral_message_is_shown_to_can_press_it(client: Client) -> None:
    """resources/message.mdx, "Message Flags": an EPHEMERAL message is only visible to the user who invoked
    the interaction, so nobody else's client shows its button."""
    interaction = await client.command_interaction()
    status, body = await client.callback(interaction, {"type": 4, "data": {
        "content": "just you", "flags": 64, "components": [row(button(1))]}})
    assert status in (200, 204), body
    message = interaction.response_message
    bob = next(m for m in client.guild.members.values() if m.name == "bob")
    with pytest.raises(AssertionError, match="ephemeral"):
        bob.start_click(message, "b1")
    assert client.member.start_click(message, "b1").source_message is message


# A member's message read over HTTP (not a body limit, so not a row). events/gateway.mdx, "Message Content
# Intent": the intent "permits your app to receive message content data across the APIs"; apps without it
# "receive empty values in fields that contain user-inputted content", except their own messages, DMs and
# messages that mention them; "HTTP API restrictions ... are unaffected by which intents your app passes" when
# identifying, so what counts is whether the application has the intent turned on.
async def _read_members_message(client: Client, text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A member's message and the bot's own in the channel, read through Get Channel Messages and Get Channel
    Message: the member's message as each route answers it."""
    theirs = client.sim.new_message(client.channel, client.member.user, {"content": text})
    client.sim.new_message(client.channel, client.sim.bot_user, {"content": "Day 1"})
    status, page = await client.call("GET", f"/channels/{client.channel.id}/messages?limit=2")
    assert status == 200, page
    assert page[0]["content"] == "Day 1"  # the app's own message keeps its content
    status, one = await client.call("GET", f"/channels/{client.channel.id}/messages/{theirs.id}")
    assert status == 200, one
    return page[1], one


async def test_a_members_message_read_without_the_intent_is_empty(client: Client) -> None:
    listed, fetched = await _read_members_message(client, "my answer is 42")
    assert (listed["content"], fetched["content"]) == ("", "")
    assert listed["author"]["id"] == str(client.member.id)  # the message itself is still there
    mentioning, _ = await _read_members_message(client, f"<@{client.sim.bot_user.id}> help")
    assert mentioning["content"] == f"<@{client.sim.bot_user.id}> help"  # a mention of the app is kept


async def test_a_members_message_read_with_the_intent_turned_on_keeps_its_content(client: Client) -> None:
    from bot.localdiscord.gateway_rules import Intent

    client.sim.gateway.enabled_privileged_intents = Intent.MESSAGE_CONTENT
    listed, fetched = await _read_members_message(client, "my answer is 42")
    assert (listed["content"], fetched["content"]) == ("my answer is 42", "my answer is 42")
