"""Flashcards and the quiz: a member reviews with FSRS; the server answers a quiz that reveals at the close."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.demo.context import DemoContext
from bot.localdiscord import Reply


def _button(reply: Reply, starts: str) -> str:
    for row in reply.components:
        for component in row.get("components", []):
            if (component.get("label") or "").startswith(starts):
                return component["custom_id"]
    raise AssertionError(f"no button {starts!r}")


async def play(demo: DemoContext) -> None:
    learner = demo.members[2]
    demo.heading("Flashcards · a review session (only the member sees it)")
    new_per_day: dict[str, Any] = {"new-per-day": 3}  # an option name that is no Python keyword
    await demo.slash(learner, "cards settings", **new_per_day)
    screen = await demo.slash(learner, "cards study")
    for grade in ("Good", "Again", "Easy"):
        back = await learner.click(screen, "Reveal")
        demo.show(back, action="Reveal")
        screen = await learner.click(back, _button(back, grade))
        demo.show(screen, action=grade)
    undone = await learner.click(screen, "Undo grade")  # Easy was a misclick: take it back, grade again
    demo.show(undone, action="Undo grade")
    demo.show(await learner.click(undone, _button(undone, "Good")), action="Good")
    await demo.slash(learner, "cards stats")
    [found] = (await learner.autocomplete("cards find", "card", "agent loop guard"))[:1]
    await demo.slash(learner, "cards find", card=found["value"])
    demo.heading("Flashcards · drilling one topic before an interview")
    more_new: dict[str, Any] = {"new-per-day": 5}
    await demo.slash(learner, "cards settings", topic="retrieval", **more_new)
    await demo.slash(learner, "cards study")
    await learner.slash("cards settings", topic="all", **new_per_day)  # back to every topic, three new a day

    demo.heading("Quiz · a moderator turns on the daily quiz")
    moderator = demo.moderators[0]
    channel = demo.channels["general"]
    close_after: dict[str, Any] = {"close-after": 6}
    await demo.slash(moderator, "quiz setup", channel=channel, time="12:30", timezone="Europe/London",
                     **close_after)
    target = demo.now.replace(hour=12, minute=30, second=0, microsecond=0)
    if target <= demo.now:
        target += timedelta(days=1)
    before = len(channel.messages)
    await demo.advance_to(target)
    demo.show_new(channel, before)
    post = channel.messages[-1]
    for member, letter in zip(demo.members[:4], "ABCA", strict=True):
        demo.show(await member.click(post, letter), action=f"picks {letter}")
    demo.show(await demo.members[0].click(post, "D"), action="clicks again")
    await demo.advance(hours=6)
    demo.say("Six hours later the post is edited to reveal the answer:")
    demo.show(post)
    right = next(line for line in post.embeds[0]["description"].splitlines() if line.startswith("✅"))
    missed = next(member for member, letter in zip(demo.members[:4], "ABCA", strict=True)
                  if f"**{letter}.**" not in right)
    await demo.slash(missed, "cards study", note="the question they missed is their next new card")
