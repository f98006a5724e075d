"""Daily prompts through the local Discord, as moderators and members see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.daily import SavedAnswer
from bot.localdiscord import BotHarness, CommandForbidden, SimChannel, SimMember, SimMessage


async def setup_daily(mod: SimMember, channel: SimChannel, time: str = "10:00",
                      zone: str = "Europe/Berlin", **extra: object) -> str:
    reply = await mod.slash("daily setup", channel=channel, time=time, timezone=zone, **extra)
    assert reply.ephemeral
    return reply.text


def posts(channel: SimChannel) -> list:
    return [m for m in channel.messages if m.embeds and m.embeds[0].get("title", "").startswith("Day ")]


async def test_setup_shows_the_next_three_posts_in_local_time(harness: BotHarness, mod: SimMember,
                                                               daily: SimChannel) -> None:
    text = await setup_daily(mod, daily)
    assert "10:00" in text and "Europe/Berlin" in text
    assert "Mon 02 Mar 10:00 CET" in text and "Tue 03 Mar 10:00 CET" in text and "Wed 04 Mar 10:00 CET" in text


@pytest.mark.parametrize("typed", ["10am", "10 AM", "10:00 a.m.", "10h00"])
async def test_setup_takes_the_time_as_people_write_it(harness: BotHarness, mod: SimMember, daily: SimChannel,
                                                       typed: str) -> None:
    text = await setup_daily(mod, daily, time=typed)
    assert "Mon 02 Mar 10:00 CET" in text and "Tue 03 Mar 10:00 CET" in text


@pytest.mark.parametrize(("time", "zone", "expected"), [
    ("25:00", "Europe/Berlin", "is not a time of day"),
    ("0900", "Europe/Berlin", "HH:MM"),
    ("13pm", "Europe/Berlin", "the hour is 1 to 12"),
    ("09:00", "Mars/Olympus", "is not a timezone"),
    ("09:00", "", "is not a timezone"),
])
async def test_setup_rejects_bad_time_or_zone_and_saves_nothing(harness: BotHarness, mod: SimMember,
                                                                daily: SimChannel, time: str, zone: str,
                                                                expected: str) -> None:
    reply = await mod.slash("daily setup", channel=daily, time=time, timezone=zone)
    assert reply.ephemeral and expected in reply.text
    status = await mod.slash("daily status")
    assert "not set up" in status.text


async def test_members_cannot_configure(harness: BotHarness, alice: SimMember, daily: SimChannel) -> None:
    with pytest.raises(CommandForbidden):
        await alice.slash("daily setup", channel=daily, time="10:00", timezone="UTC")


async def test_a_post_arrives_at_the_local_time_with_a_thread_and_buttons(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    await harness.advance_to(datetime(2026, 3, 2, 8, 59, tzinfo=UTC))
    assert posts(daily) == []
    await harness.advance(minutes=1)
    [post] = posts(daily)
    assert post.embeds[0]["title"].startswith("Day 1 · ")
    assert post.button_labels == ["Submit answer", "Hints", "Rubric"]
    assert post.thread is not None and post.thread.name.startswith("Day 1: ")
    await harness.advance(hours=23, minutes=59)
    assert len(posts(daily)) == 1
    await harness.advance(minutes=1)
    assert [p.embeds[0]["title"][:6] for p in posts(daily)] == ["Day 1 ", "Day 2 "]


async def test_answers_go_to_the_thread_once_and_unlock_the_rubric(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    locked = await alice.click(post, "Rubric")
    assert locked.ephemeral and "once you have submitted" in locked.text
    form = await alice.click(post, "Submit answer")
    assert form.modal is not None
    done = await alice.submit_modal(form, answer="Shard the index by tenant @everyone <@&1>")
    assert done.ephemeral and "Saved" in done.text
    thread_messages = [m for m in post.thread.messages if m.content.startswith("Answer from")]
    assert len(thread_messages) == 1
    assert not thread_messages[0].mentions_everyone and not thread_messages[0].pinged_role_ids
    assert "Shard the index by tenant" in thread_messages[0].text
    again = await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Second thoughts")
    assert "updated" in again.text
    thread_messages = [m for m in post.thread.messages if m.content.startswith("Answer from")]
    assert len(thread_messages) == 1 and "(edited)" in thread_messages[0].content
    assert "Second thoughts" in thread_messages[0].text
    rubric = await alice.click(post, "Rubric")
    assert "What a strong answer covers" in rubric.text
    hints = await bob.click(post, "Hints")
    assert hints.ephemeral and "Hints" in hints.text
    rows = await harness.core.db.fetchall("SELECT kind, count FROM activity WHERE user_id = ?", (alice.id,))
    assert [(r[0], r[1]) for r in rows] == [("answer", 1)]


async def test_a_submitted_answer_is_confirmed_with_its_thread_in_two_requests(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    form = await alice.click(post, "Submit answer")
    before = len(harness.sim.requests)
    done = await alice.submit_modal(form, answer="Cache embeddings per tenant")
    made = harness.sim.requests[before:]
    assert done.ephemeral and "Saved" in done.text and f"<#{post.thread.id}>" in done.text
    assert "counts for today's streak" in done.text
    assert len(made) == 2, made  # the confirmation, then the answer shown in the thread
    assert [m.text for m in post.thread.messages if m.content.startswith("Answer from")] != []


async def test_a_resubmission_whose_first_message_went_unrecorded_edits_it_instead_of_posting_twice(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    await bob.submit_modal(await bob.click(post, "Submit answer"), answer="Bob's answer, shown first")
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer="First draft")
    # The process died after the message was sent and before its id was stored.
    await harness.core.db.execute("UPDATE daily_answers SET thread_message_id = NULL WHERE user_id = ?", (alice.id,))
    again = await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Second draft")
    assert "updated" in again.text
    alices = [m for m in post.thread.messages if m.content.startswith(f"Answer from <@{alice.id}>")]
    assert len(alices) == 1 and "Second draft" in alices[0].text and "(edited)" in alices[0].content
    assert any("Bob's answer" in m.text for m in post.thread.messages)  # another member's answer is not taken
    rows = await harness.core.db.fetchall("SELECT thread_message_id FROM daily_answers WHERE user_id = ?",
                                          (alice.id,))
    assert rows[0][0] == alices[0].id


async def test_buttons_keep_working_after_a_restart(harness: BotHarness, mod: SimMember, alice: SimMember,
                                                    daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    await harness.restart()
    form = await alice.click(post, "Submit answer")
    done = await alice.submit_modal(form, answer="After the restart")
    assert "Saved" in done.text
    assert len(posts(daily)) == 1


async def test_post_now_posts_once(harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    first = await mod.slash("daily post-now")
    assert "Posted day 1" in first.text
    second = await mod.slash("daily post-now")
    assert "already posted" in second.text
    await harness.advance(hours=2)
    assert len(posts(daily)) == 1


async def test_missing_permission_is_recorded_and_told_once(harness: BotHarness, mod: SimMember,
                                                           daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    general = harness.guild.channel("general")
    harness.guild.system_channel_id = general.id
    await harness.restart()  # the guild now reports a system channel
    daily.deny(harness.sim.bot_user.id, "send_messages")
    await harness.settle()
    await harness.advance(hours=1)
    assert posts(daily) == []
    status = await mod.slash("daily status")
    assert "Send Messages" in status.text and "#daily" in status.text
    await harness.advance(timedelta(days=1))
    assert posts(daily) == []
    notices = [m for m in general.messages if "could not deliver" in m.content]
    assert len(notices) == 1 and "Send Messages" in notices[0].content
    daily.clear_overwrite(harness.sim.bot_user.id)
    await harness.settle()
    fixed = await mod.slash("daily post-now")
    assert "Posted day 1" in fixed.text
    assert len(posts(daily)) == 1


async def test_an_answer_form_left_open_across_a_restart_is_still_saved(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    form = await alice.click(post, "Submit answer")
    await harness.restart()
    done = await alice.submit_modal(form, answer="Typed while the bot restarted")
    assert "Saved" in done.text
    assert any("Typed while the bot restarted" in m.text for m in post.thread.messages)


async def test_a_deleted_channel_is_reported_and_nothing_crashes(harness: BotHarness, mod: SimMember,
                                                                 daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    harness.guild.delete_channel(daily)
    await harness.settle()
    with harness.sim.expect_errors(10003):  # the bot checks with Discord before giving up on the channel
        await harness.advance(hours=1)
    status = await mod.slash("daily status", channel=harness.guild.channel("general"))
    assert "no longer exists" in status.text and "/daily setup" in status.text
    harness.check_alive()


async def test_the_answer_form_speaks_to_the_prompts_kind(harness: BotHarness, mod: SimMember, alice: SimMember,
                                                          daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    await mod.select(await mod.slash("daily kinds"), ["behavioral"])
    await harness.advance(hours=1)
    [post] = posts(daily)
    form = await alice.click(post, "Submit answer")
    title = post.embeds[0]["title"].removeprefix("Day 1 · ")
    assert len(form.modal["title"]) <= 45 and title.startswith(form.modal["title"].removesuffix("…"))
    fields = [c for row in form.modal["components"] for c in (row.get("components") or [row.get("component")])]
    [answer] = [f for f in fields if f and f.get("custom_id") == "answer"]
    assert "design" not in answer["placeholder"].lower() and "Situation" in answer["placeholder"]
    assert (answer.get("label") or form.modal["components"][0].get("label")) == "Your story"


async def answer_stored_but_not_shown(harness: BotHarness, mod: SimMember, member: SimMember, daily: SimChannel,
                                     text: str) -> tuple[SimMessage, SavedAnswer]:
    """Today's post, and ``member``'s answer stored (and credited) as a submitted form stores it, not yet shown."""
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    await harness.advance(hours=2)
    [post] = posts(daily)
    service = harness.bot.get_cog("Daily").service
    record = (await service.delivery.repo.posts(harness.guild.id))[0]
    return post, await service.save_answer(harness.guild.id, record.local_date, member.id, text)


async def test_an_answer_stored_before_the_process_died_is_shown_once_at_the_next_start(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    post, _ = await answer_stored_but_not_shown(harness, mod, alice, daily, "Cache embeddings per version")
    await harness.restart()  # died after storing (and crediting) it, before showing it
    shown = [m for m in post.thread.messages if "Cache embeddings per version" in str(m.embeds)]
    assert len(shown) == 1
    await harness.restart()
    assert len([m for m in post.thread.messages if "Cache embeddings per version" in str(m.embeds)]) == 1


async def test_an_answer_shown_before_the_process_died_is_adopted_and_deleted_with_the_members_data(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    post, saved = await answer_stored_but_not_shown(harness, mod, alice, daily, "My private design notes")
    # The answer reaches the thread; the process dies before recording where.
    publisher = harness.bot.get_cog("Daily").service.delivery.publisher
    await publisher.post_answer(saved.thread_id, alice.id, saved.answer.body, edited=False,
                                existing_message_id=None, day=saved.answer.local_date)
    await harness.restart()
    assert len([m for m in post.thread.messages if "My private design notes" in str(m.embeds)]) == 1
    done = await alice.click(await alice.slash("privacy delete"), "Delete my data")
    assert "Removed:" in done.text
    await harness.settle()
    assert not [m for m in post.thread.messages if not m.deleted and "My private design notes" in str(m.embeds)]


async def test_after_daily_remove_todays_post_still_takes_answers_as_the_reply_promised(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    [post] = posts(daily)
    removed = await mod.click(await mod.slash("daily remove"), "Remove the schedule")
    assert "Past posts and answers stay" in removed.text
    await harness.restart()  # nothing cached: the post is read afresh
    hints = await alice.click(post, "Hints")
    assert "Hints" in hints.text, hints.text
    done = await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Shard the queue by tenant")
    assert "Saved" in done.text, done.text


async def test_an_answer_the_thread_would_refuse_is_saved_and_the_member_told_why_without_asking_discord(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    daily.deny(harness.sim.bot_user.id, "send_messages_in_threads")  # the thread inherits the channel's
    await harness.settle()
    done = await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Cache the embeddings")
    assert done.ephemeral and "Saved, but I cannot show it" in done.text
    assert "Send Messages in Threads" in done.text and "still counts" in done.text
    assert not any("Cache the embeddings" in m.text for m in post.thread.messages)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM daily_answers") == 1


async def test_a_post_without_its_thread_says_which_permission_and_asks_discord_nothing(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    general = harness.guild.channel("general")
    harness.guild.system_channel_id = general.id
    await harness.restart()
    await setup_daily(mod, daily)
    daily.deny(harness.sim.bot_user.id, "create_public_threads")
    await harness.settle()
    await harness.advance(days=2)  # two posts; Discord would refuse each thread, so it is not asked
    assert len(posts(daily)) == 2 and all(post.thread is None for post in posts(daily))
    [notice] = [m.content for m in general.messages if "Create Public Threads" in m.content]
    assert "could not start the discussion thread" in notice


async def test_a_post_that_went_without_its_thread_gets_one_once_the_permission_is_granted(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    """Answers are shown in the day's thread: one a missing Create Public Threads kept from starting is started
    by the first answer after a moderator grants it, and every later answer goes there too."""
    await setup_daily(mod, daily)
    daily.deny(harness.sim.bot_user.id, "create_public_threads")
    await harness.settle()
    await harness.advance(hours=1)
    [post] = posts(daily)
    assert post.thread is None
    daily.allow(harness.sim.bot_user.id, "create_public_threads")
    await harness.settle()

    done = await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Shard the index by tenant")
    assert "Saved" in done.text and "It counts for today's streak" in done.text
    assert post.thread is not None and post.thread.name.startswith("Day 1: ")
    assert [m.text for m in post.thread.messages if m.content.startswith("Answer from")] == [
        next(m.text for m in post.thread.messages if "Shard the index" in m.text)]
    later = await bob.submit_modal(await bob.click(post, "Submit answer"), answer="Cache embeddings per tenant")
    assert f"<#{post.thread.id}>" in later.text, later.text
    assert sum(m.content.startswith("Answer from") for m in post.thread.messages) == 2
    assert await harness.core.db.fetchval("SELECT thread_id FROM daily_posts") == post.thread.id


async def test_answers_saved_before_the_thread_existed_are_shown_once_it_is_started(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    """An answer given while the post had no thread is saved and counts; when a later answer starts the thread,
    the earlier one is shown there too, without waiting for a restart."""
    await setup_daily(mod, daily)
    daily.deny(harness.sim.bot_user.id, "create_public_threads")
    await harness.settle()
    await harness.advance(hours=1)
    [post] = posts(daily)
    early = await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Shard the index by tenant")
    assert "Saved" in early.text and post.thread is None
    daily.allow(harness.sim.bot_user.id, "create_public_threads")
    await harness.settle()

    await bob.submit_modal(await bob.click(post, "Submit answer"), answer="Cache embeddings per tenant")
    assert post.thread is not None
    shown = [m.text for m in post.thread.messages if m.content.startswith("Answer from")]
    assert len(shown) == 2 and any("Shard the index" in text for text in shown), shown
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM daily_answers WHERE shown = 0") == 0
    await harness.restart()  # nothing is shown twice
    assert sum(m.content.startswith("Answer from") for m in post.thread.messages) == 2


async def test_answers_given_together_as_the_thread_is_started_are_each_shown_once(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, carol: SimMember,
        daily: SimChannel) -> None:
    """Bob's and Carol's answers both start the thread a missing Create Public Threads kept the post from; the
    first to get it shows the answers saved without it (Alice's, and the other's not yet shown) while the other
    waits on Discord, which then shows its own: no answer is shown twice."""
    await setup_daily(mod, daily)
    daily.deny(harness.sim.bot_user.id, "create_public_threads")
    await harness.settle()
    await harness.advance(hours=1)
    [post] = posts(daily)
    early = await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Shard the index by tenant")
    assert "Saved" in early.text and post.thread is None
    daily.allow(harness.sim.bot_user.id, "create_public_threads")
    await harness.settle()

    forms = [await member.click(post, "Submit answer") for member in (bob, carol)]
    harness.sim.faults.fail_next(500, 1, route_contains="/threads")  # Discord slow to start it for one of them
    bob.start_submit_modal(forms[0], answer="Cache embeddings per tenant")
    carol.start_submit_modal(forms[1], answer="Batch the re-embedding at night")
    await harness.settle()
    assert post.thread is not None
    shown = sorted(m.text for m in post.thread.messages if m.content.startswith("Answer from"))
    assert len(shown) == 3, shown
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM daily_answers WHERE shown = 0") == 0



async def test_one_members_two_forms_submitted_together_show_one_answer(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """Alice has the form open twice and submits both while Discord is slow to take the first: the second
    replaces the first in one message, not two."""
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    forms = [await alice.click(post, "Submit answer") for _ in range(2)]
    harness.sim.faults.fail_next(500, 1, route_contains=f"/channels/{post.thread.id}/messages")
    alice.start_submit_modal(forms[0], answer="Shard the index by tenant")
    alice.start_submit_modal(forms[1], answer="Shard the index by tenant, then cache per shard")
    await harness.settle()
    shown = [m.text for m in post.thread.messages if m.content.startswith("Answer from")]
    assert len(shown) == 1 and "cache per shard" in shown[0], shown
