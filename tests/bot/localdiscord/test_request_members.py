"""Request Guild Members (op 8) on the local Discord, one row per documented rule, with a raw client.

Rows at a limit are answered with Guild Members Chunk events; rows past it get what clients report
of Discord: no answer (a later request on the same connection is answered first), a Rate Limited
event, or a close with 4001 for a payload of the wrong shape.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.localdiscord import LocalDiscord, SimGuild, SimMember
from bot.localdiscord.gateway_members import ALL_MEMBERS_INTERVAL
from bot.localdiscord.gateway_rules import Intent
from tests.bot.localdiscord.test_gateway_protocol import GUILD_INTENTS, START, Connect, Raw, connect, http

__all__ = ["connect", "http"]  # fixtures


@pytest.fixture
async def sim() -> AsyncIterator[LocalDiscord]:
    """The app has both privileged intents turned on, so a session may ask for them or not."""
    async with LocalDiscord(clock=ManualClock(START), global_rate_limit=None,
                            privileged_intents=Intent.GUILD_MEMBERS | Intent.GUILD_PRESENCES) as local:
        guild = local.create_guild("Study Hall")
        guild.create_text_channel("general")
        for name in ("alice", "bob", "carol"):
            guild.add_member(name)
        yield local


@pytest.fixture
def guild(sim: LocalDiscord) -> SimGuild:
    return next(iter(sim.guilds.values()))


def member(guild: SimGuild, name: str) -> SimMember:
    return next(m for m in guild.members.values() if m.user.name == name)


async def session(sim: LocalDiscord, connect: Connect, intents: int = GUILD_INTENTS) -> Raw:
    raw = await connect(sim)
    await raw.identify(sim, intents=intents)
    await raw.until("READY")
    return raw


async def ask(raw: Raw, guild: SimGuild, **fields: Any) -> None:
    await raw.send({"op": 8, "d": {"guild_id": str(guild.id), **fields}})


async def answer(raw: Raw) -> dict[str, Any]:
    """The next chunk or rate-limit event (skipping others, such as GUILD_CREATE)."""
    while True:
        frame = await raw.recv()
        assert frame is not None, f"closed with {raw.ws.close_code}"
        if frame.get("t") in ("GUILD_MEMBERS_CHUNK", "RATE_LIMITED"):
            return frame


def fake_ids(count: int) -> list[str]:
    return [str(900000000000000000 + n) for n in range(count)]


# -- user_ids: at most 100, no intent needed ---------------------------------------------------
async def test_100_user_ids_are_answered_without_the_members_intent(
        sim: LocalDiscord, guild: SimGuild, connect: Connect) -> None:
    raw = await session(sim, connect)
    alice, carol = member(guild, "alice"), member(guild, "carol")
    ids = [str(alice.id), str(carol.id), *fake_ids(98)]
    await ask(raw, guild, user_ids=ids, limit=100, presences=False, nonce="n" * 32)
    frame = await answer(raw)
    data = frame["d"]
    assert frame["t"] == "GUILD_MEMBERS_CHUNK" and frame["op"] == 0
    assert {m["user"]["id"] for m in data["members"]} == {str(alice.id), str(carol.id)}
    assert data["not_found"] == fake_ids(98)
    assert (data["chunk_index"], data["chunk_count"], data["nonce"]) == (0, 1, "n" * 32)
    assert data["guild_id"] == str(guild.id) and "presences" not in data
    assert sim.errors == []


async def test_101_user_ids_are_not_answered(sim: LocalDiscord, guild: SimGuild, connect: Connect) -> None:
    raw = await session(sim, connect)
    await ask(raw, guild, user_ids=fake_ids(101), limit=100, nonce="too-many")
    await ask(raw, guild, user_ids=[str(member(guild, "bob").id)], limit=100, nonce="next")
    frame = await answer(raw)
    assert frame["d"]["nonce"] == "next"  # the request before it got nothing, and the connection is open
    assert [(e.method, e.body["message"]) for e in sim.errors] == [
        ("GATEWAY", "not answered: 101 user_ids, over 100")]


async def test_one_user_id_may_be_sent_alone_and_the_member_who_left_is_not_found(
        sim: LocalDiscord, guild: SimGuild, connect: Connect) -> None:
    raw = await session(sim, connect)
    carol = member(guild, "carol")
    guild.remove_member(carol)
    await ask(raw, guild, user_ids=str(carol.id), limit=1)
    data = (await answer(raw))["d"]
    assert data["members"] == [] and data["not_found"] == [str(carol.id)] and "nonce" not in data


# -- the whole list: GUILD_MEMBERS, and once per guild every 30 seconds -------------------------
async def test_the_whole_member_list_needs_the_members_intent(
        sim: LocalDiscord, guild: SimGuild, connect: Connect) -> None:
    raw = await session(sim, connect)
    await ask(raw, guild, query="", limit=0, nonce="all")
    await ask(raw, guild, user_ids=[str(member(guild, "bob").id)], nonce="ids")
    assert (await answer(raw))["d"]["nonce"] == "ids"
    assert [e.body["message"] for e in sim.errors] == [
        "not answered: the whole member list without the GUILD_MEMBERS intent"]


async def test_with_the_members_intent_the_whole_list_comes_in_chunks_of_1000(
        sim: LocalDiscord, guild: SimGuild, connect: Connect) -> None:
    for n in range(1001 - len(guild.members)):
        guild.add_member(f"member{n}")
    raw = await session(sim, connect, GUILD_INTENTS | Intent.GUILD_MEMBERS)
    await ask(raw, guild, query="", limit=0, nonce="all")
    first, second = (await answer(raw))["d"], (await answer(raw))["d"]
    assert [(c["chunk_index"], c["chunk_count"], len(c["members"])) for c in (first, second)] == [
        (0, 2, 1000), (1, 2, 1)]
    assert first["nonce"] == second["nonce"] == "all" and "not_found" not in first


async def test_a_second_whole_list_within_30_seconds_is_rate_limited(
        sim: LocalDiscord, guild: SimGuild, connect: Connect) -> None:
    now = [1000.0]
    sim.gateway.member_requests.monotonic = lambda: now[0]
    raw = await session(sim, connect, GUILD_INTENTS | Intent.GUILD_MEMBERS)
    await ask(raw, guild, query="", limit=0)
    assert (await answer(raw))["t"] == "GUILD_MEMBERS_CHUNK"
    now[0] += ALL_MEMBERS_INTERVAL - 1
    await ask(raw, guild, query="", limit=0, nonce="again")
    limited = await answer(raw)
    assert limited["t"] == "RATE_LIMITED" and limited["op"] == 0
    assert limited["d"] == {"opcode": 8, "retry_after": 1.0, "meta": {"guild_id": str(guild.id), "nonce": "again"}}
    await ask(raw, guild, user_ids=[str(member(guild, "bob").id)])  # requests by id are not limited
    assert (await answer(raw))["t"] == "GUILD_MEMBERS_CHUNK"
    now[0] += 1
    await ask(raw, guild, query="", limit=0)
    assert (await answer(raw))["t"] == "GUILD_MEMBERS_CHUNK"


async def test_a_prefix_query_returns_at_most_100_members(sim: LocalDiscord, guild: SimGuild,
                                                          connect: Connect) -> None:
    for n in range(101):
        guild.add_member(f"zed{n}")
    raw = await session(sim, connect)
    await ask(raw, guild, query="ZED", limit=0)
    data = (await answer(raw))["d"]
    assert len(data["members"]) == 100 and all(m["user"]["username"].startswith("zed") for m in data["members"])


# -- presences and nonce ------------------------------------------------------------------------
@pytest.mark.parametrize(("intents", "has_presences"), [(GUILD_INTENTS, False),
                                                         (GUILD_INTENTS | Intent.GUILD_PRESENCES, True)])
async def test_presences_need_the_presences_intent(sim: LocalDiscord, guild: SimGuild, connect: Connect,
                                                   intents: int, has_presences: bool) -> None:
    raw = await session(sim, connect, intents)
    await ask(raw, guild, user_ids=[str(member(guild, "alice").id)], presences=True)
    assert ("presences" in (await answer(raw))["d"]) is has_presences


async def test_a_nonce_over_32_bytes_is_ignored(sim: LocalDiscord, guild: SimGuild, connect: Connect) -> None:
    raw = await session(sim, connect)
    await ask(raw, guild, user_ids=[str(member(guild, "alice").id)], nonce="n" * 33)
    data = (await answer(raw))["d"]
    assert "nonce" not in data and len(data["members"]) == 1


# -- payloads of the wrong shape close with 4001 ------------------------------------------------
SHAPES = {
    "no guild_id": {"user_ids": ["1"]},
    "a list of guilds": {"guild_id": ["1"], "user_ids": ["1"]},
    "neither query nor user_ids": {"guild_id": "1", "limit": 0},
    "query without limit": {"guild_id": "1", "query": "a"},
    "an id that is not a snowflake": {"guild_id": "1", "user_ids": ["abc"]},
}


@pytest.mark.parametrize("payload", list(SHAPES.values()), ids=list(SHAPES))
async def test_a_payload_of_the_wrong_shape_is_closed_with_4001(sim: LocalDiscord, connect: Connect,
                                                                payload: dict[str, Any]) -> None:
    raw = await session(sim, connect)
    await raw.send({"op": 8, "d": payload})
    assert await raw.closed_with() == 4001


async def test_op_8_before_identify_is_closed_with_4003(sim: LocalDiscord, guild: SimGuild,
                                                        connect: Connect) -> None:
    raw = await connect(sim)
    await ask(raw, guild, user_ids=["1"])
    assert await raw.closed_with() == 4003
