"""Creating and deleting guild channels, as the Discord API documents them.

"Create Guild Channel" (resources/guild) and "Delete/Close Channel" (resources/channel).
Text (0) and voice (2) channels are supported; any other type is refused rather than
half-simulated.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.localdiscord.formbody import form_error
from bot.localdiscord.restkit import Rejected, fail, json_reply, read_body, sim_of
from bot.localdiscord.state import PERMISSIONS, SimChannel, SimGuild

TEXT, VOICE = 0, 2
SUPPORTED_TYPES = (TEXT, VOICE)
MAX_CHANNELS = 500  # error 30013 "Maximum number of guild channels reached (500)"
NAME_LIMIT = 100  # "channel name (1-100 characters)"
USER_LIMIT_MAX = 99  # "max 99 for voice channels" (Modify Channel; 0 means no limit)
BITRATE_MIN, BITRATE_MAX = 8000, 96000  # "min 8000"; "normal servers can set bitrate up to 96000"


def _put(errors: dict[str, Any], field: str, code: str, message: str) -> None:
    errors.setdefault(field, {}).setdefault("_errors", []).append({"code": code, "message": message})


def _guild(request: web.Request) -> SimGuild:
    sim = sim_of(request)
    guild = sim.guilds.get(int(request.match_info["guild_id"]))
    if guild is None or not guild.bot_present:
        raise fail(404, 10004, "Unknown Guild")
    return guild


def _validate(body: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= NAME_LIMIT:
        _put(errors, "name", "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {NAME_LIMIT} in length.")
    kind = body.get("type", TEXT)
    if kind not in SUPPORTED_TYPES:
        _put(errors, "type", "BASE_TYPE_CHOICES", "The local Discord creates text (0) and voice (2) channels only.")
    if kind == VOICE:
        limit = body.get("user_limit")
        if limit is not None and not (isinstance(limit, int) and 0 <= limit <= USER_LIMIT_MAX):
            _put(errors, "user_limit", "NUMBER_TYPE_MAX", f"Must be between 0 and {USER_LIMIT_MAX}.")
        bitrate = body.get("bitrate")
        if bitrate is not None and not (isinstance(bitrate, int) and BITRATE_MIN <= bitrate <= BITRATE_MAX):
            _put(errors, "bitrate", "NUMBER_TYPE_MAX", f"Must be between {BITRATE_MIN} and {BITRATE_MAX}.")
    return errors


async def create_channel(request: web.Request) -> web.Response:
    """"Create Guild Channel": needs MANAGE_CHANNELS; overwrites may only use permissions the bot has."""
    sim = sim_of(request)
    guild = _guild(request)
    body, _ = await read_body(request)
    errors = _validate(body)
    if errors:
        raise Rejected(400, form_error(errors))
    have = guild.base_permissions(sim.bot_user.id)
    if not have & PERMISSIONS["manage_channels"]:
        raise fail(403, 50013, "Missing Permissions")
    overwrites: dict[int, tuple[int, int]] = {}
    for overwrite in body.get("permission_overwrites") or []:
        allow, deny = int(overwrite.get("allow") or 0), int(overwrite.get("deny") or 0)
        # "only permissions your bot has in the guild can be allowed/denied";
        # "Setting MANAGE_ROLES permission in channels is only possible for guild administrators".
        admin = bool(have & PERMISSIONS["administrator"]) or have == (1 << 50) - 1
        if not admin and ((allow | deny) & ~have or (allow | deny) & PERMISSIONS["manage_roles"]):
            raise fail(403, 50013, "Missing Permissions")
        overwrites[int(overwrite["id"])] = (allow, deny)
    if len(guild.channels) >= MAX_CHANNELS:
        raise fail(400, 30013, "Maximum number of guild channels reached (500)")
    kind = body.get("type", TEXT)
    voice = {"bitrate": body.get("bitrate") or 64000, "user_limit": body.get("user_limit") or 0,
             "rtc_region": body.get("rtc_region")} if kind == VOICE else {}
    channel = SimChannel(sim.snowflakes.next(), body["name"], kind, guild, overwrites=overwrites, voice=voice)
    guild.channels[channel.id] = channel
    sim.channels[channel.id] = channel
    sim.dispatch_if_connected("CHANNEL_CREATE", channel.to_json())
    return json_reply(channel.to_json(), status=201)


async def delete_channel(request: web.Request) -> web.Response:
    """"Delete/Close Channel": MANAGE_CHANNELS for a guild channel, MANAGE_THREADS for a thread."""
    sim = sim_of(request)
    channel = sim.channels.get(int(request.match_info["channel_id"]))
    if channel is None or channel.guild is None or not channel.guild.bot_present:
        raise fail(404, 10003, "Unknown Channel")
    guild = channel.guild
    have = guild.permissions_in(sim.bot_user.id, channel)
    if not have & PERMISSIONS["view_channel"]:
        raise fail(403, 50001, "Missing Access")
    if not have & PERMISSIONS["manage_threads" if channel.is_thread else "manage_channels"]:
        raise fail(403, 50013, "Missing Permissions")
    if channel.is_thread:
        guild.threads = [t for t in guild.threads if t.id != channel.id]
        sim.channels.pop(channel.id, None)
        sim.dispatch_if_connected("THREAD_DELETE", {"id": str(channel.id), "guild_id": str(guild.id),
                                                    "parent_id": str(channel.parent_id), "type": channel.type})
    else:
        guild.delete_channel(channel)
    return json_reply(channel.to_json())


def add_routes(router: web.UrlDispatcher, api: str) -> None:
    router.add_post(api + "/guilds/{guild_id}/channels", create_channel)
    router.add_delete(api + "/channels/{channel_id}", delete_channel)
