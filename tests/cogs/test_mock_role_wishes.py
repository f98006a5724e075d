"""Role wishes across rounds: a member who asked to practise one part keeps it while their partner wants the other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import briefs, room, schedule, threads  # noqa: F401  # the fixture


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
