"""Interaction latency: many members using the bot at the same instant, through the local Discord.

Measured per interaction from the moment the simulator sends INTERACTION_CREATE to the
moment the bot's callback reaches it: what a member experiences as responsiveness,
and what Discord's three-second rule bounds.
"""

from __future__ import annotations

from benchmarks.common import Result, percentile
from benchmarks.harness import running_bot
from bot.localdiscord import LocalDiscord


async def run(quick: bool = False) -> Result:
    members = 40 if quick else 500

    def world(sim: LocalDiscord) -> None:
        guild = sim.create_guild("Load test")
        guild.create_text_channel("general")
        for i in range(members):
            guild.add_member(f"member{i}")

    async with running_bot(world) as harness:
        guild = harness.guild
        channel = guild.channel("general")
        people = [m for m in guild.members.values() if m.name.startswith("member")]
        pending = [member.start_slash("about", channel=channel) for member in people]
        await harness.settle()
    unanswered = [i for i in pending if i.acknowledged_monotonic is None]
    if unanswered:
        raise AssertionError(f"{len(unanswered)} of {len(pending)} interactions were never answered")
    latencies = [(i.acknowledged_monotonic - i.created_monotonic) * 1000 for i in pending]  # type: ignore[operator]
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    return Result(
        name=f"Interaction latency ({members} members at once)",
        figure=f"p50 {p50:.0f} ms, p99 {p99:.0f} ms",
        target="p99 < 100 ms",
        met=p99 < 100,
        details=[f"{members} members ran /about in the same instant; time from INTERACTION_CREATE sent to the "
                 f"callback received. Max {max(latencies):.0f} ms."],
    )
