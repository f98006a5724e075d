"""Rate limits as topics/rate-limits.mdx documents them: headers, buckets, the global limit and 429s."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.clock import ManualClock
from bot.localdiscord import BucketRule, LocalDiscord

BUCKET_HEADERS = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After",
                  "X-RateLimit-Bucket"}


class Api:
    def __init__(self, sim: LocalDiscord, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.session = session
        self.guild = next(iter(sim.guilds.values()))
        self.channel = self.guild.channel("general")
        self.alice = next(m for m in self.guild.members.values() if m.name == "alice")

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, str], Any]:
        headers = {"Authorization": f"Bot {self.sim.token}"}
        async with self.session.request(method, self.sim.api_base + path, json=body, headers=headers) as response:
            data = await response.json() if response.content_type == "application/json" else None
            return response.status, dict(response.headers), data

    async def interaction(self) -> Any:
        status, _, _ = await self.call("PUT", f"/applications/{self.sim.application_id}/guilds/{self.guild.id}/commands",
                                       [{"name": "probe", "description": "probe"}])
        assert status == 200
        return self.alice.start_slash("probe", in_channel=self.channel)


async def _api(sim: LocalDiscord) -> AsyncIterator[Api]:
    guild = sim.create_guild("Study Hall")
    guild.create_text_channel("general")
    guild.create_text_channel("daily")
    guild.add_member("alice")
    async with aiohttp.ClientSession() as session:
        yield Api(sim, session)


@pytest.fixture
async def api(clock: ManualClock) -> AsyncIterator[Api]:
    async with LocalDiscord(clock=clock, global_rate_limit=None) as sim:
        async for value in _api(sim):
            yield value


async def test_every_route_the_bot_uses_answers_with_its_bucket(api: Api) -> None:
    sim, channel, guild = api.sim, api.channel, api.guild
    status, _, message = await api.call("POST", f"/channels/{channel.id}/messages", {"content": "hello"})
    interaction = await api.interaction()
    calls = [
        ("GET", "/users/@me", None), ("GET", f"/channels/{channel.id}", None),
        ("GET", f"/channels/{channel.id}/messages", None),
        ("GET", f"/channels/{channel.id}/messages/{message['id']}", None),
        ("PATCH", f"/channels/{channel.id}/messages/{message['id']}", {"content": "edited"}),
        ("POST", f"/channels/{channel.id}/messages/{message['id']}/threads", {"name": "talk"}),
        ("POST", f"/channels/{channel.id}/threads", {"name": "private"}),
        ("PUT", f"/channels/{message['id']}/thread-members/{api.alice.id}", None),
        ("PATCH", f"/channels/{message['id']}", {"archived": True}),
        ("GET", f"/guilds/{guild.id}", None), ("GET", f"/guilds/{guild.id}/members/{api.alice.id}", None),
        ("GET", f"/guilds/{guild.id}/roles", None), ("GET", f"/guilds/{guild.id}/channels", None),
        ("POST", "/users/@me/channels", {"recipient_id": str(api.alice.id)}),
        ("GET", f"/applications/{sim.application_id}/guilds/{guild.id}/commands", None),
        ("POST", f"/interactions/{interaction.id}/{interaction.token}/callback", {"type": 5}),
        ("POST", f"/webhooks/{sim.application_id}/{interaction.token}?wait=true", {"content": "done"}),
        ("PATCH", f"/webhooks/{sim.application_id}/{interaction.token}/messages/@original", {"content": "again"}),
        ("DELETE", f"/channels/{channel.id}/messages/{message['id']}", None),
    ]
    buckets: dict[str, str] = {}
    for method, path, body in calls:
        status, headers, data = await api.call(method, path, body)
        assert status in (200, 204), (method, path, data)
        assert BUCKET_HEADERS <= set(headers), (method, path, headers)
        assert int(headers["X-RateLimit-Remaining"]) < int(headers["X-RateLimit-Limit"])
        buckets[f"{method} {path.split('?')[0]}"] = headers["X-RateLimit-Bucket"]
    assert len(set(buckets.values())) == len(buckets)  # one bucket per route template here
    assert not sim.errors


async def test_a_route_bucket_is_per_channel_and_answers_a_documented_429(clock: ManualClock) -> None:
    rules = {"POST /channels/{channel_id}/messages": BucketRule(2, 60.0)}
    async with LocalDiscord(clock=clock, global_rate_limit=None, bucket_rules=rules) as sim:
        async for api in _api(sim):
            general, daily = api.channel.id, api.guild.channel("daily").id
            first = await api.call("POST", f"/channels/{general}/messages", {"content": "1"})
            assert first[1]["X-RateLimit-Remaining"] == "1" and first[1]["X-RateLimit-Limit"] == "2"
            await api.call("POST", f"/channels/{general}/messages", {"content": "2"})
            status, headers, body = await api.call("POST", f"/channels/{general}/messages", {"content": "3"})
            assert status == 429
            assert set(body) == {"message", "retry_after", "global"}
            assert body["message"] == "You are being rate limited." and body["global"] is False
            assert 59 < body["retry_after"] <= 60
            assert headers["X-RateLimit-Scope"] == "user" and headers["X-RateLimit-Remaining"] == "0"
            assert headers["Retry-After"] == "60" and "X-RateLimit-Global" not in headers
            assert headers["X-RateLimit-Bucket"] == first[1]["X-RateLimit-Bucket"]
            assert (await api.call("POST", f"/channels/{daily}/messages", {"content": "elsewhere"}))[0] == 200
            assert len(api.channel.messages) == 2


async def test_the_global_limit_spares_interaction_callbacks_and_follow_ups(clock: ManualClock) -> None:
    async with LocalDiscord(clock=clock, global_rate_limit=3) as sim:
        async for api in _api(sim):
            interaction = await api.interaction()  # one request
            for _ in range(2):
                assert (await api.call("GET", "/users/@me"))[0] == 200
            status, headers, body = await api.call("GET", "/users/@me")
            assert status == 429 and body == {"message": "You are being rate limited.",
                                              "retry_after": body["retry_after"], "global": True}
            assert headers["X-RateLimit-Global"] == "true" and headers["X-RateLimit-Scope"] == "global"
            assert int(headers["Retry-After"]) >= 1
            path = f"/interactions/{interaction.id}/{interaction.token}/callback"
            assert (await api.call("POST", path, {"type": 5}))[0] == 204
            followup = f"/webhooks/{sim.application_id}/{interaction.token}?wait=true"
            assert (await api.call("POST", followup, {"content": "answered"}))[0] == 200


@pytest.mark.parametrize(("scope", "message"), [("user", "You are being rate limited."),
                                                 ("shared", "The resource is being rate limited."),
                                                 ("global", "You are being rate limited.")])
async def test_an_injected_storm_looks_like_the_real_thing(api: Api, scope: str, message: str) -> None:
    api.sim.ratelimiter.every_nth_limited = 2
    api.sim.ratelimiter.storm_scope = scope
    await api.call("GET", "/users/@me")
    status, headers, body = await api.call("GET", "/users/@me")
    assert status == 429
    assert body == {"message": message, "retry_after": 0.05, "global": scope == "global"}
    assert headers["X-RateLimit-Scope"] == scope and headers["Retry-After"] == "1"
    if scope == "global":
        assert headers["X-RateLimit-Global"] == "true" and not BUCKET_HEADERS & set(headers)
    else:
        assert BUCKET_HEADERS <= set(headers) and "X-RateLimit-Global" not in headers
