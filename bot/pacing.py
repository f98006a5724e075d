"""Pacing the bot's own REST traffic under Discord's global limit (50 requests a second).

discord.py only reacts to a global 429: when a thousand guilds are due in the same
minute, every delivery would fire at once, most would be refused, and all would wait
and retry together. Scheduled fan-out (daily posts, quizzes, pairing threads) instead
takes a token from this bucket before each request, so requests leave at a steady
rate just under the limit and almost none are refused. Interaction responses are
exempt from the global limit and do not use it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

DISCORD_GLOBAL_LIMIT = 50  # requests a second, per bot


class RequestPacer:
    """A token bucket: ``rate`` tokens a second, up to ``burst`` saved for quiet moments."""

    def __init__(self, rate: float, *, burst: float | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        # A sliding second may hold the saved burst plus a second of refill: keep the sum within the limit.
        self.burst = burst if burst is not None else max(1.0, min(5.0, DISCORD_GLOBAL_LIMIT - rate))
        self._monotonic = monotonic
        self._tokens = self.burst
        self._stamp = monotonic()
        self._lock = asyncio.Lock()
        self.waited_seconds = 0.0

    def _refill(self) -> None:
        now = self._monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self) -> None:
        """Wait (in arrival order) until a request may be sent."""
        async with self._lock:
            self._refill()
            if self._tokens < 1:
                delay = (1 - self._tokens) / self.rate
                self.waited_seconds += delay
                await asyncio.sleep(delay)
                self._refill()
            self._tokens -= 1
