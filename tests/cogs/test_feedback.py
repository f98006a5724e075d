"""Helpful marks, the best answer, the day's highlight and the Contributors board, through the local Discord."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.localdiscord import BotHarness, CommandForbidden, SimChannel, SimGuild, SimMember, SimMessage
from bot.localdiscord.threads import set_archived, thread_update
from bot.shards import ShardLayout


async def setup_daily(mod: SimMember, channel: SimChannel) -> None:
    reply = await mod.slash("daily setup", channel=channel, time="10:00", timezone="Europe/Berlin")
    assert reply.ephemeral


def post_of(channel: SimChannel):  # noqa: ANN201
    [post] = [m for m in channel.messages if m.embeds and m.embeds[0].get("title", "").startswith("Day ")]
    return post


async def answer(member: SimMember, post, text: str) -> None:  # noqa: ANN001
    form = await member.click(post, "Submit answer")
    assert "Saved" in (await member.submit_modal(form, answer=text)).text


def answer_message(post, member: SimMember):  # noqa: ANN001, ANN201
    [message] = [m for m in post.thread.messages if m.content.startswith("Answer from") and str(member.id) in m.content]
    return message


async def first_day_answered(harness: BotHarness, mod: SimMember, daily: SimChannel, member: SimMember,
                             text: str) -> SimMessage:
    """Daily prompts set up (10:00 in Berlin), the first day posted and ``member``'s answer shown in its thread,
    where others can mark it Helpful: returns the day's post."""
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    post = post_of(daily)
    await answer(member, post, text)
    return post


async def test_members_mark_answers_helpful_once_and_the_closed_day_highlights_them(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, carol: SimMember,
        daily: SimChannel) -> None:
    post = await first_day_answered(harness, mod, daily, alice,
                                    "Shard the index per tenant; size the write path first.")
    await answer(bob, post, "Hybrid retrieval with a re-ranker inside a 2.5 s budget.")
    alices, bobs = answer_message(post, alice), answer_message(post, bob)
    assert alices.button_labels == ["Helpful"]

    own = await alice.click(alices, "Helpful")
    assert own.ephemeral and "your own answer" in own.text
    marked = await bob.click(alices, "Helpful")
    assert marked.message.button_labels == ["Helpful · 1"]
    assert "Marked as helpful" in marked.followups[0].text
    twice = await bob.click(alices, "Helpful · 1")
    assert twice.ephemeral and "already marked" in twice.text
    await carol.click(alices, "Helpful · 1")
    await alice.click(bobs, "Helpful")
    assert alices.button_labels == ["Helpful · 2"] and bobs.button_labels == ["Helpful · 1"]

    with pytest.raises(CommandForbidden):
        await alice.slash("daily best", member=bob)
    best = await mod.slash("daily best", member=bob)
    assert best.ephemeral and "best answer" in best.text

    before = len(post.thread.messages)
    await harness.advance(hours=24, minutes=30)  # the day closes (checked every quarter hour)
    highlight = [m for m in post.thread.messages[before:] if "Day 1 has closed" in m.content]
    assert len(highlight) == 1
    text = highlight[0].content
    assert text.index(f"<@{alice.id}> · 2 Helpful marks") < text.index(f"<@{bob.id}> · 1 Helpful mark")
    assert f"Best answer, picked by the moderators: <@{bob.id}>" in text
    assert not highlight[0].pinged_user_ids and not highlight[0].mentions_everyone
    assert any("#1 most helpful" in dm.content for dm in alice.dms)
    assert any("picked your answer" in dm.content for dm in bob.dms)
    assert not carol.dms

    late = await carol.click(bobs, "Helpful · 1")
    assert "closed" in late.text  # marks stop when the day has closed
    sent = await harness.core.db.fetchval("SELECT message_id FROM daily_closes")
    await harness.core.db.execute("UPDATE daily_closes SET message_id = NULL")  # killed after send, before record
    await harness.restart()
    await harness.advance(hours=1)
    assert sum("Day 1 has closed" in m.content for m in post.thread.messages) == 1  # adopted, never twice
    assert await harness.core.db.fetchval("SELECT message_id FROM daily_closes") == sent

    board = await bob.slash("leaderboard", board="helpful")
    assert "Contributors" in board.embeds[0]["title"]
    lines = board.embeds[0]["description"].splitlines()
    assert lines[0].endswith(f"<@{alice.id}> · **2**") and lines[1].endswith(f"<@{bob.id}> · **1**")
    profile = await alice.slash("streak show")
    fields = {f["name"]: f["value"] for f in profile.embeds[0]["fields"]}
    assert fields["Helpful marks received"] == "👍 2 this month · 2 in all"


async def test_a_day_without_marks_closes_quietly_and_a_forged_answer_is_refused(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    post = await first_day_answered(harness, mod, daily, alice, "An answer nobody marks.")
    nobody = await mod.slash("daily best", member=bob)
    assert nobody.ephemeral and "did not answer" in nobody.text
    bad_date = await mod.slash("daily best", member=alice, date="yesterday")
    assert "is not a date" in bad_date.text
    before = len(post.thread.messages)
    await harness.advance(hours=24, minutes=30)
    assert not any("has closed" in m.content for m in post.thread.messages[before:])
    assert await harness.core.db.fetchval("SELECT message_id FROM daily_closes") == 0


async def test_a_day_whose_close_fell_deep_into_a_downtime_is_closed_without_a_late_highlight(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    """Down for five days: the first day's close fell more than three days ago. Its thread gets no highlight
    days late, but the day is closed all the same: its marks are final and a best answer is not highlighted."""
    post = await first_day_answered(harness, mod, daily, alice,
                                    "Put the re-ranker behind a budget and measure recall first.")
    alices = answer_message(post, alice)
    await harness.stop()
    harness.clock.advance(days=5)
    await harness.start()
    await harness.advance(minutes=30)
    late = await bob.click(alices, "Helpful")
    assert late.ephemeral and "That day has closed" in late.text
    assert alices.button_labels == ["Helpful"]
    assert not any("has closed" in m.content for m in post.thread.messages)
    first_day = await harness.core.db.fetchval("SELECT MIN(local_date) FROM daily_posts")
    best = await mod.slash("daily best", member=alice, date=first_day)
    assert "already closed" in best.text and "not highlighted" in best.text


async def test_only_the_process_serving_a_guild_closes_its_days(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    """With the shards split over processes, every process runs the closing pass; the guild's own one acts."""
    post = await first_day_answered(harness, mod, daily, alice, "Cap each tenant's share of the GPU pool.")
    await bob.click(answer_message(post, alice), "Helpful")
    scheduler, guild_id = harness.core.scheduler, daily.guild.id  # type: ignore[union-attr]
    own_shard = (guild_id >> 22) % 2
    scheduler.shards = ShardLayout(2, (1 - own_shard,))  # this process runs the other shard only
    await harness.advance(hours=24, minutes=30)
    assert not any("Day 1 has closed" in m.content for m in post.thread.messages)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM daily_closes") == 0
    scheduler.shards = ShardLayout(2, (own_shard,))
    await harness.advance(minutes=15)
    assert sum("Day 1 has closed" in m.content for m in post.thread.messages) == 1


async def test_a_day_that_ends_while_the_bot_is_out_of_the_server_is_highlighted_once_it_is_added_back(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    """Nothing is asked of Discord in a server the bot was removed from (a thread it cannot reach, a DM to
    someone it may share no server with any more), and the day's highlight is not lost: added back within the
    days a missed close is still made, the thread gets it and its authors hear of it."""
    post = await first_day_answered(harness, mod, daily, alice, "Cap each tenant's share of the GPU pool.")
    await bob.click(answer_message(post, alice), "Helpful")
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance(hours=26)  # the day ends while the bot is out
    assert harness.sim.errors == [] and alice.dms == []
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    await harness.advance(minutes=15)
    assert sum("Day 1 has closed" in m.content for m in post.thread.messages) == 1
    assert len([m for m in alice.dms if "most helpful" in m.content]) == 1


async def test_highlighted_authors_are_told_once_even_when_the_process_died_after_the_claim(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    from bot.feedback import FeedbackService

    post = await first_day_answered(harness, mod, daily, alice,
                                    "Shard the index per tenant; size the write path first.")
    await bob.click(answer_message(post, alice), "Helpful")
    await harness.advance_to(datetime(2026, 3, 3, 9, 1, tzinfo=UTC))  # the day closes at the next pass
    feedback = harness.bot.services.get(FeedbackService)
    await feedback.repo.claim_close(harness.guild.id, date(2026, 3, 2), int(harness.clock.now().timestamp()))
    await harness.restart()  # the process died right after claiming the close
    await harness.advance(hours=1)
    assert sum("Day 1 has closed" in m.content for m in post.thread.messages) == 1
    assert len([m for m in alice.dms if "most helpful" in m.content]) == 1
    await harness.restart()
    await harness.advance(hours=1)
    assert len([m for m in alice.dms if "most helpful" in m.content]) == 1


async def test_an_answer_posted_again_after_its_message_was_deleted_shows_its_helpful_count(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, carol: SimMember,
        daily: SimChannel) -> None:
    post = await first_day_answered(harness, mod, daily, alice,
                                    "Shard the index per tenant; size the write path first.")
    await bob.click(answer_message(post, alice), "Helpful")
    await carol.click(answer_message(post, alice), "Helpful · 1")
    deleted = answer_message(post, alice)
    # A moderator deletes the message in the thread; the answer and its marks stay in the database.
    deleted.deleted = True
    harness.sim.dispatch_if_connected("MESSAGE_DELETE", {"id": str(deleted.id), "channel_id": str(post.thread.id),
                                                         "guild_id": str(harness.guild.id)})
    await harness.settle()
    await answer(alice, post, "Shard the index per tenant; size the write path first, then the reads.")
    [shown] = [m for m in post.thread.messages if not m.deleted and m.content.startswith("Answer from")]
    assert shown.id != deleted.id
    [gone] = harness.sim.errors  # the recorded message was tried first: Discord says it is gone
    assert gone.code == 10008
    harness.sim.errors.clear()
    assert shown.button_labels == ["Helpful · 2"]
    marked = await mod.click(shown, "Helpful · 2")
    assert marked.message.button_labels == ["Helpful · 3"]


async def test_a_thread_closed_to_the_bot_closes_the_day_without_a_highlight_and_still_tells_the_authors(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    post = await first_day_answered(harness, mod, daily, alice, "Shard the index per tenant; size it first.")
    await bob.click(answer_message(post, alice), "Helpful")
    daily.deny(harness.sim.bot_user.id, "send_messages_in_threads")  # Discord would refuse the highlight
    await harness.settle()
    before = len(post.thread.messages)
    await harness.advance(hours=48)  # the close is tried once, not every quarter hour (no request is refused)
    assert post.thread.messages[before:] == []
    [told] = [dm.content for dm in alice.dms if "most helpful" in dm.content]
    assert "1 member marked it Helpful." in told and "highlighted" not in told
    assert await harness.core.db.fetchval("SELECT message_id FROM daily_closes") == 0


async def test_a_thread_the_moderators_closed_and_locked_closes_the_day_without_a_highlight(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel,
        guild: SimGuild) -> None:
    """A moderator closes and locks the day's discussion; the bot, without Manage Threads, may not reopen it."""
    post = await first_day_answered(harness, mod, daily, alice, "Shard the index per tenant; size it first.")
    await bob.click(answer_message(post, alice), "Helpful")
    daily.deny(guild.bot_role.id, "manage_threads")
    thread = harness.sim.channels[post.thread.id]
    thread.locked = True
    set_archived(harness.sim, thread, True)
    before = len(post.thread.messages)
    await harness.advance(hours=48)
    assert post.thread.messages[before:] == [] and thread.archived
    [told] = [dm.content for dm in alice.dms if "most helpful" in dm.content]
    assert "1 member marked it Helpful." in told and "highlighted" not in told
    assert await harness.core.db.fetchval("SELECT message_id FROM daily_closes") == 0


async def test_a_helpful_mark_in_a_thread_the_moderators_locked_counts_nothing(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel,
        guild: SimGuild) -> None:
    """The moderators lock the day's discussion before the day ends. A member pressing Helpful there is
    told the discussion is locked and nothing is counted: the bot may not show the count on a message in a thread
    closed to it (Discord refuses the edit), so a mark it kept would be one nobody sees."""
    post = await first_day_answered(harness, mod, daily, alice, "Shard the index per tenant; size it first.")
    daily.deny(guild.bot_role.id, "manage_threads")
    thread = harness.sim.channels[post.thread.id]
    thread.locked = True  # still open to read, closed to new messages
    thread_update(harness.sim, thread)
    await harness.settle()
    refused = await bob.click(answer_message(post, alice), "Helpful")
    assert refused.ephemeral and "locked this discussion" in refused.text, refused.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM answer_marks") == 0
    assert answer_message(post, alice).button_labels == ["Helpful"]


async def test_answers_with_as_many_helpful_marks_share_their_place_in_the_highlight(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, carol: SimMember,
        daily: SimChannel) -> None:
    """As on the leaderboards, a tie shares a place: the later of two equally marked answers is not second."""
    post = await first_day_answered(harness, mod, daily, alice, "Shard the index per tenant; size it first.")
    await answer(bob, post, "Hybrid retrieval with a re-ranker inside a 2.5 s budget.")
    await answer(carol, post, "Cache the embeddings of the hottest documents.")
    await carol.click(answer_message(post, alice), "Helpful")
    await carol.click(answer_message(post, bob), "Helpful")
    await mod.click(answer_message(post, alice), "Helpful · 1")
    await mod.click(answer_message(post, bob), "Helpful · 1")
    await alice.click(answer_message(post, carol), "Helpful")
    await harness.advance(hours=24, minutes=30)
    [highlight] = [m for m in post.thread.messages if "Day 1 has closed" in m.content]
    lines = highlight.content.splitlines()
    assert f"🥇 <@{alice.id}> · 2 Helpful marks" in highlight.content
    assert f"🥇 <@{bob.id}> · 2 Helpful marks" in highlight.content
    assert any(line.startswith(f"🥉 <@{carol.id}> · 1 Helpful mark") for line in lines)  # two answers above it
    assert any("#1 most helpful" in dm.content for dm in alice.dms)
    assert any("#1 most helpful" in dm.content for dm in bob.dms)
    assert any("#3 most helpful" in dm.content for dm in carol.dms)


async def test_the_contributors_board_shows_members_still_in_the_server(
        harness: BotHarness, guild: SimGuild, mod: SimMember, alice: SimMember, bob: SimMember, carol: SimMember,
        daily: SimChannel) -> None:
    """Alice leaves (the bot is not told); the board ranks those still there, and she is back once active here."""
    post = await first_day_answered(harness, mod, daily, alice, "Shard the index per tenant.")
    await answer(bob, post, "Hybrid retrieval with a re-ranker.")
    await bob.click(answer_message(post, alice), "Helpful")
    await carol.click(answer_message(post, alice), "Helpful · 1")
    await alice.click(answer_message(post, bob), "Helpful")
    guild.remove_member(alice)
    board = await carol.slash("leaderboard", board="helpful")
    lines = board.embeds[0]["description"].splitlines()
    assert not any(str(alice.id) in line for line in lines), lines
    assert lines[0].endswith(f"<@{bob.id}> · **1**") and "🥇" in lines[0], lines
    own = await bob.slash("leaderboard", board="helpful")
    assert {f["name"]: f["value"] for f in own.embeds[0]["fields"]}["You"] == "#1 with **1**"
    guild.readd_member(alice)
    await harness.advance(days=1)
    [day_two] = [m for m in daily.messages if m.embeds and m.embeds[0].get("title", "").startswith("Day 2")]
    await answer(alice, day_two, "Partition by tenant, then by time.")
    lines = (await carol.slash("leaderboard", board="helpful")).embeds[0]["description"].splitlines()
    assert lines[0].endswith(f"<@{alice.id}> · **2**"), lines


async def test_an_answer_tied_with_the_third_most_helpful_is_highlighted_too(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, carol: SimMember,
        daily: SimChannel) -> None:
    """Places are shared by marks, not by who submitted first: the fourth answer, as marked as the third, is in."""
    post = await first_day_answered(harness, mod, daily, alice, "Shard the index per tenant; size it first.")
    await answer(bob, post, "Hybrid retrieval with a re-ranker inside a 2.5 s budget.")
    await answer(carol, post, "Cache the embeddings of the hottest documents.")
    await answer(mod, post, "Batch the writes and rebuild the index nightly.")
    await bob.click(answer_message(post, alice), "Helpful")
    await carol.click(answer_message(post, alice), "Helpful · 1")
    for author in (bob, carol, mod):
        await alice.click(answer_message(post, author), "Helpful")
    await harness.advance(hours=24, minutes=30)
    [highlight] = [m for m in post.thread.messages if "Day 1 has closed" in m.content]
    lines = highlight.content.splitlines()
    assert any(line.startswith(f"🥇 <@{alice.id}> · 2 Helpful marks") for line in lines), lines
    for author in (bob, carol, mod):
        assert any(line.startswith(f"🥈 <@{author.id}> · 1 Helpful mark") for line in lines), (author.name, lines)
        assert any("#2 most helpful" in dm.content for dm in author.dms), author.name
