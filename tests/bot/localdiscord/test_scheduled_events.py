"""Conformance of the local Discord's scheduled-event and channel routes with the Discord API docs.

Each limit has two rows: one request at the limit (accepted) and one just past it (refused
with Discord's error), sent raw so the client library's own checks do not hide the server's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import discord
import pytest
from discord.http import Route

from bot.localdiscord import BotHarness, SimGuild

EVENTS = "/guilds/{guild_id}/scheduled-events"


def when(harness: BotHarness, hours: float) -> str:
    return (harness.clock.now() + timedelta(hours=hours)).isoformat()


def external(harness: BotHarness, **changes: Any) -> dict[str, Any]:
    body = {"name": "Mock interview", "privacy_level": 2, "entity_type": 3,
            "scheduled_start_time": when(harness, 2), "scheduled_end_time": when(harness, 3),
            "entity_metadata": {"location": "https://discord.com/channels/1/2"}}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


async def request(harness: BotHarness, method: str, path: str, body: Any = None, **ids: Any) -> Any:
    assert harness.bot is not None
    return await harness.bot.http.request(Route(method, path, **ids), json=body)


async def create(harness: BotHarness, body: dict[str, Any]) -> Any:
    return await request(harness, "POST", EVENTS, body, guild_id=harness.guild.id)


async def refused(harness: BotHarness, code: int, method: str, path: str, body: Any = None, **ids: Any) -> Any:
    with harness.sim.expect_errors(code) as seen, pytest.raises(discord.HTTPException):
        await request(harness, method, path, body, **ids)
    return seen[0].body


LIMIT_ROWS = [
    ("name", {"name": "n" * 100}, {"name": "n" * 101}),
    ("description", {"description": "d" * 1000}, {"description": "d" * 1001}),
    ("entity_metadata", {"entity_metadata": {"location": "l" * 100}}, {"entity_metadata": {"location": "l" * 101}}),
]


@pytest.mark.parametrize(("field", "at_limit", "past_limit"), LIMIT_ROWS)
async def test_event_field_limits(harness: BotHarness, field: str, at_limit: dict, past_limit: dict) -> None:
    created = await create(harness, external(harness, **at_limit))
    assert created["status"] == 1
    body = await refused(harness, 50035, "POST", EVENTS, external(harness, **past_limit), guild_id=harness.guild.id)
    assert field in body["errors"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"scheduled_end_time": ...}, "scheduled_end_time"),  # EXTERNAL needs an end
    ({"entity_metadata": ...}, "entity_metadata"),  # ...and a location
    ({"privacy_level": 1}, "privacy_level"),  # GUILD_ONLY (2) is the only level
    ({"entity_type": 2}, "channel_id"),  # VOICE needs a voice channel
    ({"entity_type": 5}, "entity_type"),
    ({"scheduled_start_time": "yesterday"}, "scheduled_start_time"),
    ({"name": ...}, "name"),
])
async def test_required_fields_by_entity_type(harness: BotHarness, changes: dict, field: str) -> None:
    body = await refused(harness, 50035, "POST", EVENTS, external(harness, **changes), guild_id=harness.guild.id)
    assert field in body["errors"]
    assert harness.guild.scheduled_events == {}


async def test_start_in_the_past_and_end_before_start_are_refused(harness: BotHarness) -> None:
    past = await refused(harness, 50035, "POST", EVENTS, external(harness, scheduled_start_time=when(harness, -1)),
                         guild_id=harness.guild.id)
    assert past["errors"]["scheduled_start_time"]["_errors"][0]["code"] == "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST"
    backwards = external(harness, scheduled_end_time=when(harness, 1))
    assert "scheduled_end_time" in (await refused(harness, 50035, "POST", EVENTS, backwards,
                                                  guild_id=harness.guild.id))["errors"]


async def test_at_most_100_unfinished_events(harness: BotHarness) -> None:
    for _ in range(100):
        await create(harness, external(harness))
    body = await refused(harness, 30038, "POST", EVENTS, external(harness), guild_id=harness.guild.id)
    assert body["message"].startswith("Maximum number of uncompleted guild scheduled events")
    first = next(iter(harness.guild.scheduled_events))
    await request(harness, "PATCH", EVENTS + "/{event_id}", {"status": 4}, guild_id=harness.guild.id,
                  event_id=first)  # a cancelled one no longer counts
    await create(harness, external(harness))


async def test_statuses_follow_the_documented_transitions_and_automation(harness: BotHarness) -> None:
    event = await create(harness, external(harness))
    path = EVENTS + "/{event_id}"
    bad = await refused(harness, 50035, "PATCH", path, {"status": 3}, guild_id=harness.guild.id,
                        event_id=event["id"])  # SCHEDULED -> COMPLETED is not a transition
    assert "status" in bad["errors"]
    await harness.advance(hours=2)  # an external event starts itself at its start time...
    got = await request(harness, "GET", path, guild_id=harness.guild.id, event_id=event["id"])
    assert got["status"] == 2
    await harness.advance(hours=1)  # ...and ends itself at its end
    got = await request(harness, "GET", path, guild_id=harness.guild.id, event_id=event["id"])
    assert got["status"] == 3
    finished = await refused(harness, 180000, "PATCH", path, {"name": "again"}, guild_id=harness.guild.id,
                             event_id=event["id"])
    assert finished["message"] == "Cannot update a finished event"
    voice = harness.guild.create_voice_channel("Room")
    unstarted = await create(harness, external(harness, entity_type=2, channel_id=str(voice.id),
                                               scheduled_end_time=..., entity_metadata=...))
    await harness.advance(hours=5)  # a voice event nobody started is cancelled hours after its start
    got = await request(harness, "GET", path, guild_id=harness.guild.id, event_id=unstarted["id"])
    assert got["status"] == 4



async def test_the_bot_hears_of_each_automatic_status_change_when_it_happens(harness: BotHarness) -> None:
    """"Status Update Automation" changes an event on Discord's side, and events/gateway-events.mdx, "Guild
    Scheduled Event Update", is sent then: the bot's cache follows without asking about the event again."""
    assert harness.bot is not None
    made = await create(harness, external(harness))
    voice = harness.guild.create_voice_channel("Room")
    unstarted = await create(harness, external(harness, entity_type=2, channel_id=str(voice.id),
                                               scheduled_end_time=..., entity_metadata=...))
    guild = harness.bot.get_guild(harness.guild.id)
    assert guild is not None

    def status(event: dict[str, Any]) -> discord.EventStatus:
        cached = guild.get_scheduled_event(int(event["id"]))
        assert cached is not None
        return cached.status

    asked = len(harness.sim.requests)
    await harness.advance(hours=2)
    assert status(made) is discord.EventStatus.active and status(unstarted) is discord.EventStatus.scheduled
    await harness.advance(hours=4)  # the external event ended; the voice event nobody started is cancelled
    assert status(made) is discord.EventStatus.completed and status(unstarted) is discord.EventStatus.cancelled
    assert not [path for _, path in harness.sim.requests[asked:] if "scheduled-events" in path]

async def test_permissions_for_events(harness: BotHarness) -> None:
    guild: SimGuild = harness.guild
    voice = guild.create_voice_channel("Room")
    voice.deny(guild.bot_role.id, "connect")
    voice_body = external(harness, entity_type=2, channel_id=str(voice.id), scheduled_end_time=...,
                          entity_metadata=...)
    await refused(harness, 50013, "POST", EVENTS, voice_body, guild_id=guild.id)  # VOICE needs Connect there
    voice.clear_overwrite(guild.bot_role.id)
    made = await create(harness, voice_body)
    guild.revoke(guild.bot_role, "create_events")
    await refused(harness, 50013, "POST", EVENTS, external(harness), guild_id=guild.id)
    await refused(harness, 50013, "DELETE", EVENTS + "/{event_id}", guild_id=guild.id, event_id=made["id"])
    guild.grant(guild.bot_role, "manage_events")  # Manage Events may change events of anyone
    await request(harness, "DELETE", EVENTS + "/{event_id}", guild_id=guild.id, event_id=made["id"])
    await refused(harness, 10070, "DELETE", EVENTS + "/{event_id}", guild_id=guild.id, event_id=made["id"])


# -- channels ------------------------------------------------------------------------------------
CHANNELS = "/guilds/{guild_id}/channels"


@pytest.mark.parametrize(("field", "at_limit", "past_limit"), [
    ("name", {"name": "r" * 100}, {"name": "r" * 101}),
    ("user_limit", {"user_limit": 99}, {"user_limit": 100}),
    ("bitrate", {"bitrate": 96000}, {"bitrate": 96001}),
    ("bitrate", {"bitrate": 8000}, {"bitrate": 7999}),
])
async def test_voice_channel_limits(harness: BotHarness, field: str, at_limit: dict, past_limit: dict) -> None:
    harness.guild.grant(harness.guild.bot_role, "manage_channels")
    made = await request(harness, "POST", CHANNELS, {"name": "room", "type": 2, **at_limit}, guild_id=harness.guild.id)
    assert made["type"] == 2
    body = await refused(harness, 50035, "POST", CHANNELS, {"name": "room", "type": 2, **past_limit},
                         guild_id=harness.guild.id)
    assert field in body["errors"]


async def test_at_most_500_channels(harness: BotHarness) -> None:
    guild = harness.guild
    guild.grant(guild.bot_role, "manage_channels")
    while len(guild.channels) < 499:
        guild.create_text_channel(f"c{len(guild.channels)}")
    await request(harness, "POST", CHANNELS, {"name": "room", "type": 2}, guild_id=guild.id)
    await refused(harness, 30013, "POST", CHANNELS, {"name": "one-more", "type": 2}, guild_id=guild.id)


async def test_creating_and_deleting_channels_needs_manage_channels(harness: BotHarness) -> None:
    guild = harness.guild
    await refused(harness, 50013, "POST", CHANNELS, {"name": "room", "type": 2}, guild_id=guild.id)
    guild.grant(guild.bot_role, "manage_channels")
    everyone_hidden = {"id": str(guild.id), "type": 0, "deny": str(1 << 10), "allow": "0"}
    bot_sees = {"id": str(guild.bot_role.id), "type": 0, "allow": str(1 << 10), "deny": None}
    room = await request(harness, "POST", CHANNELS, {"name": "room", "type": 2,
                                                      "permission_overwrites": [everyone_hidden, bot_sees]},
                         guild_id=guild.id)
    await harness.settle()
    assert harness.bot is not None and isinstance(harness.bot.get_channel(int(room["id"])), discord.VoiceChannel)
    sneaky = {"id": str(guild.id), "type": 0, "allow": str(1 << 3), "deny": "0"}  # Administrator: the bot lacks it
    await refused(harness, 50013, "POST", CHANNELS, {"name": "x", "type": 2, "permission_overwrites": [sneaky]},
                  guild_id=guild.id)
    await refused(harness, 50035, "POST", CHANNELS, {"name": "stage", "type": 13}, guild_id=guild.id)
    guild.revoke(guild.bot_role, "manage_channels")
    await refused(harness, 50013, "DELETE", "/channels/{channel_id}", channel_id=room["id"])
    guild.grant(guild.bot_role, "manage_channels")
    await request(harness, "DELETE", "/channels/{channel_id}", channel_id=room["id"])
    await harness.settle()
    assert harness.bot.get_channel(int(room["id"])) is None
    await refused(harness, 10003, "DELETE", "/channels/{channel_id}", channel_id=room["id"])
