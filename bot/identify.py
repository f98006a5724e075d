"""Pacing IDENTIFY calls the way Discord's session start rules allow.

Discord lets an application start ``max_concurrency`` sessions per 5 seconds, one per
rate-limit key ``shard_id % max_concurrency``, and refuses more with an Invalid Session
(discord/discord-api-docs, developers/events/gateway.mdx, "Identifying" and "Max
Concurrency"). discord.py's default waits 5 s before every shard after the first; this
waits only when the shard's own key was used less than 5 s ago, so a bot with
``max_concurrency`` 16 starts 16 shards at once, and a refused IDENTIFY is retried as
soon as its key is free again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

IDENTIFY_WINDOW = 5.0
MARGIN = 0.25  # Discord counts from when it received the IDENTIFY, a moment after it was sent


class IdentifyPacer:
    def __init__(self, max_concurrency: int | None = None, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.max_concurrency = max_concurrency
        self._monotonic = monotonic
        self._last: dict[int, float] = {}
        self._lock = asyncio.Lock()

    def key(self, shard_id: int) -> int:
        return shard_id % (self.max_concurrency or 1)

    def delay(self, shard_id: int, *, initial: bool) -> float:
        """Seconds to wait before ``shard_id`` may identify (the process's very first identify: none)."""
        last = self._last.get(self.key(shard_id))
        if last is None:
            return 0.0 if initial or self.max_concurrency else IDENTIFY_WINDOW
        return max(0.0, last + IDENTIFY_WINDOW + MARGIN - self._monotonic())

    async def wait(self, shard_id: int, *, initial: bool) -> None:
        async with self._lock:
            delay = self.delay(shard_id, initial=initial)
            if delay:
                await asyncio.sleep(delay)
            self._last[self.key(shard_id)] = self._monotonic()


class SessionStartLimitReached(Exception):
    """Fewer session starts are left today than this process has shards to start."""

    def __init__(self, remaining: int, needed: int, reset_after_seconds: float) -> None:
        super().__init__(f"{remaining} session starts left, {needed} needed")
        self.remaining = remaining
        self.needed = needed
        self.reset_after_seconds = reset_after_seconds
