"""The ratings a member's `/mock status` compares, through the local Discord."""

from __future__ import annotations

from bot.localdiscord import BotHarness, Reply, SimChannel, SimMember
from tests.cogs.test_mock import briefs, join_all, room, schedule, threads

__all__ = ["room"]  # the fixture


async def test_feedback_edited_later_keeps_its_place_among_the_ratings(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Alice rated Bob after each of four rounds; correcting her first rating afterwards does not make it one of
    his last three: "your last three" are still those of rounds 2 to 4, and his progress reads the same."""
    await join_all([alice, bob])
    await schedule(mod, room)
    replies: list[Reply] = []
    for number, score in ((1, "1"), (2, "5"), (3, "5"), (4, "5")):
        await mod.slash("mock-admin pair-now")
        [thread] = [t for t in threads(harness.guild) if t.name.startswith(f"Mock #{number} ")]
        met = await alice.click(briefs(thread)[0], "We met")
        replies.append(met)
        button = next(label for label in met.button_labels if label.startswith("Feedback"))
        await alice.submit_modal(await alice.click(met, button), communication=score, depth=score, tradeoffs=score,
                                 note="")
        await harness.settle()
        await harness.advance(days=7)
    first = replies[0]
    button = next(label for label in first.button_labels if label.startswith("Feedback"))
    await alice.submit_modal(await alice.click(first, button), communication="2", depth="2", tradeoffs="2", note="")
    await harness.settle()
    fields = {f["name"]: f["value"] for f in (await bob.slash("mock status")).embeds[0]["fields"]}
    rated = fields["Ratings from your partners"]
    assert rated.endswith("Your last 3 against the ones before: Communication 5.0 (↑ 3.0) · Depth 5.0 (↑ 3.0) · "
                          "Tradeoffs 5.0 (↑ 3.0)"), rated
