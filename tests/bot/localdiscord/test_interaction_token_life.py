"""An interaction's token life on the simulator's clock: a first answer past it is refused, as on Discord.

One request just past the documented limit, refused with Discord's status and code, and one at the limit,
accepted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from bot.clock import ManualClock
from bot.localdiscord import LocalDiscord, SimChannel, SimGuild


class Client:
    """Raw REST calls with the bot's token, and interactions started by a member."""

    def __init__(self, sim: LocalDiscord, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.session = session
        self.guild: SimGuild = next(iter(sim.guilds.values()))
        self.channel: SimChannel = self.guild.channel("general")
        self.member = next(m for m in self.guild.members.values() if m.name == "alice")

    async def call(self, method: str, path: str, body: Any = None, *, bot: bool = True) -> tuple[int, Any]:
        headers = {"Authorization": f"Bot {self.sim.token}"} if bot else {}
        async with self.session.request(method, self.sim.api_base + path, json=body, headers=headers) as response:
            data = await response.json() if response.content_type == "application/json" else None
            return response.status, data

    async def command_interaction(self) -> Any:
        status, _ = await self.call("PUT", f"/applications/{self.sim.application_id}/guilds/{self.guild.id}/commands",
                                    [{"name": "probe", "description": "probe"}])
        assert status == 200
        return self.member.start_slash("probe", in_channel=self.channel)

    async def callback(self, interaction: Any, body: Any) -> tuple[int, Any]:
        return await self.call("POST", f"/interactions/{interaction.id}/{interaction.token}/callback", body, bot=False)


@pytest.fixture
async def client(sim: LocalDiscord) -> AsyncIterator[Client]:
    async with aiohttp.ClientSession() as session:
        yield Client(sim, session)


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
