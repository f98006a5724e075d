"""Mock interviews: members opt in, a moderator schedules rounds, a round runs from pairing to feedback."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.context import DemoContext

AVAILABILITY = ["Mon-Fri 18-21", "Tue-Thu 19-22, Sat 10-14", "anytime", "Mon-Fri 7-9, Sun 16-20",
                "Mon-Fri 17-20", "Sat-Sun 9-18", "Mon-Thu 20-23", "anytime", "Wed-Fri 18-22"]
ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Europe/London",
         "America/Los_Angeles", "Europe/Berlin", "Asia/Singapore", "Europe/London"]


async def play(demo: DemoContext) -> None:
    channel = demo.channels["mock-interviews"]
    moderator = demo.moderators[0]
    demo.heading("Mock interviews · nine members opt in")
    people = demo.members[:9]
    for index, member in enumerate(people):
        options = {"role": ("either", "interviewer", "candidate")[index % 3],
                   "level": ("junior", "mid", "senior", "staff")[index % 4], "timezone": ZONES[index],
                   "availability": AVAILABILITY[index]}
        if index == 0:
            await demo.slash(member, "mock join", **options)
        else:
            await member.slash("mock join", **options)
    demo.say(f"…and {len(people) - 1} more join the same way.")
    await demo.slash(moderator, "mock-admin schedule", cadence="weekly", weekday="mon", time="09:00",
                     timezone="Europe/London", channel=channel)

    start = demo.now + timedelta(days=(7 - demo.now.weekday()) % 7 or 7)
    before = len(channel.messages)
    await demo.advance_to(start.replace(hour=9, minute=0, second=0, microsecond=0))
    demo.heading("Mock interviews · Monday 09:00, the round starts")
    demo.show_new(channel, before)
    threads = [t for t in demo.guild.threads if t.name.startswith("Mock #1 ")]
    demo.say(f"{len(threads)} private threads were created, one per group:")
    first = threads[0]
    demo.show(first.messages[0])
    members = [m for m in people if m.id in first.member_ids]
    interviewer = next(m for m in members if f"Interviewer: {m.mention}" in first.messages[0].content)
    demo.show(await interviewer.click(first.messages[0], "Rubric (interviewer)"), action="opens the rubric")

    await demo.advance(days=3, hours=6)
    demo.heading("Mock interviews · halfway: a reminder where nobody has met yet")
    demo.show(first.messages[-1])
    await demo.advance(days=3, hours=6)
    demo.heading("Mock interviews · the round ends: how did it go?")
    checkin = first.messages[-1]
    demo.show(checkin)
    met = await interviewer.click(checkin, "We met")
    demo.show(met, action="We met")
    form = await interviewer.click(met, met.button_labels[0])
    done = await interviewer.submit_modal(form, communication="4", depth="5", tradeoffs="4",
                                          note="Great capacity estimate; say the tradeoff out loud earlier.")
    demo.show(done, action="sends feedback")
    demo.show(first.messages[-1])
    await demo.slash(moderator, "mock-admin stats")
