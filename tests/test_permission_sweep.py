"""A permission the bot loses is never asked of Discord: every refusal counts against Discord's limit on
invalid requests (10,000 in ten minutes and the bot's IP is banned for an hour), so a feature that keeps
trying where it may not is a hazard to every server the process serves.

Every feature is set up and used for a day, then the bot loses one channel permission in every channel, and
two more days of schedules, answers, clicks, a mock round and a suggestion go by. The harness fails the test
on any request Discord would refuse; what the members and moderators are told instead is each feature's own
tests' business.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimMember

from .cogs.test_daily import posts, setup_daily
from .cogs.test_mock import join_all
from .cogs.test_quiz import quizzes
from .cogs.test_suggestions import suggest_card

# Every channel permission the bot uses somewhere (README, "Permissions").
PERMISSIONS = ("view_channel", "send_messages", "send_messages_in_threads", "embed_links", "attach_files",
               "read_message_history", "create_public_threads", "create_private_threads", "manage_threads")
DAY_ONE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def answer(member: SimMember, post: object, text: str) -> None:
    await member.submit_modal(await member.click(post, "Submit answer"), answer=text)  # type: ignore[arg-type]


@pytest.mark.parametrize("permission", PERMISSIONS)
async def test_a_permission_the_bot_lost_is_not_asked_of_discord(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel,
        general: SimChannel, permission: str) -> None:
    mock = harness.guild.create_text_channel("mock-interviews")
    mods = harness.guild.create_text_channel("mods")
    harness.guild.system_channel_id = general.id
    await harness.restart()
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    await mod.slash("quiz setup", channel=general, time="12:00", timezone="UTC")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=mock)
    await mod.slash("review channel", channel=mods)
    await mod.slash("streak-admin announcements", state="on", channel=general)
    await join_all([alice, bob])
    await harness.advance_to(DAY_ONE + timedelta(hours=3, minutes=5))
    [post] = posts(daily)
    await answer(alice, post, "Shard the index per tenant and size the write path first.")
    [shown] = [m for m in post.thread.messages if m.content.startswith("Answer from")]
    await bob.click(shown, "Helpful")
    [quiz] = quizzes(general)
    await alice.click(quiz, "A")

    for channel in (daily, general, mock, mods):
        channel.deny(harness.sim.bot_user.id, permission)
    await harness.settle()

    await bob.click(quiz, "B")
    await answer(bob, post, "Cache the embeddings and batch the re-ranker.")
    await mod.slash("mock-admin pair-now")
    await suggest_card(alice)
    await harness.advance(timedelta(days=1))
    for later in posts(daily)[1:]:
        await answer(alice, later, "A second day's answer, written where the bot may no longer post.")
    await harness.advance(timedelta(days=2))
