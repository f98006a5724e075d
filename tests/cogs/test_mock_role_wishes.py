"""Role wishes across rounds: a member who asked to practise one part keeps it while their partner wants the other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import agree_first_time, briefs, join_all, room, schedule, threads  # noqa: F401  # the fixture


async def test_complementary_wishes_keep_their_parts_round_after_round(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:  # noqa: F811
    """Alice signed up to practise interviewing and Bob to practise answering: the pairing puts them together for
    that, and the second round must not swap them into the parts neither asked for."""
    await alice.slash("mock join", role="interviewer", level="mid", timezone="UTC", availability="anytime")
    await bob.slash("mock join", role="candidate", level="mid", timezone="UTC", availability="anytime")
    await schedule(mod, room, weekday="tue")
    for number in (1, 2):
        await harness.advance_to(datetime(2026, 3, 3, 10, 30, tzinfo=UTC) + timedelta(weeks=number - 1))
        [thread] = [t for t in threads(harness.guild) if t.name.startswith(f"Mock #{number} ")]
        [brief] = briefs(thread)
        assert f"🎤 Interviewer: {alice.mention}" in brief.content, f"round {number}"
        assert f"🧑‍💻 Candidate: {bob.mention}" in brief.content, f"round {number}"


async def test_in_a_recurring_trio_wishes_are_kept_and_the_observer_passes_round(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,  # noqa: F811
        carol: SimMember) -> None:
    """Three members are always one trio: the one without a wish observes first, then the part passes round, so
    nobody who asked to practise a part is the observer every round."""
    await alice.slash("mock join", role="interviewer", level="mid", timezone="UTC", availability="anytime")
    await bob.slash("mock join", role="candidate", level="mid", timezone="UTC", availability="anytime")
    await carol.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")
    await schedule(mod, room, weekday="tue")
    observers = []
    for number in (1, 2, 3):
        await harness.advance_to(datetime(2026, 3, 3, 10, 30, tzinfo=UTC) + timedelta(weeks=number - 1))
        [thread] = [t for t in threads(harness.guild) if t.name.startswith(f"Mock #{number} ")]
        [brief] = briefs(thread)
        if number == 1:
            assert f"🎤 Interviewer: {alice.mention}" in brief.content
            assert f"🧑‍💻 Candidate: {bob.mention}" in brief.content
        observers.append(next(line for line in brief.content.splitlines() if "Observer" in line).split(": ")[1])
    assert sorted(observers) == sorted(m.mention for m in (alice, bob, carol)), observers


async def test_an_interview_that_did_not_happen_leaves_the_parts_for_next_time(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:  # noqa: F811
    """Alice and Bob could not make round 1, then Bob did not show in round 2: nobody practised a part, so each
    round gives them the same parts again (alternating would move the interviewer to the candidate's chair
    without their ever having asked a question). Once they meet, the parts alternate."""
    await join_all([alice, bob])
    await schedule(mod, room)
    interviewers = []
    for number, outcome in ((1, "We couldn't make it"), (2, "They didn't show"), (3, "We met"), (4, None)):
        await mod.slash("mock-admin pair-now")
        [thread] = [t for t in threads(harness.guild) if t.name.startswith(f"Mock #{number} ")]
        [brief] = briefs(thread)
        interviewers.append(next(line for line in brief.content.splitlines() if "Interviewer" in line))
        await agree_first_time(thread, [alice, bob])
        await harness.advance(days=7)
        if outcome is not None:
            checkin = next(m for m in thread.messages if outcome in m.button_labels)
            reporter = alice if f"Interviewer: {alice.mention}" in interviewers[-1] else bob
            await reporter.click(checkin, outcome)
    assert interviewers[0] == interviewers[1] == interviewers[2] != interviewers[3], interviewers
