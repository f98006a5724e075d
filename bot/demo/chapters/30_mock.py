"""Mock interviews: members opt in, a round pairs them, a pair agrees a time, is reminded, meets, gives feedback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.demo.context import DemoContext
from bot.localdiscord import SimChannel, SimMember

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
        options: dict[str, Any] = {"role": ("either", "interviewer", "candidate")[index % 3],
                   "level": ("junior", "mid", "senior", "staff")[index % 4], "timezone": ZONES[index],
                   "availability": AVAILABILITY[index]}
        if index == 0:
            await demo.slash(member, "mock join", **options)
        else:
            await member.slash("mock join", **options)
    demo.say(f"…and {len(people) - 1} more join the same way.")
    demo.guild.grant(demo.guild.bot_role, "manage_channels")
    demo.say("The server gives studybot Manage Channels, so each group gets a private voice room.")
    await demo.slash(moderator, "mock-admin schedule", cadence="weekly", weekday="mon", time="09:00",
                     timezone="Europe/London", channel=channel)

    start = demo.now + timedelta(days=(7 - demo.now.weekday()) % 7 or 7)
    before = len(channel.messages)
    await demo.advance_to(start.replace(hour=9, minute=0, second=0, microsecond=0))
    demo.heading("Mock interviews · Monday 09:00, the round starts")
    demo.show_new(channel, before)
    threads = [t for t in demo.guild.threads if t.name.startswith("Mock #1 ")]
    demo.say(f"{len(threads)} private threads were created, one per group:")
    zone_of = {member.id: ZONES[index] for index, member in enumerate(people)}
    first = max(threads, key=lambda t: (len({zone_of.get(u) for u in t.member_ids} - {None}), -t.id))
    brief = first.messages[0]
    demo.show(brief)
    members = [m for m in people if m.id in first.member_ids]
    interviewer = next(m for m in members if f"Interviewer: {m.mention}" in brief.content)
    demo.show(await interviewer.click(brief, "Rubric (interviewer)"), action="opens the rubric")

    demo.heading("Mock interviews · agreeing a time")
    agreed = await agree(demo, first, members, interviewer)
    confirmation = first.messages[-1]
    demo.show(confirmation)
    [event] = list(demo.guild.scheduled_events.values())
    room = demo.harness.sim.channels.get(int(event["channel_id"])) if event.get("channel_id") else None
    demo.say(f"The server's event list now shows “{event['name']}”, starting {event['scheduled_start_time']}"
             + (f", in the private voice channel #{room.name}." if room else "."))
    demo.show(await interviewer.click(confirmation, "Add to calendar"), action="Add to calendar")

    await demo.advance_to(agreed - timedelta(hours=24))
    demo.heading("Mock interviews · 24 hours before: a reminder in each member's own timezone")
    for member in members[:2]:
        for message in [m for m in member.dms if "Your mock interview is in 24 hours" in m.content][-1:]:
            demo.show(message)
    await demo.advance_to(agreed - timedelta(minutes=15))
    demo.heading("Mock interviews · 15 minutes before")
    demo.show([m for m in interviewer.dms if "Your mock interview is" in m.content][-1])

    await demo.advance_to(agreed + timedelta(minutes=65))
    demo.heading("Mock interviews · they met")
    met = await interviewer.click(brief, "We met")
    demo.show(met, action="We met")
    form = await interviewer.click(met, met.button_labels[0])
    done = await interviewer.submit_modal(form, communication="4", depth="5", tradeoffs="4",
                                          note="Great capacity estimate; say the tradeoff out loud earlier.")
    demo.show(done, action="sends feedback")
    demo.show(first.messages[-1])
    await demo.advance(minutes=30)
    demo.say("Half an hour after the interview the temporary voice channel is removed again.")

    await demo.advance_to(start.replace(hour=21, minute=0, second=0, microsecond=0) + timedelta(days=6))
    demo.heading("Mock interviews · the round ends")
    await demo.slash(moderator, "mock-admin stats")


async def agree(demo: DemoContext, thread: SimChannel, members: list[SimMember], first: SimMember) -> datetime:
    """Every member ticks a time: the first suggestion, or a proposal when their free time does not overlap."""
    brief = thread.messages[0]
    picker = await first.click(brief, "Pick times")
    demo.show(picker, action="Pick times")
    assert picker.message is not None
    menus = [c for row in picker.message.components for c in row["components"] if c["type"] == 3]
    if menus:
        choice = menus[0]["options"][-1]  # the latest suggestion leaves a day for the first reminder
        value = choice["value"]
        demo.show(await first.select(picker, [value]), action=f"ticks {choice['label']}")
        for member in members:
            if member is not first:
                theirs = await member.click(brief, "Pick times")
                demo.show(theirs, action="Pick times")
                assert theirs.message is not None
                label = next(o["label"] for o in theirs.message.components[0]["components"][0]["options"]
                             if o["value"] == value)
                demo.show(await member.select(theirs, [value]), action=f"ticks {label}")
    else:
        form = await first.click(brief, "Propose another time")
        demo.show(await first.submit_modal(form, when="Thu 18:30"), action="proposes Thu 18:30")
        proposal = next(m for m in thread.messages if "proposes" in m.content)
        for member in members:
            if member is not first:
                demo.show(await member.click(proposal, "Accept this time"), action="Accept this time")
    meeting = await demo.harness.core.db.fetchval(
        "SELECT starts_at FROM mock_meetings WHERE group_id = (SELECT id FROM mock_groups WHERE thread_id = ?)",
        (thread.id,))
    return datetime.fromtimestamp(meeting, UTC)
