"""A member's answer after faults and moves: an edit stored before a crash is shown, a timezone change invents no day."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from bot.localdiscord.threads import thread_update


async def setup_daily(mod: SimMember, channel: SimChannel) -> None:
    reply = await mod.slash("daily setup", channel=channel, time="10:00", timezone="Europe/Berlin")
    assert reply.ephemeral


def posts(channel: SimChannel) -> list:
    return [m for m in channel.messages if m.embeds and m.embeds[0].get("title", "").startswith("Day ")]


async def test_an_edit_stored_before_the_process_died_is_shown_at_the_next_start(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """As a first answer stored but not shown is shown at the next start, so is a replacing one: the member was
    told "Saved and updated in #thread" before the bot went to edit the thread's message."""
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    done = await alice.submit_modal(await alice.click(post, "Submit answer"), answer="First draft: one queue")
    assert "Saved and posted" in done.text
    service = harness.bot.get_cog("Daily").service
    record = (await service.delivery.repo.posts(harness.guild.id))[0]
    # The second submission is stored (what the member is told), then the process dies before the thread's
    # message is edited (the confirmation goes out first, see cogs/daily/views.py _answer_submitted).
    saved = await service.save_answer(harness.guild.id, record.local_date, alice.id, "Second draft: a queue per tenant")
    assert saved.edited
    await harness.restart()
    await harness.advance(minutes=30)
    [shown] = [m for m in post.thread.messages if not m.deleted and m.content.startswith(f"Answer from <@{alice.id}>")]
    assert "Second draft" in shown.text, shown.text  # the thread still shows the replaced text


async def test_replacing_an_old_answer_after_a_timezone_change_does_not_credit_a_day_nobody_studied(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """README, Streaks: changing timezone never adds or removes a day already earned. Alice answers Monday's
    prompt on Monday (credited Monday), moves to a timezone 14 hours ahead of UTC, and on Thursday polishes that
    old answer: the re-submission is no new answer (it is not credited today) and must not create a day either."""
    from datetime import UTC, datetime
    await setup_daily(mod, daily)
    await harness.advance_to(datetime(2026, 3, 2, 10, 30, tzinfo=UTC))  # Monday 11:30 in Berlin
    [post] = posts(daily)
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Shard the queue by tenant")
    before = await harness.core.db.fetchall(
        "SELECT local_date FROM activity WHERE user_id = ? AND kind = 'answer' ORDER BY local_date", (alice.id,))
    assert [r[0] for r in before] == ["2026-03-02"]
    await alice.slash("streak timezone", timezone="Pacific/Kiritimati")
    await harness.advance_to(datetime(2026, 3, 5, 2, 0, tzinfo=UTC))  # Thursday
    again = await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Shard the queue by tenant, then cap")
    assert "updated" in again.text and "counts for today's streak" not in again.text
    after = await harness.core.db.fetchall(
        "SELECT local_date FROM activity WHERE user_id = ? AND kind = 'answer' ORDER BY local_date", (alice.id,))
    assert [r[0] for r in after] == ["2026-03-02"]  # not a Tuesday answer she never gave


async def test_answers_to_a_day_whose_thread_the_moderators_locked_are_saved_without_a_refused_request(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    """A moderator locks the day's discussion and the bot lacks Manage Threads: Discord would refuse its messages
    there, so the bot does not ask (the harness fails on any refused request) and tells the member at once."""
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer="First draft: one queue")
    daily.deny(harness.guild.bot_role.id, "manage_threads")
    thread = harness.sim.channels[post.thread.id]
    thread.locked = True
    thread_update(harness.sim, thread)
    await harness.settle()
    edited = await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Second draft: a queue each")
    fresh = await bob.submit_modal(await bob.click(post, "Submit answer"), answer="Shard the queue by tenant")
    for reply in (edited, fresh):
        assert "Saved" in reply.text and "locked" in reply.text, reply.text
    assert not [m for m in post.thread.messages if str(bob.id) in m.content]
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM daily_answers") == 2  # both saved all the same
    assert not harness.sim.errors, harness.sim.errors


async def test_an_answer_discord_failed_to_show_waits_while_the_bot_is_out_of_the_server(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """Discord fails to take the answer for a moment, and the server removes the bot before the retry: nothing is
    tried there while it is out (nor at a restart then). Added back, the answer is shown in the day's thread."""
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    assert post.thread is not None
    harness.sim.faults.fail_next(503, 1, route_contains=f"/channels/{post.thread.id}/messages")
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer="One queue per tenant")
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance(hours=1)
    await harness.restart()
    await harness.advance(hours=1)
    assert harness.sim.errors == []
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    await harness.advance(seconds=1)
    [shown] = [m for m in post.thread.messages if m.content.startswith(f"Answer from <@{alice.id}>")]
    assert "One queue per tenant" in shown.text


async def test_an_answer_shown_just_before_the_process_died_is_found_in_a_busy_thread(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    """The process died after showing an answer and before recording its message; by the next start the
    discussion moved on by more than a page of history. The message is found and kept, not shown twice."""
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer="First draft: one queue")
    # What dying between the send and its record leaves: the message in the thread, the answer not shown.
    await harness.core.db.execute("UPDATE daily_answers SET thread_message_id = NULL, shown = 0")
    thread = harness.sim.channels[post.thread.id]
    for n in range(150):
        harness.sim.new_message(thread, bob.user, {"content": f"Reply {n}: what about hot tenants?"})
    await harness.restart()
    await harness.advance(minutes=30)
    shown = [m for m in post.thread.messages
             if not m.deleted and m.content.startswith(f"Answer from <@{alice.id}>")]
    assert len(shown) == 1, [m.created_at for m in shown]
    assert await harness.core.db.fetchval("SELECT shown FROM daily_answers") == 1
