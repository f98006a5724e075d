"""Streaks: a few weeks of study, a milestone, the leaderboard and a heatmap written to a file."""

from __future__ import annotations

from datetime import timedelta

from bot.activity import ActivityKind
from bot.demo.context import DemoContext


async def play(demo: DemoContext) -> None:
    core = demo.harness.core
    guild_id = demo.guild.id
    demo.heading("Streaks · three weeks of members studying")
    habits = {member.id: demo.rng.uniform(0.35, 0.95) for member in demo.members}
    star = demo.members[0]
    habits[star.id] = 1.0
    for days_ago in range(21, 0, -1):
        moment = demo.now - timedelta(days=days_ago)
        for member in demo.members:
            if demo.rng.random() < habits[member.id]:
                await core.activity.record(guild_id, member.id, ActivityKind.REVIEW, moment)
    await demo.harness.settle()
    demo.say(f"{len(demo.members)} members studied on and off for three weeks; "
             f"{star.name} did not miss a day.")
    channel = demo.channels["daily-prompts"]
    celebrations = [m for m in channel.messages if "day streak" in m.content]
    for message in celebrations[-2:]:
        demo.show(message)

    helped = demo.members[1]
    moderator = demo.moderators[0]
    studied = set(await core.activity.active_dates(guild_id, helped.id))
    missed = next(day for day in ((demo.now - timedelta(days=d)).date() for d in range(1, 21)) if day not in studied)
    await demo.slash(moderator, "streak-admin repair", member=helped, date=missed.isoformat(),
                     reason="answered in the thread while the bot was restarting")

    demo.heading("Streaks · the leaderboard")
    for board in ("current", "month"):
        await demo.slash(star, "leaderboard", board=board)

    demo.heading("Streaks · a member's heatmap")
    reply = await demo.slash(star, "streak show")
    path = demo.output_dir / "heatmap.png"
    path.write_bytes(reply.attachments[0]["data"])
    demo.notes["heatmap"] = path
    demo.say(f"The heatmap image was written to {path}")
