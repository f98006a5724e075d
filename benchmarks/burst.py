"""The largest burst of simultaneous clicks that is all answered within Discord's 3 seconds.

Members click **Hints** on the day's post in the same instant (the burst that follows a post);
the bot runs in its own process. One process answers a burst one click after another, so the
last member waits for the whole burst: the limit is the bot's CPU per click. The search grows
the burst until a click misses 3 s, then narrows it; each size is tried on fresh clicks.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from benchmarks.common import Result
from benchmarks.harness import START
from benchmarks.study_server import READY, StudyServer, cpu_seconds, quiet
from bot.clock import ManualClock
from bot.localdiscord import LocalDiscord
from bot.localdiscord.process import BotProcess

LIMIT_S = 3.0
TARGET = 1500


async def _burst(server: StudyServer, bot: BotProcess, size: int) -> tuple[float, float]:
    """(slowest answer in seconds, bot CPU ms per click) for ``size`` members clicking at once."""
    assert server.post is not None and bot.process is not None
    people = server.add_members(f"burst{size}-", size)
    await quiet(server.sim, bot)
    before = cpu_seconds(bot.process.pid)
    pending = [member.start_click(server.post, "Hints") for member in people]
    waits = [asyncio.ensure_future(i.acknowledged.wait()) for i in pending]
    _done, late = await asyncio.wait(waits, timeout=LIMIT_S * 4)  # a click past 3 s is never acknowledged
    for waiter in late:
        waiter.cancel()
    await quiet(server.sim, bot)  # the bot has finished the burst, refused answers included
    cpu = (cpu_seconds(bot.process.pid) - before) * 1000 / size
    slowest = max((i.acknowledged_monotonic - i.created_monotonic) if i.acknowledged_monotonic is not None
                  else float("inf") for i in pending)
    return slowest, cpu


async def search(start: int, most: int) -> tuple[int, list[tuple[int, float, float]]]:
    """The largest size (within 2 %) answered entirely within 3 s, and every try (size, slowest s, CPU ms)."""
    clock = ManualClock(START)
    tries: list[tuple[int, float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        async with LocalDiscord(clock=clock, global_rate_limit=None, bucket_rules={}) as sim:
            guild = sim.create_guild("Study Hall")
            server = StudyServer(sim, clock, Path(folder) / "studybot.sqlite3", guild.create_text_channel("daily"),
                                 guild.add_member("mod", manage_guild=True))
            await server.publish()
            sim.errors.clear()
            bot = BotProcess(sim, clock, server.db_path, rate=48.0, name="burst")
            await bot.start()
            try:
                await bot.wait_for(lambda: READY in bot.output(), "studybot to start", 60)
                await _burst(server, bot, 50)  # warm: the post's cache and the connection pool
                good, bad, size = 0, most + 1, start
                while bad - good > max(10, good // 50):
                    slowest, cpu = await _burst(server, bot, size)
                    tries.append((size, slowest, cpu))
                    if slowest <= LIMIT_S:
                        good = size
                    else:
                        bad = size
                    size = min(most, size * 2) if bad > most else (good + bad) // 2
                    if good >= most:
                        break
            finally:
                await bot.stop()
            # A click answered after 3 s is refused by Discord; that is what the search looks for.
            others = [e for e in sim.errors if e.status != 404]
            if others:
                raise RuntimeError(f"the bot sent requests Discord would reject: {others[:5]}")
    return good, tries


async def run(quick: bool = False) -> Result:
    start, most = (20, 40) if quick else (1000, 6000)
    largest, tries = await search(start, most)
    answered = [(size, c) for size, slowest, c in tries if slowest <= LIMIT_S]
    per_click = max(answered)[1] if answered else 0.0  # a failed try also pays for Discord's refusals
    tried = "; ".join(f"{size:,}: slowest {slowest:.2f} s" for size, slowest, _c in tries)
    return Result(
        name="Largest burst answered within 3 s",
        figure=f"{largest:,} simultaneous clicks ({per_click:.2f} ms of bot CPU per click)",
        target=f"≥ {TARGET:,}",
        met=largest >= TARGET,
        details=[
            "Members clicked **Hints** on the day's post in the same instant; the bot in its own process; a burst "
            "counts when every click was answered within 3 s of its INTERACTION_CREATE.",
            f"Sizes tried: {tried}.",
            f"What limits it: one process answers the clicks of a burst one after another, so the last member waits "
            f"for the whole burst: about {per_click:.2f} ms of bot CPU per click (in the largest burst answered), most of it "
            "discord.py parsing the INTERACTION_CREATE (with the clicked message and its components) and sending the "
            "callback. The local Discord, in the benchmark's process, takes the other core.",
        ],
    )
