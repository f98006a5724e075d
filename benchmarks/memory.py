"""Memory: resident size of the bot connected to many guilds through the local Discord.

The simulator runs in the same process, so the bot's share is measured as the growth
of resident memory from just before the bot starts to after every guild is ready.
Only non-privileged intents are used, so Discord sends each guild's channels and
roles and the bot's own member, not the member list.
"""

from __future__ import annotations

import gc

from benchmarks.common import Result, current_rss_mb
from benchmarks.harness import running_bot
from bot.localdiscord import LocalDiscord


async def run(quick: bool = False) -> Result:
    guilds, members = (20, 10) if quick else (1000, 100)

    def world(sim: LocalDiscord) -> None:
        for g in range(guilds):
            guild = sim.create_guild(f"Guild {g}")
            guild.create_text_channel("general")
            guild.create_text_channel("daily")
            for m in range(members):
                guild.add_member(f"m{g}-{m}")

    baseline = 0.0

    def measured_world(sim: LocalDiscord) -> None:
        nonlocal baseline
        world(sim)
        gc.collect()
        baseline = current_rss_mb()

    async with running_bot(measured_world) as harness:
        await harness.settle()
        connected = len(harness.bot.guilds) if harness.bot else 0
        gc.collect()
        grown = current_rss_mb() - baseline
    if connected != guilds:
        raise AssertionError(f"the bot saw {connected} of {guilds} guilds")
    per_guild_kb = grown * 1024 / guilds
    return Result(
        name=f"Memory ({guilds:,} guilds × {members} members)",
        figure=f"{grown:.0f} MB for the bot ({per_guild_kb:.0f} KB per guild)",
        target="< 300 MB",
        met=grown < 300,
        details=[f"Resident memory growth from just before the bot starts to all {guilds:,} guilds ready "
                 f"(the simulator's own world, built beforehand, is excluded). Growth is linear in guilds: "
                 f"about {per_guild_kb:.0f} KB each for channels, roles and the guild object."],
    )
