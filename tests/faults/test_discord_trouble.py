"""Discord misbehaving while the bot works: 429 storms, 500s, reconnects and invalid sessions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_daily import posts, setup_daily

pytestmark = pytest.mark.faults


async def test_a_429_storm_and_server_errors_still_deliver_every_post_exactly_once(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    channels = [daily]
    for n in range(5):
        guild = harness.sim.create_guild(f"Extra {n}")
        channels.append(guild.create_text_channel("daily"))
        moderator = guild.add_member(f"mod{n}", manage_guild=True)
        await harness.settle()
        await setup_daily(moderator, channels[-1], time="10:00", zone="Europe/Berlin")
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    harness.sim.ratelimiter.every_nth_limited = 3  # every third request: 429 with retry_after
    harness.sim.faults.fail_next(500, 2, route_contains="/messages")
    await harness.advance_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    harness.sim.ratelimiter.every_nth_limited = 0
    assert [len(posts(c)) for c in channels] == [1] * len(channels)
    assert all(p.thread is not None for c in channels for p in posts(c))
    assert harness.sim.ratelimiter.limited > 0
    await harness.restart()
    await harness.advance_to(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
    assert [len(posts(c)) for c in channels] == [1] * len(channels)


async def test_answers_acknowledged_around_reconnects_and_invalid_sessions_are_all_kept(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, carol: SimMember,
        daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    gateway = harness.sim.gateway
    acknowledged: list[tuple[SimMember, str]] = []

    async def answer(member: SimMember, text: str) -> None:
        reply = await member.submit_modal(await member.click(post, "Submit answer"), answer=text)
        assert "Saved" in reply.text
        acknowledged.append((member, text))

    await answer(alice, "before any trouble")
    await gateway.request_reconnect()
    await harness.wait_until(lambda: gateway.resume_count == 1 and harness.connected(), what="resume")
    await answer(bob, "after a resume")
    await gateway.invalidate_session(resumable=False)
    await harness.wait_until(lambda: gateway.identify_count == 2 and harness.connected(), what="re-identify")
    await answer(carol, "after an invalid session")
    await gateway.drop_connection()
    await harness.wait_until(lambda: gateway.resume_count == 2 and harness.connected(), what="resume after drop")
    await answer(alice, "edited after a dropped connection")
    stored = await harness.core.db.fetchall("SELECT user_id, body FROM daily_answers ORDER BY user_id")
    latest = {member.id: text for member, text in acknowledged}
    assert {row[0]: row[1] for row in stored} == latest
    shown = [m for m in post.thread.messages if m.content.startswith("Answer from")]
    assert len(shown) == 3
