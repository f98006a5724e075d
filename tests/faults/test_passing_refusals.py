"""Scheduled posts when Discord refuses for a while: a passing 429, a permission taken away and given back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.activity import ActivityKind
from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_daily import posts, setup_daily
from tests.cogs.test_mock import agree_first_time, join_all, schedule, threads
from tests.cogs.test_quiz import quizzes

pytestmark = pytest.mark.faults


async def signed_up(harness: BotHarness, mod: SimMember, members: list[SimMember], *, by_dm: bool = False) -> None:
    """A weekly mock schedule in #mock-interviews with ``members`` signed up; ``by_dm``: the bot may not create
    private threads there, so each group is told by DM."""
    room = harness.guild.create_text_channel("mock-interviews")
    if by_dm:
        room.deny(harness.sim.bot_user.id, "create_private_threads")
    await join_all(members)
    await schedule(mod, room)


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


async def test_a_discussion_thread_met_by_a_passing_server_error_is_started_the_same_day(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel, general: SimChannel) -> None:
    harness.guild.system_channel_id = general.id
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")  # 09:00 UTC
    await harness.advance_to(datetime(2026, 3, 2, 8, 59, tzinfo=UTC))
    harness.sim.faults.fail_next(503, 1, route_contains="/threads")  # Discord fails once as the thread starts
    await harness.advance_to(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    [post] = posts(daily)
    assert post.thread is not None, "the day's discussion thread was never started"
    reply = await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Shard the index per tenant")
    assert "Saved" in reply.text
    assert any(m.content.startswith("Answer from") for m in post.thread.messages)
    assert not [m.content for m in general.messages if "Create Public Threads" in m.content]


async def test_a_round_end_met_by_a_passing_server_error_still_asks_every_group_and_closes_the_round(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, carol: SimMember) -> None:
    await signed_up(harness, mod, [alice, bob, carol, harness.guild.add_member("dana")])  # weekly, Fri 10:00 UTC
    await harness.advance_to(datetime(2026, 3, 6, 10, 1, tzinfo=UTC))
    first_round = threads(harness.guild)
    assert len(first_round) == 2
    await harness.advance_to(datetime(2026, 3, 12, 21, 0, tzinfo=UTC))  # nudged two days before the end
    harness.sim.faults.fail_next(503, 1, route_contains="/messages")  # Discord fails once as the round ends
    await harness.advance_to(datetime(2026, 3, 13, 0, 0, tzinfo=UTC))  # the end (Thursday 22:00) and after
    asked = [sum("How did it go" in m.content or "no time found" in m.content for m in t.messages)
             for t in first_round]
    status = await harness.core.db.fetchval("SELECT status FROM mock_rounds WHERE number = 1")
    assert asked == [1, 1] and status == "closed", f"check-ins per group: {asked}; round 1 is {status}"
    await harness.advance_to(datetime(2026, 3, 13, 10, 1, tzinfo=UTC))
    assert len(threads(harness.guild)) == 4, "the next scheduled round did not start"


async def test_a_nudge_met_by_a_passing_server_error_still_reaches_every_group_that_day(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, carol: SimMember) -> None:
    await signed_up(harness, mod, [alice, bob, carol, harness.guild.add_member("dana")])  # ends Thursday 22:00
    await harness.advance_to(datetime(2026, 3, 6, 10, 1, tzinfo=UTC))
    groups = threads(harness.guild)
    assert len(groups) == 2
    await harness.advance_to(datetime(2026, 3, 10, 21, 59, tzinfo=UTC))
    harness.sim.faults.fail_next(503, 1, route_contains="/messages")  # Discord fails once as the nudge goes out
    await harness.advance_to(datetime(2026, 3, 10, 23, 0, tzinfo=UTC))
    nudged = [sum(m.content.startswith("⏳ Round 1 ends") for m in t.messages) for t in groups]
    assert nudged == [1, 1], f"nudges per group: {nudged}"


async def test_a_brief_met_by_a_passing_server_error_reaches_its_group_within_minutes(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    await signed_up(harness, mod, [alice, bob])
    harness.sim.faults.fail_next(503, 2, route_contains="/messages")  # the thread's history, then the brief
    assert "Round 1 started" in (await mod.slash("mock-admin pair-now")).text
    [thread] = threads(harness.guild)
    await harness.advance(minutes=5)
    briefs = [m for m in thread.messages if m.embeds and "mock interview round" in m.content]
    assert len(briefs) == 1, f"the group's thread holds {len(briefs)} briefs five minutes later"


async def test_feedback_by_dm_that_discord_fails_to_take_for_a_moment_is_shared_when_it_recovers(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    await signed_up(harness, mod, [alice, bob], by_dm=True)
    await mod.slash("mock-admin pair-now")
    await harness.advance(days=7)
    checkin = next(m for m in alice.dms if "We met" in m.button_labels)
    met = await alice.click(checkin, "We met")
    label = next(label for label in met.button_labels if label.startswith("Feedback"))
    form = await alice.click(met, label)
    harness.sim.faults.fail_next(503, 1, route_contains=f"/channels/{harness.sim.dm_channels[bob.id].id}/messages")
    sent = await alice.submit_modal(form, communication="5", depth="4", tradeoffs="4", note="Good pacing")
    assert "shared with your partner" in sent.text
    await harness.advance(minutes=5)
    shared = [m.content for m in bob.dms if m.content.startswith(f"📝 Feedback for <@{bob.id}>")]
    assert len(shared) == 1, f"the partner's DMs hold {len(shared)} copies of the feedback"


async def test_a_moderator_notice_met_by_a_passing_server_error_is_not_lost(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel) -> None:
    harness.guild.system_channel_id = general.id
    await harness.restart()  # the guild now reports a system channel
    await setup_daily(mod, daily, time="10:00", zone="UTC")
    daily.deny(harness.sim.bot_user.id, "send_messages")
    await harness.settle()
    harness.sim.faults.fail_next(503, 1, route_contains=f"/channels/{general.id}/messages")  # as the notice goes out
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    assert posts(daily) == []
    await harness.advance_to(datetime(2026, 3, 3, 11, 0, tzinfo=UTC))  # the next day's post is refused too
    notices = [m.content for m in general.messages if "could not deliver" in m.content]
    assert len(notices) == 1 and "Send Messages" in notices[0], f"notices: {notices}"


async def test_a_milestone_met_by_a_passing_server_error_is_celebrated_once_within_minutes(
        harness: BotHarness, mod: SimMember, alice: SimMember, general: SimChannel) -> None:
    await mod.slash("streak-admin announcements", state="on", channel=general)
    for days_ago in range(6, 0, -1):
        await harness.core.activity.record(harness.guild.id, alice.id, ActivityKind.REVIEW,
                                           harness.clock.now() - timedelta(days=days_ago))
    await harness.settle()
    harness.sim.faults.fail_next(503, 1, route_contains=f"/channels/{general.id}/messages")
    await harness.core.activity.record(harness.guild.id, alice.id, ActivityKind.REVIEW, harness.clock.now())
    await harness.settle()
    await harness.advance(minutes=5)
    celebrations = [m.content for m in general.messages if "7-day streak" in m.content]
    assert len(celebrations) == 1, f"the channel holds {len(celebrations)} celebrations five minutes later"


async def test_a_check_in_by_dm_met_by_a_passing_server_error_reaches_the_member_once(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    await signed_up(harness, mod, [alice, bob], by_dm=True)
    await mod.slash("mock-admin pair-now")
    ends_at = await harness.core.db.fetchval("SELECT ends_at FROM mock_rounds")
    await harness.advance_to(datetime.fromtimestamp(ends_at, UTC) - timedelta(minutes=1))
    # Discord fails to read bob's DMs, then to take his check-in
    harness.sim.faults.fail_next(503, 2, route_contains=f"/channels/{harness.sim.dm_channels[bob.id].id}/messages")
    await harness.advance(hours=2)
    asked = {member.name: sum(m.content.startswith("Round 1 is ending") for m in member.dms)
             for member in (alice, bob)}
    assert asked == {"alice": 1, "bob": 1}, f"check-ins per member: {asked}"


async def test_a_pause_dm_met_by_a_passing_server_error_reaches_the_member_once_within_minutes(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    await signed_up(harness, mod, [alice, bob])
    for number in (1, 2):  # bob misses two interviews in a row
        await mod.slash("mock-admin pair-now")
        [thread] = [t for t in threads(harness.guild) if t.name.startswith(f"Mock #{number} ")]
        await agree_first_time(thread, [alice, bob])
        await harness.advance(days=7)
        checkin = next(m for m in thread.messages if "How did it go" in m.content)
        if number == 2:  # Discord fails once as bob is told he is paused
            harness.sim.faults.fail_next(503, 1, route_contains=f"/channels/{harness.sim.dm_channels[bob.id].id}/")
        await alice.click(checkin, "They didn't show")
    await harness.advance(minutes=5)
    told = [m.content for m in bob.dms if "paused" in m.content and "/mock join" in m.content]
    assert len(told) == 1, f"bob's DMs hold {len(told)} pause notices five minutes later"


async def test_an_agreed_time_by_dm_met_by_a_passing_server_error_is_confirmed_to_each_member_once(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    await signed_up(harness, mod, [alice, bob], by_dm=True)
    await mod.slash("mock-admin pair-now")
    brief = next(m for m in alice.dms if "Propose another time" in m.button_labels)
    await alice.submit_modal(await alice.click(brief, "Propose another time"), when="Thu 19:00")
    proposal = next(m for m in bob.dms if " proposes meeting at " in m.content)
    # Discord fails once as alice is told the time is agreed
    harness.sim.faults.fail_next(503, 1, route_contains=f"/channels/{harness.sim.dm_channels[alice.id].id}/messages")
    with harness.sim.expect_errors():
        accepted = await bob.click(proposal, "Accept this time")
    assert "Agreed" in accepted.text, accepted.text
    await harness.advance(minutes=5)
    confirmed = {member.name: sum(m.content.startswith("✅ Interview confirmed") for m in member.dms)
                 for member in (alice, bob)}
    assert confirmed == {"alice": 1, "bob": 1}, f"confirmations per member: {confirmed}"


async def test_a_left_out_dm_met_by_a_passing_server_error_reaches_the_member_once_within_minutes(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, carol: SimMember) -> None:
    await signed_up(harness, mod, [alice, bob, carol])
    await carol.slash("mock exclude", member=alice)
    await carol.slash("mock exclude", member=bob)
    harness.sim.faults.fail_next(503, 1, route_contains="/users/@me/channels")  # as carol's DMs are opened
    await mod.slash("mock-admin pair-now")
    await harness.advance(minutes=5)
    told = [m.content for m in carol.dms if "nobody you can be paired with" in m.content]
    assert len(told) == 1, f"carol's DMs hold {len(told)} left-out notices five minutes later"


async def test_the_only_member_taking_part_met_by_a_passing_server_error_is_told_once_within_minutes(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    await signed_up(harness, mod, [alice, bob])  # weekly, Friday 10:00 UTC
    await bob.slash("mock pause")
    harness.sim.faults.fail_next(503, 1, route_contains="/users/@me/channels")  # as alice's DMs are opened
    await harness.advance_to(datetime(2026, 3, 6, 10, 5, tzinfo=UTC))
    told = [m.content for m in alice.dms if "nobody to pair you with" in m.content]
    assert len(told) == 1, f"alice's DMs hold {len(told)} notices five minutes after the round's time"


async def test_an_ask_to_withdraw_met_by_a_passing_server_error_reaches_the_reporter_once_within_minutes(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    await signed_up(harness, mod, [alice, bob])
    await mod.slash("mock-admin pair-now")
    [thread] = threads(harness.guild)
    await agree_first_time(thread, [alice, bob])
    await harness.advance(days=7)
    checkin = next(m for m in thread.messages if "How did it go" in m.content)
    await alice.click(checkin, "They didn't show")
    # Discord fails to read alice's DMs, then to take the ask
    harness.sim.faults.fail_next(503, 2, route_contains=f"/channels/{harness.sim.dm_channels[alice.id].id}/messages")
    await bob.click(checkin, "We met")
    await harness.settle()
    await harness.advance(minutes=5)
    asked = [m.content for m in alice.dms if "says the two of you did meet" in m.content]
    assert len(asked) == 1, f"alice's DMs hold {len(asked)} asks five minutes later"


async def test_a_round_cancellation_met_by_a_passing_server_error_reaches_every_group_once_within_minutes(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, carol: SimMember) -> None:
    dana = harness.guild.add_member("dana")
    await signed_up(harness, mod, [alice, bob, carol, dana])
    await mod.slash("mock-admin pair-now")
    first, second = threads(harness.guild)
    # Discord fails to read the first group's thread, then to take the message there
    harness.sim.faults.fail_next(503, 2, route_contains=f"/channels/{first.id}/messages")
    assert "Round 1 is cancelled" in (await mod.slash("mock-admin cancel-round")).text
    await harness.advance(minutes=5)
    told = [sum(m.content.startswith("✖️ Round 1 was cancelled") for m in t.messages) for t in (first, second)]
    assert told == [1, 1], f"cancellation notices per group five minutes later: {told}"


async def test_an_interview_event_met_by_a_passing_server_error_is_placed_once_within_a_quarter_hour(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    await signed_up(harness, mod, [alice, bob])
    await mod.slash("mock-admin pair-now")
    [thread] = threads(harness.guild)
    # Discord fails once as the agreed time's event is made
    harness.sim.faults.fail_next(503, 1, route_contains="/scheduled-events")
    with harness.sim.expect_errors():
        await agree_first_time(thread, [alice, bob])
    assert any(m.content.startswith("✅ Interview") for m in thread.messages)
    await harness.advance(minutes=20)
    events = list(harness.guild.scheduled_events.values())
    assert len(events) == 1, f"the server holds {len(events)} events for the agreed interview later"


async def test_a_highlighted_author_met_by_a_passing_server_error_is_told_once_within_a_quarter_hour(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    from tests.cogs.test_feedback import answer_message, first_day_answered

    post = await first_day_answered(harness, mod, daily, alice, "Shard the index per tenant.")
    await bob.click(answer_message(post, alice), "Helpful")
    await harness.advance_to(datetime(2026, 3, 3, 8, 59, tzinfo=UTC))
    harness.sim.faults.fail_next(503, 1, route_contains="/users/@me/channels")  # as alice's DMs are opened
    with harness.sim.expect_errors():
        await harness.advance(hours=1)  # the day closes at a quarter-hourly pass
    assert sum("Day 1 has closed" in m.content for m in post.thread.messages) == 1
    await harness.advance(minutes=20)
    told = [m.content for m in alice.dms if "most helpful" in m.content]
    assert len(told) == 1, f"alice's DMs hold {len(told)} notes of her highlighted answer"


async def test_an_answer_met_by_a_passing_server_error_is_shown_in_its_thread_once_within_minutes(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")  # 09:00 UTC
    await harness.advance_to(datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
    [post] = posts(daily)
    assert post.thread is not None
    # Discord fails once as the answer is shown in the thread
    harness.sim.faults.fail_next(503, 1, route_contains=f"/channels/{post.thread.id}/messages")
    form = await alice.click(post, "Submit answer")
    with harness.sim.expect_errors():
        reply = await alice.submit_modal(form, answer="Shard the index per tenant")
    assert "Saved" in reply.text
    await harness.advance(minutes=5)
    shown = [m for m in post.thread.messages if m.content.startswith("Answer from")]
    assert len(shown) == 1, f"the thread shows the answer {len(shown)} times five minutes later"


async def test_an_answer_saved_before_the_thread_is_shown_though_the_answer_starting_it_met_a_server_error(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    """Bob's answer starts the thread a missing permission kept from the post, then Discord fails once as it is
    shown: Alice's earlier answer belongs in that thread all the same, not only after a restart."""
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")  # 09:00 UTC
    daily.deny(harness.sim.bot_user.id, "create_public_threads")
    await harness.settle()
    await harness.advance_to(datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
    [post] = posts(daily)
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Shard the index per tenant")
    assert post.thread is None
    daily.allow(harness.sim.bot_user.id, "create_public_threads")
    await harness.settle()
    # the thread on the post shares its id; Discord fails once as bob's answer is shown there
    harness.sim.faults.fail_next(503, 1, route_contains=f"/channels/{post.id}/messages")
    form = await bob.click(post, "Submit answer")
    with harness.sim.expect_errors():
        await bob.submit_modal(form, answer="Cache embeddings per tenant")
    assert post.thread is not None
    await harness.advance(minutes=5)
    shown = [m.text for m in post.thread.messages if m.content.startswith("Answer from")]
    assert len(shown) == 2 and any("Shard the index" in text for text in shown), shown
