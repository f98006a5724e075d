"""The local Discord's gateway follows the documented protocol: one row per rule, a raw WebSocket client.

Each case sends what a client could send and checks Discord's documented answer: a close
code, an Invalid Session, or READY when the request is just inside the limit.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest

from bot.bot import StudyBot, default_intents
from bot.clock import ManualClock
from bot.content import ContentStore
from bot.core import Core
from bot.localdiscord import BotHarness, LocalDiscord, pointed_at
from bot.localdiscord.gateway_rules import PRIVILEGED_INTENTS, Intent, TimelineSeconds
from bot.localdiscord.rest_messages import dispatch_message
from bot.settings import SHIPPED_CONTENT_DIR, Settings

GUILD_INTENTS = Intent.GUILDS | Intent.GUILD_MESSAGES
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass
class Raw:
    """A hand-driven gateway client."""

    ws: aiohttp.ClientWebSocketResponse
    hello: dict[str, Any]

    async def send(self, payload: dict[str, Any]) -> None:
        await self.ws.send_str(json.dumps(payload))

    async def recv(self) -> dict[str, Any] | None:
        """The next frame, or None once the server closed the connection."""
        message = await self.ws.receive(timeout=10)
        if message.type == aiohttp.WSMsgType.TEXT:
            return json.loads(message.data)
        return None

    async def until(self, event: str) -> dict[str, Any]:
        while True:
            frame = await self.recv()
            assert frame is not None, f"closed with {self.ws.close_code} before {event}"
            if frame.get("t") == event or (event == "op9" and frame["op"] == 9):
                return frame

    async def closed_with(self) -> int | None:
        while await self.recv() is not None:
            pass
        return self.ws.close_code

    async def identify(self, sim: LocalDiscord, **fields: Any) -> None:
        await self.send({"op": 2, "d": identify_payload(sim, **fields)})


def identify_payload(sim: LocalDiscord, **fields: Any) -> dict[str, Any]:
    return {"token": sim.token, "properties": {"os": "linux", "browser": "raw", "device": "raw"},
            "intents": GUILD_INTENTS, **fields}


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def world() -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord(clock=ManualClock(START), global_rate_limit=None) as sim:
        sim.create_guild("Study Hall").create_text_channel("general")
        yield sim


Connect = Callable[..., Awaitable[Raw]]


@pytest.fixture
def connect(http: aiohttp.ClientSession) -> Connect:
    async def open_(sim: LocalDiscord, query: str = "v=10&encoding=json") -> Raw:
        ws = await http.ws_connect(f"{sim.gateway_url}?{query}")
        first = await ws.receive(timeout=10)
        return Raw(ws, json.loads(first.data) if first.type == aiohttp.WSMsgType.TEXT else {})

    return open_


# -- close codes, one row per documented condition -------------------------------------------
async def _unknown_opcode(sim: LocalDiscord, raw: Raw) -> None:
    await raw.send({"op": 5, "d": None})


async def _identify_without_intents(sim: LocalDiscord, raw: Raw) -> None:
    payload = identify_payload(sim)
    del payload["intents"]
    await raw.send({"op": 2, "d": payload})


async def _not_json(sim: LocalDiscord, raw: Raw) -> None:
    await raw.ws.send_str("{op: 1")


async def _binary_frame(sim: LocalDiscord, raw: Raw) -> None:
    await raw.ws.send_bytes(b"\x83h\x02")


async def _payload_over_4096_bytes(sim: LocalDiscord, raw: Raw) -> None:
    await raw.identify(sim, properties={"os": "x" * 4096, "browser": "raw", "device": "raw"})


async def _presence_before_identify(sim: LocalDiscord, raw: Raw) -> None:
    await raw.send({"op": 3, "d": {"since": None, "activities": [], "status": "online", "afk": False}})


async def _wrong_token(sim: LocalDiscord, raw: Raw) -> None:
    await raw.send({"op": 2, "d": identify_payload(sim, token="not-the-token")})


async def _second_identify(sim: LocalDiscord, raw: Raw) -> None:
    await raw.identify(sim)
    await raw.until("READY")
    await raw.identify(sim)


async def _second_identify_after_resume(sim: LocalDiscord, raw: Raw) -> None:
    await raw.send({"op": 6, "d": {"token": sim.token, "session_id": "0" * 32, "seq": 1}})
    await raw.until("op9")
    await raw.identify(sim)
    await raw.until("READY")
    await raw.identify(sim)


async def _121_events_in_a_minute(sim: LocalDiscord, raw: Raw) -> None:
    for _ in range(121):
        await raw.send({"op": 1, "d": None})


async def _shard_out_of_range(sim: LocalDiscord, raw: Raw) -> None:
    await raw.identify(sim, shard=[2, 2])


async def _unknown_intent_bit(sim: LocalDiscord, raw: Raw) -> None:
    await raw.identify(sim, intents=GUILD_INTENTS | 1 << 30)


async def _privileged_intent_not_enabled(sim: LocalDiscord, raw: Raw) -> None:
    await raw.identify(sim, intents=GUILD_INTENTS | Intent.GUILD_MEMBERS)


CLOSE_CASES = [
    (4001, _unknown_opcode), (4001, _identify_without_intents), (4002, _not_json), (4002, _binary_frame),
    (4002, _payload_over_4096_bytes), (4003, _presence_before_identify), (4004, _wrong_token),
    (4005, _second_identify), (4005, _second_identify_after_resume), (4008, _121_events_in_a_minute),
    (4010, _shard_out_of_range), (4013, _unknown_intent_bit), (4014, _privileged_intent_not_enabled),
]


@pytest.mark.parametrize(("code", "act"), CLOSE_CASES, ids=[f"{c}-{a.__name__.strip('_')}" for c, a in CLOSE_CASES])
async def test_close_code(world: LocalDiscord, connect: Connect, code: int, act: Any) -> None:
    raw = await connect(world)
    await act(world, raw)
    assert await raw.closed_with() == code
    assert world.gateway.close_codes == [code]


async def test_unsupported_api_version_is_closed_with_4012(world: LocalDiscord, connect: Connect) -> None:
    raw = await connect(world, "v=8&encoding=json")
    await raw.identify(world)
    assert await raw.closed_with() == 4012


async def test_a_shard_count_off_the_assigned_multiple_is_closed_with_4010(
        world: LocalDiscord, connect: Connect, http: aiohttp.ClientSession) -> None:
    world.gateway.shard_multiple = 4  # "Sharding for Large Bots": Discord assigned a multiple
    async with http.get(f"{world.api_base}/gateway/bot", headers={"Authorization": f"Bot {world.token}"}) as answer:
        assert (await answer.json())["shards"] == 4
    raw = await connect(world)
    await raw.identify(world, shard=[0, 2])
    assert await raw.closed_with() == 4010


# -- at the limit, accepted ------------------------------------------------------------------
async def test_a_payload_of_exactly_4096_bytes_is_accepted(world: LocalDiscord, connect: Connect) -> None:
    raw = await connect(world)
    payload = {"op": 2, "d": identify_payload(world, properties={"os": "", "browser": "raw", "device": "raw"})}
    padding = 4096 - len(json.dumps(payload))
    payload["d"]["properties"]["os"] = "x" * padding
    assert len(json.dumps(payload).encode()) == 4096
    await raw.send(payload)
    assert (await raw.until("READY"))["d"]["session_id"]


async def test_120_events_in_a_minute_are_accepted(world: LocalDiscord, connect: Connect) -> None:
    raw = await connect(world)
    for _ in range(119):
        await raw.send({"op": 1, "d": None})
    await raw.identify(world)
    assert (await raw.until("READY"))["d"]["session_id"]


async def test_privileged_intent_enabled_for_the_app_is_accepted(connect: Connect) -> None:
    async with LocalDiscord(privileged_intents=Intent.GUILD_MEMBERS) as sim:
        sim.create_guild("Members on")
        raw = await connect(sim)
        await raw.identify(sim, intents=GUILD_INTENTS | Intent.GUILD_MEMBERS)
        ready = await raw.until("READY")
        assert ready["d"]["application"]["flags"] & (1 << 15)  # GATEWAY_GUILD_MEMBERS_LIMITED


async def test_heartbeats_may_come_before_identify(world: LocalDiscord, connect: Connect) -> None:
    raw = await connect(world)
    await raw.send({"op": 1, "d": None})
    assert (await raw.recv()) == {"op": 11, "d": None, "s": None, "t": None}


# -- heartbeats ------------------------------------------------------------------------------
async def test_a_connection_that_stops_heartbeating_is_closed_and_can_resume(connect: Connect) -> None:
    async with LocalDiscord(heartbeat_interval_ms=200) as sim:
        sim.create_guild("Zombies")
        raw = await connect(sim)
        assert raw.hello["d"]["heartbeat_interval"] == 200
        await raw.identify(sim)
        ready = await raw.until("READY")
        assert await raw.closed_with() == 4009
        again = await connect(sim)
        await again.send({"op": 1, "d": None})
        await again.send({"op": 6, "d": {"token": sim.token, "session_id": ready["d"]["session_id"],
                                         "seq": ready["s"]}})
        assert (await again.until("RESUMED"))["op"] == 0


# -- RESUME ----------------------------------------------------------------------------------
@pytest.mark.parametrize("client_code", [1000, 1001])
async def test_resume_after_a_clean_close_is_refused(world: LocalDiscord, connect: Connect, client_code: int) -> None:
    raw = await connect(world)
    await raw.identify(world)
    ready = await raw.until("READY")
    await raw.ws.close(code=client_code)
    await world.next_change(1)
    again = await connect(world)
    await again.send({"op": 6, "d": {"token": world.token, "session_id": ready["d"]["session_id"], "seq": ready["s"]}})
    assert (await again.until("op9"))["d"] is False


async def test_resume_after_a_dropped_connection_replays_what_was_missed(world: LocalDiscord, connect: Connect) -> None:
    raw = await connect(world)
    await raw.identify(world)
    ready = await raw.until("READY")
    session_id = ready["d"]["session_id"]
    last = (await raw.until("GUILD_CREATE"))["s"]
    await raw.ws.close(code=4000)
    await world.next_change(1)
    world.create_guild("Created while away")
    again = await connect(world)
    await again.send({"op": 6, "d": {"token": world.token, "session_id": session_id, "seq": last}})
    missed = await again.until("GUILD_CREATE")
    assert missed["d"]["name"] == "Created while away"
    assert (await again.recv() or {}).get("t") == "RESUMED"


async def test_resume_with_a_seq_the_session_never_sent_is_closed_with_4007(
        world: LocalDiscord, connect: Connect) -> None:
    raw = await connect(world)
    await raw.identify(world)
    ready = await raw.until("READY")
    await raw.ws.close(code=4000)
    await world.next_change(1)
    again = await connect(world)
    await again.send({"op": 6, "d": {"token": world.token, "session_id": ready["d"]["session_id"], "seq": 10**6}})
    assert await again.closed_with() == 4007
    third = await connect(world)  # and the session is gone
    await third.send({"op": 6, "d": {"token": world.token, "session_id": ready["d"]["session_id"], "seq": 1}})
    assert (await third.until("op9"))["d"] is False


async def test_resume_of_an_unknown_session_is_refused(world: LocalDiscord, connect: Connect) -> None:
    raw = await connect(world)
    await raw.send({"op": 6, "d": {"token": world.token, "session_id": "0" * 32, "seq": 1}})
    assert (await raw.until("op9"))["d"] is False


# -- session starts ----------------------------------------------------------------------------
async def test_identify_beyond_max_concurrency_gets_invalid_session(world: LocalDiscord, connect: Connect) -> None:
    first = await connect(world)
    await first.identify(world, shard=[0, 2])
    await first.until("READY")
    second = await connect(world)
    await second.identify(world, shard=[1, 2])  # max_concurrency 1: every shard shares one key
    assert (await second.until("op9"))["d"] is False
    assert world.gateway.refused_identifies == 1


async def test_an_identify_the_test_clock_puts_a_minute_later_is_accepted(connect: Connect) -> None:
    clock = ManualClock(START)
    async with LocalDiscord(clock=clock) as sim:
        first = await connect(sim)
        await first.identify(sim)
        await first.until("READY")
        clock.advance(timedelta(seconds=4))  # within the 5 seconds: refused, as at once
        early = await connect(sim)
        await early.identify(sim)
        assert (await early.until("op9"))["d"] is False
        clock.advance(timedelta(minutes=1))  # a restart a minute later, on Discord too
        later = await connect(sim)
        await later.identify(sim)
        await later.until("READY")
        assert sim.gateway.refused_identifies == 1


def test_the_identify_window_counts_real_time_or_the_clock_whichever_moved_further() -> None:
    clock = ManualClock(START)
    real = [100.0]
    elapsed = TimelineSeconds(clock.now, lambda: real[0])
    real[0] += 3
    assert elapsed() == 3  # a test clock standing still: real seconds count
    real[0] += 1
    clock.advance(timedelta(seconds=2))
    assert elapsed() == 5  # each step the larger of the two, never their sum
    clock.advance(timedelta(minutes=1))
    assert elapsed() == 65
    real[0] += 4
    assert elapsed() == 69  # after a jump of the clock, real seconds count again


async def test_shards_in_different_concurrency_buckets_start_together(connect: Connect) -> None:
    async with LocalDiscord(clock=ManualClock(START), max_concurrency=2) as sim:
        for index in range(4):
            sim.create_guild(f"guild {index}")
        sessions = []
        for shard_id in (0, 1):
            raw = await connect(sim)
            await raw.identify(sim, shard=[shard_id, 2])
            sessions.append((await raw.until("READY"))["d"])
        assert [s["shard"] for s in sessions] == [[0, 2], [1, 2]]
        assert sorted(len(s["guilds"]) for s in sessions) == [2, 2]


async def test_gateway_bot_reports_the_session_start_limit(world: LocalDiscord, http: aiohttp.ClientSession,
                                                           connect: Connect) -> None:
    headers = {"Authorization": f"Bot {world.token}"}
    async with http.get(f"{world.api_base}/gateway/bot", headers=headers) as response:
        before = await response.json()
    assert before["shards"] == 1
    assert before["session_start_limit"] == {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
    raw = await connect(world)
    await raw.identify(world)
    await raw.until("READY")
    async with http.get(f"{world.api_base}/gateway/bot", headers=headers) as response:
        after = (await response.json())["session_start_limit"]
    assert after["remaining"] == 999 and after["reset_after"] == 24 * 3600 * 1000
    async with http.get(f"{world.api_base}/gateway") as response:  # no token needed
        assert await response.json() == {"url": world.gateway_url}
    async with http.get(f"{world.api_base}/gateway/bot") as response:
        assert response.status == 401


async def test_past_1000_session_starts_every_session_ends_and_the_token_is_reset(
        world: LocalDiscord, connect: Connect) -> None:
    raw = await connect(world)
    await raw.identify(world)
    await raw.until("READY")
    world.gateway.limits.used = 1000  # the other 999 starts of the day
    world.gateway.limits.last_identify.clear()
    old_token = world.token
    late = await connect(world)
    await late.send({"op": 2, "d": identify_payload(world, token=old_token)})
    assert await late.closed_with() == 4004
    assert await raw.closed_with() == 4004
    assert world.token != old_token and not world.gateway.sessions


async def test_the_daily_limit_resets_after_24_hours(world: LocalDiscord, connect: Connect) -> None:
    raw = await connect(world)
    await raw.identify(world)
    await raw.until("READY")
    assert world.gateway.limits.remaining == 999
    assert isinstance(world.clock, ManualClock)
    world.clock.advance(timedelta(days=1))
    assert world.gateway.limits.remaining == 1000


# -- shard routing and intents ----------------------------------------------------------------
async def test_each_shard_receives_only_its_guilds_events(connect: Connect) -> None:
    async with LocalDiscord(clock=ManualClock(START), max_concurrency=2) as sim:
        guilds = [sim.create_guild(f"guild {index}") for index in range(4)]
        shards = []
        for shard_id in (0, 1):
            raw = await connect(sim)
            await raw.identify(sim, shard=[shard_id, 2])
            ready = await raw.until("READY")
            shards.append((raw, {int(g["id"]) for g in ready["d"]["guilds"]}))
        assert shards[0][1] | shards[1][1] == {g.id for g in guilds} and not shards[0][1] & shards[1][1]
        target = guilds[0]
        owner = 0 if target.id in shards[0][1] else 1
        channel = target.create_text_channel("new")
        frame = await shards[owner][0].until("CHANNEL_CREATE")
        assert frame["d"]["id"] == str(channel.id)
        other = sim.gateway.session_for_shard(1 - owner)
        assert other is not None
        assert all(f'"id": "{channel.id}"' not in text for _, text in other.buffer)


async def test_a_shard_with_more_than_2500_guilds_is_refused(connect: Connect) -> None:
    async with LocalDiscord(clock=ManualClock(START)) as sim:
        for index in range(2501):
            sim.create_guild(f"guild {index}")
        too_many = await connect(sim)
        await too_many.identify(sim)
        assert await too_many.closed_with() == 4011
        sharded = await connect(sim)
        await sharded.identify(sim, shard=[0, 2])  # 1,251 guilds: at most 2,500 is fine
        expected = sum((g.id >> 22) % 2 == 0 for g in sim.guilds.values())
        assert 1250 <= expected <= 1251
        assert len((await sharded.until("READY"))["d"]["guilds"]) == expected


async def test_a_guild_in_an_outage_is_announced_unavailable_after_ready(world: LocalDiscord,
                                                                         connect: Connect) -> None:
    """gateway-events.mdx, "Guild Create": a guild READY listed that is down sends a Guild Delete marked
    unavailable (never a bare one, which means the bot was removed); the others arrive as Guild Create."""
    down = world.create_guild("Down")
    down.outage = True
    raw = await connect(world)
    await raw.identify(world)
    await raw.until("READY")
    session = world.gateway.active
    assert session is not None
    frames = [json.loads(text) for _, text in session.buffer]
    deleted = [frame["d"] for frame in frames if frame["t"] == "GUILD_DELETE"]
    created = [frame["d"]["id"] for frame in frames if frame["t"] == "GUILD_CREATE"]
    assert deleted == [{"id": str(down.id), "unavailable": True}]
    assert str(down.id) not in created and len(created) == len(world.guilds) - 1


async def test_events_a_session_did_not_ask_for_are_not_sent(world: LocalDiscord, connect: Connect) -> None:
    raw = await connect(world)
    await raw.identify(world, intents=Intent.GUILDS)
    await raw.until("READY")
    guild = next(iter(world.guilds.values()))
    guild.add_member("newcomer")  # GUILD_MEMBER_ADD needs GUILD_MEMBERS
    guild.create_text_channel("after")
    frame = await raw.until("CHANNEL_CREATE")
    assert frame["d"]["name"] == "after"
    session = world.gateway.active
    assert session is not None and not any("GUILD_MEMBER_ADD" in text for _, text in session.buffer)


# -- the bot itself --------------------------------------------------------------------------
async def test_the_bot_identifies_without_any_privileged_intent(harness: BotHarness) -> None:
    session = harness.sim.gateway.active
    assert session is not None and session.intents
    assert session.intents & PRIVILEGED_INTENTS == 0
    assert session.intents & Intent.GUILDS  # guilds, channels and roles still arrive


async def test_asking_for_a_privileged_intent_is_closed_with_4014(sim: LocalDiscord, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, discord_token=sim.token, database_path=tmp_path / "db.sqlite3",
                        backup_dir=tmp_path / "backups")
    core = Core.build(settings, ContentStore.load(SHIPPED_CONTENT_DIR), clock=ManualClock(START),
                      manual_scheduler=True)
    intents = default_intents()
    intents.members = True
    with pointed_at(sim):
        bot = StudyBot(core, intents=intents, guild_ready_timeout=0.01)
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with bot:
                await bot.start(sim.token)
    assert sim.gateway.close_codes == [4014]
    assert not sim.gateway.sessions


async def test_without_message_content_a_members_message_arrives_empty(connect: Connect) -> None:
    async with LocalDiscord(clock=ManualClock(START), privileged_intents=Intent.MESSAGE_CONTENT, max_concurrency=2) as sim:
        guild = sim.create_guild("Study Hall")
        channel = guild.create_text_channel("general")
        member = guild.add_member("alice")
        plain, reading = await connect(sim), await connect(sim)
        await plain.identify(sim, shard=[0, 1])
        await plain.until("READY")
        sim.gateway.limits.last_identify.clear()  # a second application process, later
        await reading.identify(sim, intents=GUILD_INTENTS | Intent.MESSAGE_CONTENT)
        await reading.until("READY")
        for text in ("my answer is 42", f"<@{sim.bot_user.id}> help"):
            dispatch_message(sim, "MESSAGE_CREATE", sim.new_message(channel, member.user, {"content": text}))
        own = sim.new_message(channel, sim.bot_user, {"content": "Day 1"})
        dispatch_message(sim, "MESSAGE_CREATE", own)
        seen_plain = [(await plain.until("MESSAGE_CREATE"))["d"]["content"] for _ in range(3)]
        seen_reading = [(await reading.until("MESSAGE_CREATE"))["d"]["content"] for _ in range(3)]
        assert seen_plain == ["", f"<@{sim.bot_user.id}> help", "Day 1"]  # mentions and its own messages kept
        assert seen_reading == ["my answer is 42", f"<@{sim.bot_user.id}> help", "Day 1"]
