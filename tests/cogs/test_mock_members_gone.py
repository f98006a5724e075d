"""Members who left the server are not paired: the round asks Discord who is still here (gateway op 8)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest

from bot.localdiscord import BotHarness, Reply, SimChannel, SimGuild, SimMember, SimMessage
from bot.mock import MockService, Round, TimePlan
from bot.mock.models import staying_in
from cogs.mock.departure import TIMES_LISTED, brief_after_departure, departure_text
from tests.bot.mock.test_departures import group
from tests.cogs.test_mock import briefs, join_all, room, schedule, threads

__all__ = ["room"]  # the fixture


def partners(guild: SimGuild, bot_id: int, number: int) -> list[set[int]]:
    """The members of each group's thread in round ``number``."""
    return [t.member_ids - {bot_id} for t in threads(guild) if t.name.startswith(f"Mock #{number} ")]


async def signed_up_then_left(guild: SimGuild, mod: SimMember, room: SimChannel, staying: list[SimMember],
                              gone: SimMember, weekday: str = "fri") -> None:
    """``staying`` and ``gone`` signed up, weekly rounds scheduled, then ``gone`` leaves the server. The bot has no
    GUILD_MEMBERS intent, so it is not told: only asking Discord when a round starts finds out."""
    await join_all([*staying, gone])
    await schedule(mod, room, weekday)
    guild.remove_member(gone)


async def test_a_member_who_left_the_server_is_left_out_until_they_come_back(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    await signed_up_then_left(guild, mod, room, [alice, bob], carol)
    started = await mod.slash("mock-admin pair-now")
    assert "Round 1 started: 1 group." in started.text
    assert partners(guild, harness.sim.bot_user.id, 1) == [{alice.id, bob.id}]
    [thread] = threads(guild)
    [brief] = [m for m in thread.messages if m.embeds and "mock interview round" in m.content]
    assert carol.mention not in brief.content and "trio" not in room.messages[-1].content
    assert not any("Round 1" in m.content for m in carol.dms)  # not told she was left out either
    stats = await mod.slash("mock-admin stats")
    assert "Participants\n2" in stats.text
    await mod.slash("mock-admin cancel-round")

    guild.readd_member(carol)
    assert "Fewer than two members" not in (await mod.slash("mock-admin pair-now")).text
    assert partners(guild, harness.sim.bot_user.id, 2) == [{alice.id, bob.id}]  # still not active until she says so
    await mod.slash("mock-admin cancel-round")
    reply = await carol.slash("mock join", role="either", level="mid", timezone="Europe/Berlin",
                              availability="anytime")
    assert "You are in" in reply.text
    assert "Participants\n3" in (await mod.slash("mock-admin stats")).text
    await mod.slash("mock-admin pair-now")
    assert partners(guild, harness.sim.bot_user.id, 3) == [{alice.id, bob.id, carol.id}]


async def test_any_mock_command_of_a_member_who_came_back_counts_them_again(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    await signed_up_then_left(guild, mod, room, [alice, bob], carol)
    await mod.slash("mock-admin pair-now")
    await mod.slash("mock-admin cancel-round")
    guild.readd_member(carol)
    status = await carol.slash("mock status")  # her sign-up is as she left it
    assert status.embeds and status.embeds[0]["title"] == "Your mock interviews"
    assert "Participants\n3" in (await mod.slash("mock-admin stats")).text
    await mod.slash("mock-admin pair-now")
    assert partners(guild, harness.sim.bot_user.id, 2) == [{alice.id, bob.id, carol.id}]


async def test_the_scheduled_round_leaves_out_a_member_who_left(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    await signed_up_then_left(guild, mod, room, [alice, bob], carol, "mon")
    await harness.advance_to(datetime(2026, 3, 2, 10, tzinfo=UTC))
    assert partners(guild, harness.sim.bot_user.id, 1) == [{alice.id, bob.id}]
    assert "1 pair" in room.messages[-1].content and "trio" not in room.messages[-1].content


async def test_when_discord_cannot_be_asked_the_round_takes_everyone(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    await join_all([alice, bob, carol])
    await schedule(mod, room)

    async def times_out(*args: Any, **kwargs: Any) -> list[discord.Member]:
        raise TimeoutError

    monkeypatch.setattr(discord.Guild, "query_members", times_out)
    started = await mod.slash("mock-admin pair-now")
    assert "Round 1 started: 1 group." in started.text
    assert partners(guild, harness.sim.bot_user.id, 1) == [{alice.id, bob.id, carol.id}]
    assert "could not ask Discord which of 3 members are still in the server" in caplog.text


async def test_a_round_of_more_than_100_members_asks_in_requests_of_100(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel) -> None:
    members = [guild.add_member(f"m{n:03}") for n in range(203)]
    service = harness.bot.services.get(MockService)
    for member in members:
        await service.join(guild.id, member.id, role="either", level="mid", timezone="UTC", availability="anytime")
    await schedule(mod, room)
    gone = members[150]
    guild.remove_member(gone)
    answered = harness.sim.gateway.member_requests.answered
    await mod.slash("mock-admin pair-now")
    assert harness.sim.gateway.member_requests.answered - answered == 3  # 202 + 1 ids: 100, 100, 3
    placed = set().union(*partners(guild, harness.sim.bot_user.id, 1))
    assert len(placed) == 202 and gone.id not in placed


# -- a member who leaves in the middle of a round ----------------------------------------------------------

NUDGE = "no agreed time yet"
ROUND_START = datetime(2026, 3, 2, 8, tzinfo=UTC)  # the harness's Monday; the round ends Sunday 8 March 20:00


def said(messages: list, text: str) -> list:
    return [m for m in messages if text in m.content]


def departure_notes(messages: list) -> list:
    """The messages telling a group that a member left the server (the brief then says so too)."""
    return [m for m in messages if m.content.startswith("👋 Round")]


def checkins(messages: list) -> list:
    return [m for m in messages if m.content.startswith("Round 1 is ending")]


async def test_a_partner_who_leaves_mid_round_calls_the_interview_off_and_the_other_comes_first_next_round(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    await join_all([alice, bob])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(guild)
    guild.remove_member(bob)  # after the pair was told; the bot is not told
    await harness.advance(days=4, hours=12)  # the mid-round nudge
    [told] = departure_notes(thread.messages)
    assert told.content == ("👋 Round 1: your partner left the server, so this interview is off; its event and "
                            "reminders are gone. You stay signed up and come first in the next round you take part in.")
    [brief] = briefs(thread)  # says so too, keeps its prompt, and offers nothing left to press
    assert brief.content.startswith(f"{alice.mention}: mock interview round 1 is off for your group, because "
                                    f"{bob.mention} left the server.")
    assert brief.embeds[0]["title"].startswith("Your prompt · ") and brief.button_labels == []
    assert brief.embeds[-1]["description"].startswith("This interview is off")
    assert said(thread.messages, NUDGE) == []
    await harness.advance(days=2)  # past the end of the round
    assert checkins(thread.messages) == [] and checkins(alice.dms) == []
    assert len(departure_notes(thread.messages)) == 1
    assert not any("nobody you can be paired with was free" in m.content for m in alice.dms)
    assert await harness.core.db.fetchval("SELECT status FROM mock_meetings") == "cancelled"
    assert "Participants\n1" in (await mod.slash("mock-admin stats")).text  # Bob is left out from now on

    # Round 2: Dana and Erin, both senior, would pair with each other before either with Alice (a junior), and
    # Dana excluded Alice; Alice, owed first place, is paired with Erin and Dana is the one left out.
    dana, erin = guild.add_member("dana"), guild.add_member("erin")
    for member in (dana, erin):
        await member.slash("mock join", role="either", level="senior", timezone="Europe/Berlin", availability="anytime")
    await dana.slash("mock exclude", member=alice)
    assert "Round 2 started: 1 group." in (await mod.slash("mock-admin pair-now")).text
    assert partners(guild, harness.sim.bot_user.id, 2) == [{alice.id, erin.id}]
    assert any("nobody you can be paired with was free" in m.content for m in dana.dms)


def this_round(status: Reply) -> str:
    """The "This round" field of a ``/mock status`` reply."""
    return next(f["value"] for f in status.embeds[0]["fields"] if f["name"].startswith("This round"))


async def agreed_for(guild: SimGuild, mod: SimMember, room: SimChannel, proposer: SimMember, partner: SimMember,
                     when: str) -> SimChannel:
    """The two signed up, paired in round 1, and agreed on ``when`` (the proposer's words): returns their thread."""
    await join_all([proposer, partner])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(guild)
    [brief] = [m for m in thread.messages if "Propose another time" in m.button_labels]
    await proposer.submit_modal(await proposer.click(brief, "Propose another time"), when=when)
    await partner.click(next(m for m in thread.messages if "proposes" in m.content), "Accept this time")
    return thread


async def test_a_partner_who_leaves_after_a_time_was_agreed_takes_the_event_and_reminders_with_them(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember,
        bob: SimMember) -> None:
    thread = await agreed_for(guild, mod, room, alice, bob, "Sun 10:00")
    assert len(guild.scheduled_events) == 1
    [event] = guild.scheduled_events.values()
    status = await alice.slash("mock status")
    starts = int(datetime.fromisoformat(event["scheduled_start_time"]).timestamp())
    assert bob.mention in this_round(status) and f"Meeting <t:{starts}:F>." in this_round(status)
    guild.remove_member(bob)
    await harness.advance(days=4, hours=12)
    assert guild.scheduled_events == {}
    assert this_round(await alice.slash("mock status")) == (
        f"Called off by {bob.mention}: Left the server.\nSee <#{thread.id}>; you stay signed up for the next round.")
    assert len(said(thread.messages, "your partner left the server")) == 1
    await harness.advance(days=2)
    assert not any("Your mock interview is" in m.content for m in alice.dms)  # no reminders for an interview that is off
    assert checkins(thread.messages) == []


async def test_a_partner_who_leaves_before_the_first_reminder_is_found_then_not_named_in_a_reminder(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember,
        bob: SimMember) -> None:
    """The interview is agreed for Wednesday, before the round's nudge: the 24-hour reminder is the first time
    the bot would speak of Bob again, so that is when it looks, and Alice hears he left instead."""
    thread = await agreed_for(guild, mod, room, alice, bob, "Wed 10:00")
    guild.remove_member(bob)
    await harness.advance(days=1, hours=6)  # past the 24-hour reminder, well before the nudge
    assert len(said(thread.messages, "your partner left the server")) == 1
    assert not any("Your mock interview is" in m.content for m in alice.dms)
    assert guild.scheduled_events == {}
    await harness.advance(days=1)  # past the interview's time: no 15-minute reminder either
    assert not any("Your mock interview is" in m.content for m in alice.dms)


async def test_a_pairs_two_reminders_due_together_share_one_look_at_who_left(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember,
        bob: SimMember) -> None:
    await agreed_for(guild, mod, room, alice, bob, "Wed 10:00")
    asked = harness.sim.gateway.member_requests.answered
    await harness.advance(days=1, hours=6)  # both members' 24-hour reminders
    assert len(said(alice.dms, "Your mock interview is")) == 1 and len(said(bob.dms, "Your mock interview is")) == 1
    assert harness.sim.gateway.member_requests.answered - asked == 1


async def test_a_trio_that_loses_a_member_carries_on_as_a_pair(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    thread, _, cast = await trio(guild, mod, room, [alice, bob, carol])
    leaving, observer = cast["interviewer"], cast["observer"]
    guild.remove_member(leaving)
    await harness.advance(days=4, hours=12)
    [told] = departure_notes(thread.messages)
    assert told.content == (f"👋 Round 1: a member of your group left the server, so you carry on as a pair, for 60 "
                            f"minutes. {observer.mention}, you take the interviewer's part. **Pick times** now offers "
                            "2 times for the two of you.")
    [brief] = briefs(thread)  # now the pair's brief: their parts and the times they can pick
    assert f"you are a pair for mock interview round 1.\n🎤 Interviewer: {observer.mention}\n" in brief.content
    assert leaving.mention not in brief.content and "Observer" not in brief.content
    when = brief.embeds[-1]["description"]
    assert when.startswith(f"👋 {leaving.mention} left the server, so you carry on as a pair, for 60 minutes.\n"
                           "Times you can pick now (shown in your own timezone):\n"), when
    assert when.count("\n• <t:") == 2 and "Pick times" in brief.button_labels
    [nudge] = said(thread.messages, NUDGE)  # the two still here are nudged, about themselves only
    assert leaving.mention not in nudge.content
    history = (await mod.slash("mock-admin history")).text  # who left, not a second interviewer
    assert f"{leaving.mention} (left the server)" in history and f"{observer.mention} (interviewer)" in history
    await harness.advance(days=2)
    [checkin] = checkins(thread.messages)  # the two still here are asked how it went
    assert len(departure_notes(thread.messages)) == 1
    assert await harness.core.db.fetchval("SELECT status FROM mock_meetings") == "no-time"
    await observer.click(checkin, "We met")  # counts for the two who met, not for the member who left
    credited = await harness.core.db.fetchall("SELECT DISTINCT user_id FROM activity WHERE kind = 'mock'")
    assert {row[0] for row in credited} == {m.id for m in (alice, bob, carol) if m is not leaving}


async def trio(guild: SimGuild, mod: SimMember, room: SimChannel,
               members: list[SimMember]) -> tuple[SimChannel, SimMessage, dict[str, SimMember]]:
    """The three signed up and grouped in round 1: their thread, its brief, and who has which part
    (``interviewer``, ``candidate``, ``observer``, read from the brief)."""
    await join_all(members)
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(guild)
    [brief] = briefs(thread)
    cast = {role.lower(): next(m for m in members if f"{role}: {m.mention}" in brief.content)
            for role in ("Interviewer", "Candidate", "Observer")}
    return thread, brief, cast


async def propose(thread: SimChannel, brief: SimMessage, proposer: SimMember, when: str,
                  accepting: list[SimMember]) -> Reply | None:
    """``proposer`` proposes ``when`` in their own words and each of ``accepting`` accepts it: the last answer."""
    await proposer.submit_modal(await proposer.click(brief, "Propose another time"), when=when)
    proposal = next(m for m in thread.messages if "proposes" in m.content)
    answer = None
    for member in accepting:
        answer = await member.click(proposal, "Accept this time")
    return answer


async def trio_agreed_for(guild: SimGuild, mod: SimMember, room: SimChannel, members: list[SimMember],
                          when: str) -> tuple[SimChannel, SimMessage, dict[str, SimMember]]:
    """The three grouped in round 1 (see :func:`trio`), then agreed on ``when`` (the interviewer's words)."""
    thread, brief, cast = await trio(guild, mod, room, members)
    await propose(thread, brief, cast["interviewer"], when, [cast["candidate"], cast["observer"]])
    return thread, brief, cast


def minutes_of(event: dict[str, Any]) -> float:
    start, end = (datetime.fromisoformat(event[f"scheduled_{edge}_time"]) for edge in ("start", "end"))
    return (end - start).total_seconds() / 60


async def test_a_trio_that_loses_its_candidate_after_agreeing_a_time_meets_as_a_pair_for_a_pairs_length(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    thread, brief, cast = await trio_agreed_for(guild, mod, room, [alice, bob, carol], "Sun 10:00")
    interviewer, candidate, observer = cast["interviewer"], cast["candidate"], cast["observer"]
    [event] = guild.scheduled_events.values()
    assert minutes_of(event) == 90  # a trio rotates: half as long again
    guild.remove_member(candidate)
    await harness.advance(days=4, hours=12)
    [told] = departure_notes(thread.messages)
    assert told.content.endswith(f"you carry on as a pair, for 60 minutes. {observer.mention}, you take the "
                                 "candidate's part.")
    [event] = guild.scheduled_events.values()  # the same event, ending sooner
    assert minutes_of(event) == 60
    refused = await observer.click(brief, "Rubric (interviewer)")  # now the candidate: the rubric is not theirs
    assert refused.ephemeral and "The rubric is for the interviewer" in refused.text
    assert (await interviewer.click(brief, "Rubric (interviewer)")).embeds
    await harness.advance(days=2)
    assert said(candidate.dms, "Your mock interview is") == []  # no reminder for the member who left
    reminders = said(interviewer.dms, "Your mock interview is")
    assert len(reminders) == 2 and all(candidate.mention not in r.content for r in reminders)
    assert all(f"with {observer.mention} (candidate)" in r.content for r in reminders)
    [checkin] = checkins(thread.messages)
    met = await interviewer.click(checkin, "We met")
    assert met.button_labels == ["Feedback for your candidate"]  # the former observer, not the member who left


async def test_a_time_the_two_left_had_both_accepted_is_agreed_when_the_third_is_found_gone(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    thread, brief, cast = await trio(guild, mod, room, [alice, bob, carol])
    waiting = await propose(thread, brief, cast["interviewer"], "Sun 10:00", [cast["candidate"]])
    assert waiting is not None and f"waiting for {cast['observer'].mention}" in waiting.text  # never answers, leaves
    guild.remove_member(cast["observer"])
    await harness.advance(days=4, hours=12)
    [told] = departure_notes(thread.messages)
    [confirmed] = said(thread.messages, "Interview confirmed")
    assert thread.messages.index(told) < thread.messages.index(confirmed)
    assert "Pick times" not in told.content  # the time both had accepted is confirmed next: nothing to pick
    assert "60 minutes" in confirmed.content and cast["observer"].mention not in confirmed.content
    [event] = guild.scheduled_events.values()
    assert minutes_of(event) == 60


async def test_a_trio_member_who_leaves_after_the_interview_leaves_its_length_as_it_was(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    thread, _, cast = await trio_agreed_for(guild, mod, room, [alice, bob, carol], "Tue 10:00")
    await harness.advance(days=1, hours=2)  # the interview has begun (Tuesday 10:00)
    guild.remove_member(cast["candidate"])
    await harness.advance(days=5)  # found at the round's end, after the interview
    assert len(departure_notes(thread.messages)) == 1
    assert await harness.core.db.fetchval("SELECT minutes FROM mock_meetings") == 90  # held as a trio


async def test_a_group_told_by_dm_hears_of_a_partner_who_left_by_dm(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember,
        bob: SimMember) -> None:
    room.deny(harness.sim.bot_user.id, "create_private_threads")
    await join_all([alice, bob])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    assert threads(guild) == []
    guild.remove_member(bob)
    await harness.advance(days=4, hours=12)
    assert len(said(alice.dms, "your partner left the server")) == 1
    assert said(bob.dms, "left the server") == [] and said(alice.dms, NUDGE) == []
    await harness.advance(days=2)
    assert checkins(alice.dms) == [] and checkins(bob.dms) == []


async def test_when_discord_cannot_be_asked_mid_round_the_round_goes_on(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    await join_all([alice, bob])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(guild)
    guild.remove_member(bob)

    async def times_out(*args: Any, **kwargs: Any) -> list[discord.Member]:
        raise TimeoutError

    monkeypatch.setattr(discord.Guild, "query_members", times_out)
    await harness.advance(days=4, hours=12)
    assert len(said(thread.messages, NUDGE)) == 1 and departure_notes(thread.messages) == []
    assert "could not ask Discord which of the 2 members of round 1 are still in the server" in caplog.text
    await harness.advance(days=2)
    assert len(checkins(thread.messages)) == 1


def test_the_words_those_still_in_the_group_read() -> None:
    round_ = Round(1, 9, 4, "k", 5, datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 6, tzinfo=UTC),
                   datetime(2026, 3, 8, tzinfo=UTC), "open", 0, "exact", None)
    trio = group(2, 20, 21, 22)
    interviewer, candidate, observer = trio.members
    # As stored once the departure is recorded: the observer holds the part of the interviewer who left.
    took_over = replace(staying_in(trio, {20}), members=(replace(observer, role="interviewer"), candidate))
    assert departure_text(round_, took_over, [interviewer], False) == (
        "👋 Round 4: a member of your group left the server, so you carry on as a pair, for 60 minutes. "
        "<@22>, you take the interviewer's part.")
    assert departure_text(round_, staying_in(trio, {22}), [observer], False) == (
        "👋 Round 4: a member of your group left the server, so you carry on as a pair, for 60 minutes.")
    assert departure_text(round_, staying_in(trio, {20, 21}), [interviewer, candidate], True).startswith(
        "👋 Round 4: your partners left the server, so this interview is off")


def test_the_brief_a_pair_reads_once_a_member_left() -> None:
    round_ = Round(1, 9, 4, "k", 5, datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 6, tzinfo=UTC),
                   datetime(2026, 3, 8, tzinfo=UTC), "open", 0, "exact", None)
    trio = group(2, 20, 21, 22)
    interviewer, candidate, observer = trio.members
    pair = staying_in(trio, {22})
    start = datetime(2026, 3, 5, 9, tzinfo=UTC)
    many = tuple((start + timedelta(hours=i), start + timedelta(hours=i, minutes=60)) for i in range(TIMES_LISTED + 3))
    content, when = brief_after_departure(round_, pair, [observer], TimePlan("open", times=many))
    assert "you are a pair for mock interview round 4." in content and "<@22>" not in content
    assert when.description is not None and when.description.count("\n• <t:") == TIMES_LISTED
    assert "\n…and 3 more under **Pick times**." in when.description
    _, closed = brief_after_departure(round_, pair, [observer], TimePlan("closed"))
    assert closed.description is not None and closed.description.endswith(
        "The time for agreeing a meeting in this round is over.")
    content, off = brief_after_departure(round_, staying_in(trio, {20, 21}), [interviewer, candidate],
                                         TimePlan("off"))
    assert content.startswith("<@22>: mock interview round 4 is off for your group, because <@20> and <@21> left")
    assert off.footer.text is None  # no rubric button is left to point at
