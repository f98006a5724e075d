"""A permission the bot loses is never asked of Discord: every refusal counts against Discord's limit on
invalid requests (10,000 in ten minutes and the bot's IP is banned for an hour), so a feature that keeps
trying where it may not is a hazard to every server the process serves.

Every feature is set up and used for a day, then the bot loses one channel permission in every channel, and
a week of schedules, answers, clicks, a mock round (to its end) and a suggestion goes by; then a member asks for her
data to be deleted, messages on Discord included. The harness fails the test on any request Discord would
refuse; what the members and moderators are told instead is each feature's own tests' business.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.localdiscord import BotHarness, SimChannel, SimMember, SimMessage

from .cogs.test_daily import posts
from .cogs.test_daily_forum import forum_posts
from .cogs.test_mock import join_all
from .cogs.test_quiz import quizzes
from .cogs.test_suggestions import suggest_card

# Every channel permission the bot uses somewhere (README, "Permissions").
PERMISSIONS = ("view_channel", "send_messages", "send_messages_in_threads", "embed_links", "attach_files",
               "read_message_history", "create_public_threads", "create_private_threads", "manage_threads")
DAY_ONE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FORUM = 15


async def answer(member: SimMember, post: SimMessage, text: str) -> None:
    await member.submit_modal(await member.click(post, "Submit answer"), answer=text)


def day_posts(channel: SimChannel) -> list[SimMessage]:
    """Each day's prompt as members see it: the message in a text channel, the forum post's first message."""
    if channel.type == FORUM:
        return [post.starter for post in forum_posts(channel) if post.starter is not None]
    return posts(channel)


def discussion(post: SimMessage, channel: SimChannel) -> SimChannel:
    if channel.type == FORUM:
        return next(t for t in channel.threads if t.id == post.channel_id)
    assert post.thread is not None
    return post.thread


@pytest.mark.parametrize("where", ["text", "forum"])
@pytest.mark.parametrize("permission", PERMISSIONS)
async def test_a_permission_the_bot_lost_is_not_asked_of_discord(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, general: SimChannel,
        permission: str, where: str) -> None:
    daily = (harness.guild.create_forum_channel("prompts") if where == "forum" else
             harness.guild.channel("daily"))
    mock = harness.guild.create_text_channel("mock-interviews")
    mods = harness.guild.create_text_channel("mods")
    harness.guild.system_channel_id = general.id
    await harness.restart()
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    await mod.slash("quiz setup", channel=general, time="12:00", timezone="UTC")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=mock)
    await mod.slash("review channel", channel=mods)
    await mod.slash("streak-admin announcements", state="on", channel=general)
    await join_all([alice, bob])
    await harness.advance_to(DAY_ONE + timedelta(hours=3, minutes=5))
    [post] = day_posts(daily)
    await answer(alice, post, "Shard the index per tenant and size the write path first.")
    [shown] = [m for m in discussion(post, daily).messages if m.content.startswith("Answer from")]
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
    for later in day_posts(daily)[1:]:
        await answer(alice, later, "A second day's answer, written where the bot may no longer post.")
    await harness.advance(timedelta(days=7))  # the mock round's nudge, check-in and end
    await alice.click(await alice.slash("privacy delete"), "Delete my data")  # her answers, where it may reach
    await harness.settle()
