"""Start the real bot against a LocalDiscord outside pytest, for the benchmarks."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.localdiscord import BotHarness, BucketRule, LocalDiscord

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@asynccontextmanager
async def running_bot(build_world: Callable[[LocalDiscord], None], *, global_rate_limit: float | None = None,
                      bucket_rules: dict[str, BucketRule] | None = None) -> AsyncIterator[BotHarness]:
    clock = ManualClock(START)
    rules = bucket_rules if bucket_rules is not None else {"POST /channels/{channel_id}/messages": BucketRule(10**6, 1)}
    with tempfile.TemporaryDirectory() as tmp:
        async with LocalDiscord(clock=clock, global_rate_limit=global_rate_limit, bucket_rules=rules) as sim:
            build_world(sim)
            harness = BotHarness(sim, Path(tmp) / "bench.sqlite3", clock)
            await harness.start()
            try:
                yield harness
            finally:
                await harness.stop()
            if sim.errors:  # a figure measured on requests Discord would refuse means nothing
                raise RuntimeError(f"the bot sent requests Discord would reject: {sim.errors[:5]}")
