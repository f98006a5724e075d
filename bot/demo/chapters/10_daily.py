"""Daily design prompts: a moderator sets them up, members answer over three days."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.context import DemoContext
from bot.localdiscord import SimMessage

OPENERS = [
    "Here is how I would run it in the interview:",
    "I would start from the constraints and work outwards:",
    "My outline, in the order I would talk through it:",
    "Second attempt, tighter this time:",
]


def answer_for(demo: DemoContext, post: SimMessage, opener: int) -> str:
    """A member's outline for the day's prompt: points a strong answer covers, in their own order.

    Drawn from the prompt itself so each thread reads as a discussion of that prompt.
    """
    title = post.embeds[0]["title"].split(" · ", 1)[1]
    prompt = next(p for p in demo.harness.core.content.library.prompts if p.title == title)
    points = demo.rng.sample(list(prompt.rubric), 3)
    outline = "\n".join(f"• {point}" for point in points)
    return f"{OPENERS[opener % len(OPENERS)]}\n{outline}\nHappy to hear what I missed."


async def play(demo: DemoContext) -> None:
    channel = demo.channels["daily-prompts"]
    moderator = demo.moderators[0]
    role = next(r for r in demo.guild.roles.values() if r.name == "Daily ping")
    demo.heading("Daily prompts · a moderator picks the channel, time and timezone")
    reply = await moderator.slash("daily setup", channel=channel, time="09:00", timezone="Europe/London",
                                  role=role)
    demo.show(reply, action="/daily setup channel:#daily-prompts time:09:00 timezone:Europe/London")
    bad = await moderator.slash("daily setup", channel=channel, time="9am", timezone="Europe/Londn")
    demo.show(bad, action="/daily setup … time:9am (a typo)")

    for day in range(3):
        target = demo.now.replace(hour=9, minute=0, second=0, microsecond=0)
        if target <= demo.now:
            target += timedelta(days=1)
        before = len(channel.messages)
        await demo.advance_to(target)
        demo.heading(f"Daily prompts · {demo.now:%A %d %B}, 09:00 in London")
        demo.show_new(channel, before)
        post = channel.messages[-1]
        writers = demo.rng.sample(demo.members, 3 if day == 0 else 2)
        for index, member in enumerate(writers):
            form = await member.click(post, "Submit answer")
            done = await member.submit_modal(form, answer=answer_for(demo, post, day + index))
            demo.show(done, action="submits an answer")
        rubric = await writers[0].click(post, "Rubric")
        demo.show(rubric, action="opens the rubric after answering")
        if day == 0:
            locked = await demo.members[-1].click(post, "Rubric")
            demo.show(locked, action="tries the rubric before answering")
            again = await writers[1].submit_modal(await writers[1].click(post, "Submit answer"),
                                                  answer=answer_for(demo, post, 3))
            demo.show(again, action="re-submits (replaces the earlier answer)")
        assert post.thread is not None
        demo.say(f"The thread “{post.thread.name}” now holds {len(post.thread.messages) - 1} answers:")
        for message in post.thread.messages[1:]:
            demo.show(message)
    status = await moderator.slash("daily status")
    demo.show(status, action="/daily status")
