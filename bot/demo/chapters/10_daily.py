"""Daily design prompts: a moderator sets them up, members answer over three days."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.answers import sample_answer
from bot.demo.context import DemoContext
from bot.localdiscord import SimMessage


def answer_for(demo: DemoContext, post: SimMessage, voice: int) -> str:
    """A member's answer to the day's prompt, in a member's words (see bot.demo.answers)."""
    title = post.embeds[0]["title"].split(" · ", 1)[1]
    prompt = next(p for p in demo.harness.core.content.library.prompts if p.title == title)
    return sample_answer(prompt, demo.rng, voice)


async def play(demo: DemoContext) -> None:
    channel = demo.channels["daily-prompts"]
    moderator = demo.moderators[0]
    role = next(r for r in demo.guild.roles.values() if r.name == "Daily ping")
    demo.heading("Daily prompts · a moderator picks the channel, time and timezone")
    await demo.slash(moderator, "daily setup", channel=channel, time="09:00", timezone="Europe/London", role=role)
    await demo.slash(moderator, "daily setup", note="two typos, both reported at once", channel=channel,
                     time="0900", timezone="Europe/Londn")
    await demo.slash(moderator, "daily setup", note="an abbreviation", channel=channel, time="09:00",
                     timezone="EST")

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
        for voice, member in enumerate(writers):
            form = await member.click(post, "Submit answer")
            done = await member.submit_modal(form, answer=answer_for(demo, post, voice))
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
        answers = [m for m in post.thread.messages if m.content.startswith("Answer from")]
        demo.say(f"The thread “{post.thread.name}” now holds {len(answers)} answers:")
        for message in answers:
            demo.show(message)
    await demo.slash(moderator, "daily status")
