"""Rules of the local Discord, each a row past its limit refused and one at it accepted: thread member
updates reach a session without GUILD_MEMBERS only about the bot itself, and the invalid-request limit; and the events a route fires.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from bot.clock import ManualClock
from bot.localdiscord import LocalDiscord
from bot.localdiscord.gateway_rules import Intent

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def _call(session: aiohttp.ClientSession, sim: LocalDiscord, method: str, path: str, body: Any = None, *,
                token: str | None = None) -> tuple[int, dict[str, str], Any]:
    headers = {"Authorization": f"Bot {token if token is not None else sim.token}"}
    async with session.request(method, sim.api_base + path, json=body, headers=headers) as response:
        data = await response.json() if response.content_type == "application/json" else await response.text()
        return response.status, dict(response.headers), data


async def _identify(session: aiohttp.ClientSession, sim: LocalDiscord, intents: int) -> aiohttp.ClientWebSocketResponse:
    ws = await session.ws_connect(f"{sim.gateway_url}?v=10&encoding=json")
    await ws.receive(timeout=10)  # HELLO
    await ws.send_str(json.dumps({"op": 2, "d": {"token": sim.token, "intents": intents,
                                                 "properties": {"os": "linux", "browser": "raw", "device": "raw"}}}))
    while True:
        message = await ws.receive(timeout=10)
        assert message.type == aiohttp.WSMsgType.TEXT, f"closed with {ws.close_code}"
        if json.loads(message.data).get("t") == "READY":
            return ws


def _events(sim: LocalDiscord) -> list[dict[str, Any]]:
    session = next(iter(sim.gateway.sessions.values()))
    return [json.loads(frame) for _, frame in session.buffer]


# -- 1. THREAD_MEMBERS_UPDATE without the GUILD_MEMBERS intent ---------------------------------------------
# developers/events/gateway-events.mdx, "Thread Members Update": "If the current user does not have the
# GUILD_MEMBERS Gateway Intent, then this event will only be sent if the current user was added to or removed
# from the thread."
async def _thread_member_added(intents: int) -> list[dict[str, Any]]:
    async with LocalDiscord(clock=ManualClock(START), global_rate_limit=None,
                            privileged_intents=Intent.GUILD_MEMBERS) as sim, aiohttp.ClientSession() as http:
        guild = sim.create_guild("Study Hall")
        channel = guild.create_text_channel("general")
        alice = guild.add_member("alice")
        ws = await _identify(http, sim, intents)
        status, _, thread = await _call(http, sim, "POST", f"/channels/{channel.id}/threads",
                                        {"name": "group 1", "type": 12})
        assert status in (200, 201), thread
        status, _, body = await _call(http, sim, "PUT", f"/channels/{thread['id']}/thread-members/{alice.id}")
        assert status == 204, body
        events = [e for e in _events(sim) if e.get("t") == "THREAD_MEMBERS_UPDATE"]
        await ws.close()
        return events


async def test_thread_members_update_for_another_user_needs_guild_members() -> None:
    """Past the rule: a session with GUILDS only gets no THREAD_MEMBERS_UPDATE when someone else is added."""
    events = await _thread_member_added(Intent.GUILDS)
    assert events == [], f"sent to a session without GUILD_MEMBERS: {events}"


async def test_thread_members_update_for_another_user_with_guild_members() -> None:
    """Within the rule: with GUILD_MEMBERS the event is sent."""
    events = await _thread_member_added(Intent.GUILDS | Intent.GUILD_MEMBERS)
    assert len(events) == 1


# -- 2. The invalid request limit ("Cloudflare bans") ------------------------------------------------------
# developers/topics/rate-limits.mdx, "Invalid Request Limit aka Cloudflare bans": "IP addresses that make too
# many invalid HTTP requests are automatically and temporarily restricted from accessing the Discord API.
# Currently, this limit is 10,000 per 10 minutes. An invalid request is one that results in 401, 403, or 429
# statuses." The docs give no status for the restriction; Cloudflare answers it with a 429 that carries no
# ``Via`` header and no JSON, only the plain text "error code: 1015", which discord.py's
# http.py reads as "Banned by Cloudflare".
INVALID_LIMIT = 10_000


@pytest.fixture
async def api() -> AsyncIterator[tuple[LocalDiscord, aiohttp.ClientSession]]:
    async with LocalDiscord(clock=ManualClock(START), global_rate_limit=None) as sim, \
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=50)) as http:
        sim.create_guild("Study Hall")
        yield sim, http


async def _invalid_requests(sim: LocalDiscord, http: aiohttp.ClientSession, count: int) -> None:
    async def one() -> None:
        async with http.get(sim.api_base + "/users/@me", headers={"Authorization": "Bot wrong"}) as response:
            assert response.status in (401, 429)
            await response.read()

    for start in range(0, count, 500):
        await asyncio.gather(*(one() for _ in range(min(500, count - start))))
    sim.errors.clear()


async def test_past_the_invalid_request_limit_the_api_is_closed(api: tuple[LocalDiscord, aiohttp.ClientSession]) -> None:
    sim, http = api
    await _invalid_requests(sim, http, INVALID_LIMIT + 1)
    status, headers, body = await _call(http, sim, "GET", "/users/@me")
    assert status == 429 and "Via" not in headers, (
        f"after {INVALID_LIMIT + 1} invalid requests in 10 minutes a valid one was answered {status}: {body}")


async def test_within_the_invalid_request_limit_the_api_answers(api: tuple[LocalDiscord, aiohttp.ClientSession]) -> None:
    sim, http = api
    await _invalid_requests(sim, http, INVALID_LIMIT - 1)
    status, _, body = await _call(http, sim, "GET", "/users/@me")
    assert status == 200, body


# -- 3. Events a route fires ----------------------------------------------------------------------------------
# developers/resources/channel.mdx, "Start Thread from Message": "Fires a Thread Create and a Message Update
# Gateway event" (the message now carries its thread).
async def test_starting_a_thread_from_a_message_fires_thread_create_and_message_update() -> None:
    async with LocalDiscord(clock=ManualClock(START), global_rate_limit=None) as sim, \
            aiohttp.ClientSession() as http:
        channel = sim.create_guild("Study Hall").create_text_channel("general")
        ws = await _identify(http, sim, Intent.GUILDS | Intent.GUILD_MESSAGES)
        status, _, message = await _call(http, sim, "POST", f"/channels/{channel.id}/messages", {"content": "topic"})
        assert status == 200, message
        status, _, thread = await _call(http, sim, "POST", f"/channels/{channel.id}/messages/{message['id']}/threads",
                                        {"name": "discussion"})
        assert status in (200, 201), thread
        events = [(e["t"], e["d"]["id"], (e["d"].get("thread") or {}).get("id")) for e in _events(sim)
                  if e.get("t") in ("THREAD_CREATE", "MESSAGE_UPDATE")]
        await ws.close()
    assert events == [("THREAD_CREATE", thread["id"], None), ("MESSAGE_UPDATE", message["id"], thread["id"])]
