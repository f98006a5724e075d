"""Scale: 10,000 guilds over 10 shards, in one bot process and split over two, on one SQLite file.

The local Discord holds the guilds and enforces the gateway's session start rules with
the ``max_concurrency`` Discord gives a bot of this size (1: one IDENTIFY per 5 seconds),
so time to ready includes the 5-second spacing of ten identifies; the bot processes are
real ``python -m bot.localdiscord.child`` processes. Figures: time from process start
until every shard is ready and its catch-up pass is done, resident memory per process
and per guild, and the daily fan-out for all guilds against Discord's 50 requests/s
global limit. The fan-out is measured on a sample of guilds whose posts fall due as the
processes start (each process paces at half of 48/s, as the README advises for two
processes), and scaled to every guild by the requests each post took.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import Result
from benchmarks.memory import _rss_mb
from benchmarks.offline import OfflinePublisher
from bot.clock import ManualClock
from bot.content import ContentStore
from bot.core import Core
from bot.daily import DailyService
from bot.localdiscord import LocalDiscord, SimGuild
from bot.localdiscord.process import BotProcess
from bot.settings import SHIPPED_CONTENT_DIR, Settings

START = datetime(2026, 3, 2, 8, 59, tzinfo=UTC)
GLOBAL_LIMIT = 50
READY = "start-up work done"


async def _configure_daily(db: Path, clock: ManualClock, guilds: list[SimGuild]) -> None:
    """Set the daily prompt up for ``guilds`` (09:00 UTC) straight through the service, before any bot runs."""
    settings = Settings(_env_file=None, database_path=db, backup_dir=db.parent / "backups")
    core = Core.build(settings, ContentStore.load(SHIPPED_CONTENT_DIR), clock=clock, manual_scheduler=True)
    await core.db.open()
    try:
        service = DailyService(core.db, core.clock, core.content, core.scheduler, core.audit, core.activity,
                               OfflinePublisher())
        for guild in guilds:
            await service.setup(guild.id, guild.owner_id, channel_id=guild.channel("daily").id, time_text="09:00",
                                zone_text="UTC", role_id=None)
    finally:
        await core.db.close()


def _requests_for(sim: LocalDiscord, guilds: list[SimGuild]) -> int:
    channel_ids = {str(g.channel("daily").id) for g in guilds} | {str(t.id) for g in guilds for t in g.threads}
    return sum(1 for _method, path in sim.requests if path.split("/channels/")[-1].split("/")[0] in channel_ids)


async def _layout(guild_count: int, shards: int, split: list[str], sample: int,
                  max_concurrency: int) -> tuple[float, list[float], int, int]:
    """Start ``len(split)`` processes; return (seconds to ready, RSS MB each, sample's requests, 429s)."""
    clock = ManualClock(START)
    with tempfile.TemporaryDirectory() as tmp:
        async with LocalDiscord(clock=clock, global_rate_limit=GLOBAL_LIMIT, max_concurrency=max_concurrency) as sim:
            for index in range(guild_count):
                sim.create_guild(f"Study group {index}").create_text_channel("daily")
            sampled = list(sim.guilds.values())[:sample]
            db = Path(tmp) / "shared.sqlite3"
            await _configure_daily(db, clock, sampled)
            clock.set(START + timedelta(minutes=1, seconds=5))  # the sample's posts fall due as the bots start
            rate = 48.0 / len(split)
            processes = [BotProcess(sim, clock, db, rate=rate, name=f"shards-{ids}",
                                    env={"STUDYBOT_SHARD_COUNT": str(shards), "STUDYBOT_SHARD_IDS": ids})
                         for ids in split]
            limited_before = sim.ratelimiter.limited
            began = time.perf_counter()
            for process in processes:
                await process.start()
            try:
                for process in processes:
                    await process.wait_for(lambda p=process: READY in p.output(), "every shard ready", 900)
                ready = time.perf_counter() - began
                rss = [_rss_mb(p.process.pid) for p in processes if p.process is not None]
                posted = [g for g in sampled if any(m.author_id == sim.bot_user.id for m in g.channel("daily").messages)]
                if len(posted) != len(sampled):
                    raise AssertionError(f"only {len(posted)} of {len(sampled)} sampled guilds were posted")
                return ready, rss, _requests_for(sim, sampled), sim.ratelimiter.limited - limited_before
            finally:
                await asyncio.gather(*(p.stop() for p in processes if p.alive()))


async def run(quick: bool = False) -> Result:
    guilds, shards, sample = (60, 2, 4) if quick else (10_000, 10, 100)
    concurrency = 16 if quick else 1  # Discord gives 1 below large-bot sharding (150,000 guilds)
    half = shards // 2
    one_ready, one_rss, _, one_429 = await _layout(guilds, shards, [f"0-{shards - 1}"], sample, concurrency)
    two_ready, two_rss, two_requests, two_429 = await _layout(
        guilds, shards, [f"0-{half - 1}", f"{half}-{shards - 1}"], sample, concurrency)
    per_post = two_requests / sample
    fanout_seconds = guilds * per_post / GLOBAL_LIMIT
    # The process holding every guild against each process holding half: the difference is what guilds cost.
    per_guild_kb = max(0.0, one_rss[0] - sum(two_rss) / 2) * 1024 / (guilds - guilds / 2)
    details = [
        f"{guilds:,} guilds, {shards} shards, max_concurrency {concurrency}; the bot processes are real processes "
        "on this machine, the local Discord runs in the benchmark's own process.",
        f"One process running shards 0-{shards - 1}: every shard ready and caught up {one_ready:.1f} s after the "
        f"process started; {one_rss[0]:.0f} MB resident, the interpreter, discord.py and the content packs "
        f"included. Each guild costs about {per_guild_kb:.1f} KB (the one-process figure against the "
        "two-process ones, which hold half the guilds each).",
        f"Two processes running shards 0-{half - 1} and {half}-{shards - 1} over one SQLite file (WAL): both ready "
        f"after {two_ready:.1f} s; {two_rss[0]:.0f} MB and {two_rss[1]:.0f} MB resident "
        f"({sum(two_rss):.0f} MB together). Both processes share one IDENTIFY budget: with max_concurrency "
        "1, ten shards need at least 45 s to identify however they are split.",
        f"Daily fan-out: each post took {per_post:.1f} requests (the post and the thread started from it), "
        f"so posting in all {guilds:,} guilds needs {guilds * per_post:,.0f} requests, at least "
        f"{fanout_seconds / 60:.1f} minutes under the {GLOBAL_LIMIT} requests/s global limit, which holds for "
        "the bot as a whole, across processes. Measured on "
        f"{sample} guilds posting as the processes started: {one_429} request(s) refused with 429 with one "
        f"process pacing at 48/s, {two_429} with two pacing at 24/s each.",
    ]
    return Result(
        name=f"Shards ({guilds:,} guilds over {shards} shards)",
        figure=(f"ready in {one_ready:.0f} s (1 process, {one_rss[0]:.0f} MB) / {two_ready:.0f} s (2 processes, "
                f"{max(two_rss):.0f} MB each at most); fan-out ≥ {fanout_seconds / 60:.1f} min"),
        target="ready < 120 s, < 300 MB a process",
        met=max(one_ready, two_ready) < 120 and max(one_rss + two_rss) < 300,
        details=details,
    )
