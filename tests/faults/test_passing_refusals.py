"""Scheduled posts when Discord refuses for a while: a passing 429, a permission taken away and given back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_daily import posts, setup_daily
from tests.cogs.test_quiz import quizzes

pytestmark = pytest.mark.faults


async def test_a_reveal_refused_while_a_permission_was_missing_is_made_once_it_is_granted_again(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel, general: SimChannel) -> None:
    harness.guild.system_channel_id = general.id
    await harness.restart()
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    [post] = quizzes(daily)
    await alice.click(post, "A")
    bot_id = harness.sim.bot_user.id
    daily.deny(bot_id, "send_messages")  # a moderator tightens the channel for the afternoon
    await harness.settle()
    await harness.advance_to(datetime(2026, 3, 3, 0, 30, tzinfo=UTC))  # the close, while it is denied
    told = [m.content for m in general.messages if "quiz" in m.content.lower()]
    daily.clear_overwrite(bot_id)  # fixed
    await harness.settle()
    await harness.advance_to(datetime(2026, 3, 3, 11, 0, tzinfo=UTC))
    revealed = post.embeds[0]["title"].endswith("closed")
    assert revealed or told, ("the reveal was dropped for good and nobody was told: "
                              f"title={post.embeds[0]['title']!r}, notices={told}")
    assert revealed, f"after the fix the answer is still not shown: title={post.embeds[0]['title']!r}"


def cloudflare_ban(harness: BotHarness, on: bool) -> None:
    """Past Discord's invalid-request limit every request is answered with Cloudflare's plain-text 429."""
    limiter = harness.sim.invalid_requests
    limiter.limit = -1 if on else 10_000
    if not on:
        limiter._times.clear()


async def test_a_daily_post_met_by_a_passing_cloudflare_429_is_retried_the_same_day(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")  # 09:00 UTC
    await harness.advance_to(datetime(2026, 3, 2, 8, 59, tzinfo=UTC))
    with harness.sim.expect_errors():
        cloudflare_ban(harness, True)
        await harness.advance_to(datetime(2026, 3, 2, 9, 0, 1, tzinfo=UTC))
        cloudflare_ban(harness, False)  # the ban lifts within the hour
    await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    status = [tuple(r) for r in await harness.core.db.fetchall("SELECT status, failure FROM daily_posts")]
    assert len(posts(daily)) == 1, f"today's prompt never went out; ledger: {status}"


async def test_a_quiz_met_by_a_passing_cloudflare_429_is_retried_the_same_day(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 11, 59, tzinfo=UTC))
    with harness.sim.expect_errors():
        cloudflare_ban(harness, True)
        await harness.advance_to(datetime(2026, 3, 2, 12, 0, 1, tzinfo=UTC))
        cloudflare_ban(harness, False)
    await harness.advance_to(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    status = [tuple(r) for r in await harness.core.db.fetchall("SELECT status, failure FROM quiz_posts")]
    assert len(quizzes(daily)) == 1, f"today's quiz never went out; ledger: {status}"
