"""Memory: resident size of the bot process connected to many guilds through the local Discord.

The bot runs in a process of its own (as in production), so its resident memory is
read straight from the operating system once every guild is ready and the start-up
work is done. Two sizes are measured to show how memory grows per guild. Only
non-privileged intents are used, so Discord sends each guild's channels and roles and
the bot's own member, not the member list.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.common import Result
from benchmarks.harness import START
from bot.clock import ManualClock
from bot.localdiscord import LocalDiscord
from bot.localdiscord.process import BotProcess

READY_LINE = "ready in "


def _rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` (Linux ``/proc``)."""
    with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def _bot_rss(guilds: int, members: int) -> float:
    clock = ManualClock(START)
    with tempfile.TemporaryDirectory() as tmp:
        async with LocalDiscord(clock=clock) as sim:
            for g in range(guilds):
                guild = sim.create_guild(f"Guild {g}")
                guild.create_text_channel("general")
                guild.create_text_channel("daily")
                for m in range(members):
                    guild.add_member(f"m{g}-{m}")
            bot = BotProcess(sim, clock, Path(tmp) / "memory.sqlite3")
            await bot.start()
            try:
                await bot.wait_for(lambda: f"{READY_LINE}{guilds} guilds" in bot.output(),
                                   f"the bot to be ready in {guilds} guilds", 120)
                assert bot.process is not None
                return _rss_mb(bot.process.pid)
            finally:
                await bot.stop()


async def run(quick: bool = False) -> Result:
    small, large, members = (5, 20, 10) if quick else (100, 1000, 100)
    small_mb = await _bot_rss(small, members)
    large_mb = await _bot_rss(large, members)
    per_guild_kb = max(0.0, large_mb - small_mb) * 1024 / (large - small)
    return Result(
        name=f"Memory ({large:,} guilds × {members} members)",
        figure=f"{large_mb:.0f} MB resident for the bot process ({per_guild_kb:.0f} KB per guild)",
        target="< 300 MB",
        met=large_mb < 300,
        details=[f"Resident memory of the bot's own process (Python, discord.py, the content packs and the "
                 f"SQLite connection included) once all guilds were ready: {small_mb:.0f} MB with {small:,} "
                 f"guilds, {large_mb:.0f} MB with {large:,}. Growth is linear in guilds, about "
                 f"{per_guild_kb:.0f} KB each for the guild, its channels and roles; members are not cached "
                 "because the bot asks for no privileged intents."],
    )
