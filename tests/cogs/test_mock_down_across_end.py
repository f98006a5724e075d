"""A bot down from before a round's end until after the next round was due: the next round still starts."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import join_all, room, schedule, threads  # noqa: F401  # the fixture


async def test_a_round_due_while_the_bot_was_down_starts_though_the_last_one_ended_meanwhile(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:  # noqa: F811
    """Round 1 ended on Thursday night while the bot was down, and Friday's round fell due before it came back:
    the start closes round 1 (asking how it went) and then starts Friday's, instead of finding round 1 still open
    and leaving the members without a round for a week."""
    await join_all([alice, bob])
    await schedule(mod, room)  # weekly, Friday 10:00 UTC
    await harness.advance_to(datetime(2026, 3, 6, 11, 0, tzinfo=UTC))
    [first] = threads(harness.guild)
    await harness.stop()
    harness.clock.set(datetime(2026, 3, 13, 10, 20, tzinfo=UTC))  # down across Thursday 22:00 and Friday 10:00
    await harness.start()
    await harness.advance(minutes=5)
    assert len([m for m in first.messages if m.content.startswith("Round 1 is ending")]) == 1
    assert [t for t in threads(harness.guild) if t.name.startswith("Mock #2 ")], "Friday's round never started"
