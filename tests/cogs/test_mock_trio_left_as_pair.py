"""A trio whose interviewer or candidate leaves the server mid-round carries on as a pair: the observer plays the
part of whoever left, and the interview is a pair's length, down to its event and reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember
from tests.cogs.test_mock import briefs, room, schedule, threads
from tests.cogs.test_mock_members_gone import checkins, departure_notes, propose, said, this_round, trio

__all__ = ["room"]  # the fixture

REMINDER = "Your mock interview is"
RUBRIC = "What a strong answer covers"
REFUSED = "The rubric is for the interviewer; you will see how you did in their feedback."


def event_length(guild: SimGuild) -> timedelta:
    [event] = guild.scheduled_events.values()
    return (datetime.fromisoformat(event["scheduled_end_time"])
            - datetime.fromisoformat(event["scheduled_start_time"]))


async def test_the_observer_who_takes_the_candidates_part_is_the_candidate_and_the_pair_meets_for_an_hour(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    thread, brief, roles = await trio(guild, mod, room, [alice, bob, carol])
    interviewer, leaving, observer = roles["interviewer"], roles["candidate"], roles["observer"]
    assert (await observer.click(brief, "Rubric (interviewer)")).text.startswith(RUBRIC)  # an observer may read it
    guild.remove_member(leaving)
    await harness.advance(days=4, hours=12)  # the mid-round nudge finds the candidate gone
    [told] = departure_notes(thread.messages)
    assert told.content.endswith(f"{observer.mention}, you take the candidate's part. **Pick times** now offers 2 "
                                 "times for the two of you.")  # found for the two, from an hour after the look
    [nudge] = said(thread.messages, "no agreed time yet")
    assert nudge.content.endswith(f"🎤 Interviewer: {interviewer.mention}\n🧑\u200d💻 Candidate: {observer.mention}")

    refused = await observer.click(brief, "Rubric (interviewer)")  # now the candidate: told as the candidate is
    assert refused.text.startswith(REFUSED) and not refused.embeds
    assert (await interviewer.click(brief, "Rubric (interviewer)")).text.startswith(RUBRIC)
    roles_now = this_round(await observer.slash("mock status"))
    assert roles_now.startswith(f"🎤 Interviewer: {interviewer.mention}\n🧑\u200d💻 Candidate: {observer.mention}\n")
    assert leaving.mention not in roles_now and "Observer" not in roles_now

    # The round ends Sunday 20:00 UTC (21:00 in Berlin, the members' zone): an hour from 19:45 fits, a trio's 90
    # minutes would not; and the two still here agree it without waiting for the one who left.
    accepted = await propose(thread, brief, observer, "Sun 19:45", [interviewer])
    assert accepted is not None and accepted.text.startswith("Agreed:")
    [confirmed] = said(thread.messages, "Interview confirmed for")
    assert ", 60 minutes." in confirmed.content and leaving.mention not in confirmed.content
    assert event_length(guild) == timedelta(minutes=60)

    await harness.advance(days=2)  # past the interview and the end of the round
    [checkin] = checkins(thread.messages)
    met = await interviewer.click(checkin, "We met")
    assert met.button_labels == ["Feedback for your candidate"]  # the former observer, not the member who left
    form = await interviewer.click(met, "Feedback for your candidate")
    await interviewer.submit_modal(form, communication="4", depth="4", tradeoffs="5", note="Clear and calm.")
    assert await harness.core.db.fetchval("SELECT to_id FROM mock_feedback") == observer.id


async def test_an_agreed_trio_left_as_a_pair_keeps_its_start_with_an_hour_long_event_and_reminders_for_two(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    thread, brief, roles = await trio(guild, mod, room, [alice, bob, carol])
    leaving, candidate, observer = roles["interviewer"], roles["candidate"], roles["observer"]
    await propose(thread, brief, candidate, "Sun 11:00", [leaving, observer])
    [event_id] = guild.scheduled_events
    start = guild.scheduled_events[event_id]["scheduled_start_time"]
    assert event_length(guild) == timedelta(minutes=90)

    guild.remove_member(leaving)
    await harness.advance(days=4, hours=12)  # the nudge's look finds the interviewer gone
    assert list(guild.scheduled_events) == [event_id]  # the same event, moved to end an hour after its start
    assert guild.scheduled_events[event_id]["scheduled_start_time"] == start
    assert event_length(guild) == timedelta(minutes=60)
    assert departure_notes(thread.messages)[0].content.endswith(
        f"{observer.mention}, you take the interviewer's part.")
    starts = int(datetime.fromisoformat(start).timestamp())
    assert f"\nYou meet <t:{starts}:F> (<t:{starts}:R>)" in brief.embeds[-1]["description"]
    assert f"🎤 Interviewer: {observer.mention}\n🧑\u200d💻 Candidate: {candidate.mention}\n" in brief.content
    assert this_round(await candidate.slash("mock status")).startswith(
        f"🎤 Interviewer: {observer.mention}\n🧑\u200d💻 Candidate: {candidate.mention}\nMeeting ")
    stored = "SELECT minutes, version FROM mock_meetings"
    assert tuple(await harness.core.db.fetchone(stored)) == (60, 1)

    await harness.advance(hours=14)  # Saturday 10:00 UTC: the 24-hour reminders, to the two still here
    [to_observer] = said(observer.dms, REMINDER)
    assert f"You are the **interviewer**, with {candidate.mention} (candidate)." in to_observer.content
    [to_candidate] = said(candidate.dms, REMINDER)
    assert f"You are the **candidate**, with {observer.mention} (interviewer)." in to_candidate.content

    await harness.restart()  # nothing done at the departure is done again, or undone
    await harness.advance(hours=24)  # past the interview: the 15-minute reminders too, and nothing twice
    assert tuple(await harness.core.db.fetchone(stored)) == (60, 1)
    assert len(departure_notes(thread.messages)) == 1
    assert len(said(observer.dms, REMINDER)) == 2 and len(said(candidate.dms, REMINDER)) == 2
    assert said(leaving.dms, REMINDER) == []
    assert leaving.mention not in "".join(m.content for m in [*observer.dms, *candidate.dms] if REMINDER in m.content)


async def test_a_member_who_left_and_came_back_is_no_longer_in_the_interview_the_others_carry_on_with(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    _, brief, roles = await trio(guild, mod, room, [alice, bob, carol])
    leaving = roles["interviewer"]
    guild.remove_member(leaving)
    await harness.advance(days=4, hours=12)
    guild.readd_member(leaving)
    for button in ("Rubric (interviewer)", "Pick times"):
        refused = await leaving.click(brief, button)
        assert refused.text.startswith("You left the server during this round, so you are no longer in this "
                                       "interview; nothing was done."), button


async def test_a_trio_with_no_shared_time_is_offered_the_time_the_two_left_share(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    """Alice and Bob are free on Saturday mornings, Carol only on Tuesday evenings: the three share no time, so
    the brief suggests none. Once Carol is found gone, the picker offers the Saturday morning the two share."""
    for member, free in ((alice, "Sat 09-12"), (bob, "Sat 09-12"), (carol, "Tue 18-21")):
        await member.slash("mock join", role="either", level="mid", timezone="Europe/Berlin", availability=free)
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(guild)
    [brief] = briefs(thread)
    assert "Your availability does not overlap this round" in brief.embeds[-1]["description"]
    assert (await alice.click(brief, "Pick times")).text.startswith("No times are open yet")

    guild.remove_member(carol)
    await harness.advance(days=4, hours=12)  # the nudge's look, Friday evening
    [told] = departure_notes(thread.messages)
    assert told.content.endswith(" **Pick times** now offers 1 time for the two of you."), told.content
    picker = await alice.click(brief, "Pick times")
    [option] = picker.message.components[0]["components"][0]["options"]
    assert option["label"] == "Sat 7 Mar, 09:00 (Europe/Berlin)" and option["description"] == "suggested", option
    await alice.select(picker, [option["value"]])
    bobs = await bob.click(brief, "Pick times")
    await bob.select(bobs, [option["value"]])
    [confirmed] = said(thread.messages, "Interview confirmed")
    assert ", 60 minutes." in confirmed.content and carol.mention not in confirmed.content


async def test_a_pair_left_with_no_time_they_share_is_told_to_propose_one(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    for member, free in ((alice, "Sat 09-12"), (bob, "Tue 18-21"), (carol, "Wed 18-21")):
        await member.slash("mock join", role="either", level="mid", timezone="Europe/Berlin", availability=free)
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(guild)
    guild.remove_member(carol)
    await harness.advance(days=4, hours=12)
    [told] = departure_notes(thread.messages)
    assert told.content.endswith(" **Pick times** has no time left for the two of you: press **Propose another "
                                 "time** to suggest one."), told.content
    [brief] = briefs(thread)
    assert "\nNo time left in this round suits you both: press **Propose another time**." in \
        brief.embeds[-1]["description"]
