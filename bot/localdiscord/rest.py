"""The REST API routes studybot uses, answering as the Discord API documents.

This module holds the routing table and the identity, command and guild routes;
channel, message and thread routes are in :mod:`bot.localdiscord.rest_messages`
and interaction callbacks in :mod:`bot.localdiscord.interactions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from aiohttp import web

from bot.localdiscord import command_permissions, rest_channels, rest_events, rest_forums, uploads
from bot.localdiscord import interactions as ix
from bot.localdiscord import rest_messages as msg
from bot.localdiscord import rest_roles as roles
from bot.localdiscord import rest_threads as threads
from bot.localdiscord.commands import validate_overwrite
from bot.localdiscord.formbody import form_error
from bot.localdiscord.gateway import get_gateway, get_gateway_bot
from bot.localdiscord.restkit import SIM_KEY, Rejected, fail, json_reply, make_middleware, read_body, sim_of
from bot.localdiscord.state import SimChannel

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

API = "/api/v{version:\\d+}"


def build_app(sim: LocalDiscord) -> web.Application:
    app = web.Application(middlewares=[make_middleware(sim)], client_max_size=64 * 1024 * 1024)
    app[SIM_KEY] = sim
    r = app.router
    r.add_get("/gateway", sim.gateway.handle)
    r.add_get("/attachments/{channel_id:\\d+}/{attachment_id:\\d+}/{filename}", uploads.serve)
    r.add_get(API + "/gateway", get_gateway)
    r.add_get(API + "/gateway/bot", get_gateway_bot)
    r.add_get(API + "/users/@me", _me)
    r.add_get(API + "/users/{user_id:\\d+}", _get_user)
    r.add_get(API + "/oauth2/applications/@me", _application)
    r.add_get(API + "/applications/@me", _application)
    r.add_put(API + "/applications/{app_id}/commands", _put_commands)
    r.add_get(API + "/applications/{app_id}/commands", _get_commands)
    r.add_put(API + "/applications/{app_id}/guilds/{guild_id}/commands", _put_commands)
    r.add_get(API + "/applications/{app_id}/guilds/{guild_id}/commands", _get_commands)
    command_permissions.add_routes(r, API)
    r.add_get(API + "/channels/{channel_id}", msg.get_channel)
    r.add_post(API + "/channels/{channel_id}/messages", msg.post_message)
    r.add_get(API + "/channels/{channel_id}/messages", msg.history)
    r.add_get(API + "/channels/{channel_id}/messages/{message_id}", msg.get_message)
    r.add_patch(API + "/channels/{channel_id}/messages/{message_id}", msg.edit_message)
    r.add_delete(API + "/channels/{channel_id}/messages/{message_id}", msg.delete_message)
    r.add_patch(API + "/channels/{channel_id}", threads.modify_channel)
    r.add_post(API + "/channels/{channel_id}/messages/{message_id}/threads", threads.thread_from_message)
    r.add_post(API + "/channels/{channel_id}/threads", threads.thread_without_message)
    r.add_put(API + "/channels/{channel_id}/thread-members/{user_id}", threads.add_thread_member)
    r.add_post(API + "/users/@me/channels", _open_dm)
    r.add_delete(API + "/users/@me/guilds/{guild_id}", _leave_guild)
    r.add_get(API + "/guilds/{guild_id}", _get_guild)
    r.add_get(API + "/guilds/{guild_id}/members/{user_id}", _get_member)
    r.add_get(API + "/guilds/{guild_id}/roles", _get_roles)
    roles.add_routes(r, API)
    r.add_get(API + "/guilds/{guild_id}/channels", _get_channels)
    r.add_post(API + "/interactions/{interaction_id}/{token}/callback", ix.callback)
    r.add_post(API + "/webhooks/{app_id}/{token}", ix.followup)
    r.add_get(API + "/webhooks/{app_id}/{token}/messages/{message_id}", ix.get_webhook_message)
    r.add_patch(API + "/webhooks/{app_id}/{token}/messages/{message_id}", ix.edit_webhook_message)
    r.add_delete(API + "/webhooks/{app_id}/{token}/messages/{message_id}", ix.delete_webhook_message)
    rest_events.add_routes(r, API)
    rest_channels.add_routes(r, API)
    rest_forums.add_routes(r, API)
    return app


# -- identity -------------------------------------------------------------------------------
async def _me(request: web.Request) -> web.Response:
    return json_reply({**sim_of(request).bot_user.to_json(), "verified": True, "mfa_enabled": False, "flags": 0})


async def _get_user(request: web.Request) -> web.Response:
    member = sim_of(request).users.get(int(request.match_info["user_id"]))
    if member is None:
        raise fail(404, 10013, "Unknown User")
    return json_reply(member.user.to_json())


async def _application(request: web.Request) -> web.Response:
    sim = sim_of(request)
    owner = next(iter(sim.users.values()), None)
    owner_json = owner.user.to_json() if owner and not owner.user.bot else sim.bot_user.to_json()
    for member in sim.users.values():
        if not member.user.bot:
            owner_json = member.user.to_json()
            break
    return json_reply({
        "id": str(sim.application_id), "name": "studybot", "icon": None, "description": "studybot (local)",
        "bot_public": True, "bot_require_code_grant": False, "owner": owner_json, "verify_key": "0" * 64,
        "team": None, "flags": 0, "summary": "", "rpc_origins": [], "bot": sim.bot_user.to_json(),
    })


# -- commands -------------------------------------------------------------------------------
async def _put_commands(request: web.Request) -> web.Response:
    sim = sim_of(request)
    raw, _ = await read_body(request)
    body = cast(list[dict[str, Any]], raw)  # this route's body is an array of commands, checked below
    # interactions/application-commands.mdx, "Bulk Overwrite Global/Guild Application Commands".
    errors, over = validate_overwrite(body)
    if errors:
        raise Rejected(400, form_error(errors))
    if over is not None:
        raise fail(400, 30032, f"Maximum number of application commands reached ({over})")
    guild_id = request.match_info.get("guild_id")
    if guild_id:
        _commands_guild(sim, guild_id)
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
    command_permissions.forget_commands(sim, int(guild_id) if guild_id else None, {int(c["id"]) for c in stored})
    sim.command_syncs += 1
    return json_reply(stored)


async def _get_commands(request: web.Request) -> web.Response:
    sim = sim_of(request)
    guild_id = request.match_info.get("guild_id")
    if guild_id:
        _commands_guild(sim, guild_id)
    return json_reply(sim.guild_commands.get(int(guild_id), []) if guild_id else sim.global_commands)


def _commands_guild(sim: LocalDiscord, guild_id: str) -> None:
    """A server's commands are the application's only where it is installed: elsewhere (never added, removed
    since, or an id of no server) Discord answers 403 Missing Access."""
    guild = sim.guilds.get(int(guild_id)) if guild_id.isdecimal() else None
    if guild is None or not guild.bot_present:
        raise fail(403, 50001, "Missing Access")


# -- DMs and guilds -------------------------------------------------------------------------
async def _open_dm(request: web.Request) -> web.Response:
    sim = sim_of(request)
    body, _ = await read_body(request)
    recipient = str(body.get("recipient_id", ""))
    if not recipient.isdigit():  # resources/user.mdx, "Create DM": recipient_id is a required snowflake
        code = "BASE_TYPE_REQUIRED" if not recipient else "NUMBER_TYPE_COERCE"
        raise Rejected(400, form_error({"recipient_id": {"_errors": [
            {"code": code, "message": "This field is required" if not recipient else "Value is not snowflake."}]}}))
    user_id = int(recipient)
    if user_id not in sim.users:
        raise fail(400, 50033, "Invalid Recipient(s)")
    channel = sim.dm_channels.get(user_id)
    if channel is None:
        channel = SimChannel(sim.snowflakes.next(), "", 1, None, recipient=sim.users[user_id].user)
        sim.dm_channels[user_id] = channel
    return json_reply(channel.to_json())


async def _leave_guild(request: web.Request) -> web.Response:
    sim = sim_of(request)
    guild = sim.guilds.get(int(request.match_info["guild_id"]))
    if guild is None:
        raise fail(404, 10004, "Unknown Guild")
    sim.remove_bot_from_guild(guild)
    return web.Response(status=204)


def _guild(sim: LocalDiscord, guild_id: str) -> Any:
    guild = sim.guilds.get(int(guild_id))
    if guild is None or not guild.bot_present:
        raise fail(404, 10004, "Unknown Guild")
    return guild


async def _get_guild(request: web.Request) -> web.Response:
    return json_reply(_guild(sim_of(request), request.match_info["guild_id"]).to_json())


async def _get_member(request: web.Request) -> web.Response:
    guild = _guild(sim_of(request), request.match_info["guild_id"])
    member = guild.members.get(int(request.match_info["user_id"]))
    if member is None:
        raise fail(404, 10007, "Unknown Member")
    return json_reply(member.to_json())


async def _get_roles(request: web.Request) -> web.Response:
    guild = _guild(sim_of(request), request.match_info["guild_id"])
    return json_reply([role.to_json() for role in guild.roles.values()])


async def _get_channels(request: web.Request) -> web.Response:
    guild = _guild(sim_of(request), request.match_info["guild_id"])
    return json_reply([channel.to_json() for channel in guild.channels.values()])
