"""Guild scheduled events, as the Discord API documents them (resources/guild-scheduled-event).

Each rule names the section of the documentation it comes from. Statuses follow the
documented automation on the simulator's clock: an external event becomes ACTIVE at
its start and COMPLETED at its end, and an event that never started is CANCELED a
few hours after its start (documented as "on the order of hours"; three here). The changes are made as
the clock passes (before every request, and whenever the harness settles), each sent to the bot with
GUILD_SCHEDULED_EVENT_UPDATE then, as Discord does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.localdiscord.formbody import form_error
from bot.localdiscord.restkit import Rejected, fail, json_reply, read_body, sim_of
from bot.localdiscord.state import PERMISSIONS, SimGuild, iso

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

STAGE_INSTANCE, VOICE, EXTERNAL = 1, 2, 3  # "Guild Scheduled Event Entity Types"
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4  # "Guild Scheduled Event Status"
GUILD_ONLY = 2  # "Guild Scheduled Event Privacy Level": the only level
# "Valid Guild Scheduled Event Status Transitions"
TRANSITIONS = {SCHEDULED: {ACTIVE, CANCELED}, ACTIVE: {COMPLETED}}
MAX_UNFINISHED = 100  # "Create Guild Scheduled Event": at most 100 SCHEDULED or ACTIVE events (error 30038)
NAME_LIMIT, DESCRIPTION_LIMIT, LOCATION_LIMIT = 100, 1000, 100  # "Guild Scheduled Event Structure", "Entity Metadata"
UNSTARTED_CANCEL_AFTER = timedelta(hours=3)  # "Status Update Automation": cancelled "after a few hours"


def _put(errors: dict[str, Any], field: str, code: str, message: str) -> None:
    node = errors
    for key in field.split("."):
        node = node.setdefault(key, {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def _length(errors: dict[str, Any], field: str, value: Any, low: int, high: int) -> None:
    if not isinstance(value, str) or not low <= len(value) <= high:
        _put(errors, field, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")


def _time(errors: dict[str, Any], field: str, value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        _put(errors, field, "DATE_TIME_TYPE_PARSE", "Could not parse the timestamp (ISO8601 with an offset).")
        return None
    return moment


def _guild(sim: LocalDiscord, guild_id: str) -> SimGuild:
    guild = sim.guilds.get(int(guild_id))
    if guild is None or not guild.bot_present:
        raise fail(404, 10004, "Unknown Guild")
    return guild


def _event(guild: SimGuild, event_id: str) -> dict[str, Any]:
    event = guild.scheduled_events.get(int(event_id))
    if event is None:
        raise fail(404, 10070, "Unknown Guild Scheduled Event")
    return event


def apply_automation(sim: LocalDiscord, guild: SimGuild) -> None:
    """"Guild Scheduled Event Status Update Automation", on the simulator's clock."""
    now = sim.clock.now()
    for event in guild.scheduled_events.values():
        start = datetime.fromisoformat(event["scheduled_start_time"])
        end = datetime.fromisoformat(event["scheduled_end_time"]) if event.get("scheduled_end_time") else None
        status = event["status"]
        if event["entity_type"] == EXTERNAL and status == SCHEDULED and start <= now:
            status = ACTIVE
        if event["entity_type"] == EXTERNAL and status == ACTIVE and end is not None and end <= now:
            status = COMPLETED
        if status == SCHEDULED and now >= start + UNSTARTED_CANCEL_AFTER:
            status = CANCELED
        if status != event["status"]:
            event["status"] = status
            sim.dispatch_if_connected("GUILD_SCHEDULED_EVENT_UPDATE", event)


def _require(sim: LocalDiscord, guild: SimGuild, entity_type: int, channel_id: Any, *, creating: bool,
             creator_id: int | None = None) -> None:
    """"Guild Scheduled Event Permissions Requirements" for the bot."""
    bot = sim.bot_user.id
    if entity_type == EXTERNAL:
        have = guild.base_permissions(bot)  # "The user's guild-level permissions must include"
    else:
        channel = guild.channels.get(int(channel_id)) if channel_id else None
        if channel is None:
            raise fail(404, 10003, "Unknown Channel")
        have = guild.permissions_in(bot, channel)  # "computed permissions ... in the channel_id"
        needed = ["view_channel", "connect"] if entity_type == VOICE else [
            "manage_channels", "mute_members", "move_members"]
        if any(not have & PERMISSIONS.get(name, 0) for name in needed):
            raise fail(403, 50013, "Missing Permissions")
    if creating:
        ok = bool(have & PERMISSIONS["create_events"])
    elif creator_id == bot:  # "If the event was created by the current user, either CREATE_EVENTS or MANAGE_EVENTS"
        ok = bool(have & (PERMISSIONS["create_events"] | PERMISSIONS["manage_events"]))
    else:
        ok = bool(have & PERMISSIONS["manage_events"])
    if not ok:
        raise fail(403, 50013, "Missing Permissions")


def _check_entity(guild: SimGuild, event: dict[str, Any], errors: dict[str, Any]) -> None:
    """"Field Requirements By Entity Type" on the merged event."""
    kind = event.get("entity_type")
    if kind not in (STAGE_INSTANCE, VOICE, EXTERNAL):
        _put(errors, "entity_type", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
        return
    if kind == EXTERNAL:
        if event.get("channel_id") is not None:
            _put(errors, "channel_id", "GUILD_SCHEDULED_EVENT_CHANNEL_NOT_ALLOWED",
                 "An external event cannot have a channel.")
        location = (event.get("entity_metadata") or {}).get("location")
        if location is None:
            _put(errors, "entity_metadata.location", "BASE_TYPE_REQUIRED", "This field is required")
        else:
            _length(errors, "entity_metadata.location", location, 1, LOCATION_LIMIT)
        if not event.get("scheduled_end_time"):
            _put(errors, "scheduled_end_time", "BASE_TYPE_REQUIRED", "This field is required")
        return
    if event.get("channel_id") is None:
        _put(errors, "channel_id", "BASE_TYPE_REQUIRED", "This field is required")
        return
    channel = guild.channels.get(int(event["channel_id"]))
    wanted = 2 if kind == VOICE else 13
    if channel is None or channel.type != wanted:
        _put(errors, "channel_id", "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL",
             f"The channel must be a {'voice' if kind == VOICE else 'stage'} channel of this guild.")


def _check_fields(sim: LocalDiscord, event: dict[str, Any], errors: dict[str, Any], changed: set[str]) -> None:
    if "name" in changed:
        _length(errors, "name", event.get("name"), 1, NAME_LIMIT)
    if "description" in changed and event.get("description") is not None:
        _length(errors, "description", event["description"], 1, DESCRIPTION_LIMIT)
    if "privacy_level" in changed and event.get("privacy_level") != GUILD_ONLY:
        _put(errors, "privacy_level", "BASE_TYPE_CHOICES", "Value must be one of {2}.")
    start = _time(errors, "scheduled_start_time", event.get("scheduled_start_time"))
    if start is not None and "scheduled_start_time" in changed and start <= sim.clock.now():
        _put(errors, "scheduled_start_time", "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
             "Cannot schedule event in the past.")
    if event.get("scheduled_end_time"):
        end = _time(errors, "scheduled_end_time", event["scheduled_end_time"])
        if start is not None and end is not None and end <= start:
            _put(errors, "scheduled_end_time", "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                 "The end must be after the start.")


def _normalise_times(event: dict[str, Any]) -> None:
    for key in ("scheduled_start_time", "scheduled_end_time"):
        if event.get(key):
            event[key] = iso(datetime.fromisoformat(str(event[key]).replace("Z", "+00:00")))


async def list_events(request: web.Request) -> web.Response:
    """"List Scheduled Events for Guild"."""
    sim = sim_of(request)
    guild = _guild(sim, request.match_info["guild_id"])
    apply_automation(sim, guild)
    return json_reply(list(guild.scheduled_events.values()))


async def get_event(request: web.Request) -> web.Response:
    """"Get Guild Scheduled Event"."""
    sim = sim_of(request)
    guild = _guild(sim, request.match_info["guild_id"])
    apply_automation(sim, guild)
    return json_reply(_event(guild, request.match_info["event_id"]))


async def create_event(request: web.Request) -> web.Response:
    """"Create Guild Scheduled Event"."""
    sim = sim_of(request)
    guild = _guild(sim, request.match_info["guild_id"])
    apply_automation(sim, guild)
    body, _ = await read_body(request)
    errors: dict[str, Any] = {}
    for field in ("name", "privacy_level", "scheduled_start_time", "entity_type"):  # the required JSON params
        if field not in body:
            _put(errors, field, "BASE_TYPE_REQUIRED", "This field is required")
    if errors:
        raise Rejected(400, form_error(errors))
    event: dict[str, Any] = {
        "id": str(sim.snowflakes.next()), "guild_id": str(guild.id), "channel_id": body.get("channel_id"),
        "creator_id": str(sim.bot_user.id), "creator": sim.bot_user.to_json(), "name": body["name"],
        "description": body.get("description"), "scheduled_start_time": body["scheduled_start_time"],
        "scheduled_end_time": body.get("scheduled_end_time"), "privacy_level": body["privacy_level"],
        "status": SCHEDULED, "entity_type": body["entity_type"], "entity_id": None,
        "entity_metadata": body.get("entity_metadata") if body.get("entity_type") == EXTERNAL else None,
        "user_count": 0, "image": None, "recurrence_rule": body.get("recurrence_rule"),
    }
    _check_fields(sim, event, errors, set(body))
    _check_entity(guild, event, errors)
    if errors:
        raise Rejected(400, form_error(errors))
    _require(sim, guild, event["entity_type"], event["channel_id"], creating=True)
    unfinished = sum(e["status"] in (SCHEDULED, ACTIVE) for e in guild.scheduled_events.values())
    if unfinished >= MAX_UNFINISHED:
        raise fail(400, 30038, "Maximum number of uncompleted guild scheduled events reached (100)")
    if event["channel_id"] is not None:
        event["channel_id"] = str(event["channel_id"])
    _normalise_times(event)
    guild.scheduled_events[int(event["id"])] = event
    sim.event_guild_ids.add(guild.id)
    sim.dispatch_if_connected("GUILD_SCHEDULED_EVENT_CREATE", event)
    return json_reply(event)


async def modify_event(request: web.Request) -> web.Response:
    """"Modify Guild Scheduled Event": all fields optional; finished events cannot change."""
    sim = sim_of(request)
    guild = _guild(sim, request.match_info["guild_id"])
    apply_automation(sim, guild)
    event = _event(guild, request.match_info["event_id"])
    body, _ = await read_body(request)
    _require(sim, guild, event["entity_type"], event.get("channel_id"), creating=False,
             creator_id=int(event["creator_id"]) if event.get("creator_id") else None)
    if event["status"] in (COMPLETED, CANCELED):  # "the status can no longer be updated"
        raise fail(400, 180000, "Cannot update a finished event")
    merged = {**event, **body}
    if merged.get("entity_type") != EXTERNAL:
        merged["entity_metadata"] = None  # "silently discards entity_metadata for non-EXTERNAL events"
    errors: dict[str, Any] = {}
    if "status" in body and body["status"] != event["status"] and body["status"] not in TRANSITIONS.get(
            event["status"], set()):
        _put(errors, "status", "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
             "That status change is not allowed.")
    _check_fields(sim, merged, errors, set(body) & {"name", "description", "privacy_level", "scheduled_start_time"})
    _check_entity(guild, merged, errors)
    if errors:
        raise Rejected(400, form_error(errors))
    if {"channel_id", "entity_type"} & set(body):  # "Permissions Requirements": the event's channel is now this one
        _require(sim, guild, merged["entity_type"], merged.get("channel_id"), creating=False,
                 creator_id=int(event["creator_id"]) if event.get("creator_id") else None)
    if merged.get("channel_id") is not None:
        merged["channel_id"] = str(merged["channel_id"])
    _normalise_times(merged)
    event.clear()
    event.update(merged)
    sim.dispatch_if_connected("GUILD_SCHEDULED_EVENT_UPDATE", event)
    return json_reply(event)


async def delete_event(request: web.Request) -> web.Response:
    """"Delete Guild Scheduled Event": 204, and the gateway hears of it."""
    sim = sim_of(request)
    guild = _guild(sim, request.match_info["guild_id"])
    event = _event(guild, request.match_info["event_id"])
    _require(sim, guild, event["entity_type"], event.get("channel_id"), creating=False,
             creator_id=int(event["creator_id"]) if event.get("creator_id") else None)
    del guild.scheduled_events[int(event["id"])]
    sim.dispatch_if_connected("GUILD_SCHEDULED_EVENT_DELETE", event)
    return web.Response(status=204)


def add_routes(router: web.UrlDispatcher, api: str) -> None:
    base = api + "/guilds/{guild_id}/scheduled-events"
    router.add_get(base, list_events)
    router.add_post(base, create_event)
    router.add_get(base + "/{event_id:\\d+}", get_event)
    router.add_patch(base + "/{event_id:\\d+}", modify_event)
    router.add_delete(base + "/{event_id:\\d+}", delete_event)
