"""Pacing the bot's own REST traffic under Discord's global limit (50 requests a second).

discord.py only reacts to a global 429: when a thousand guilds are due in the same
minute, every delivery would fire at once, most would be refused, and all would wait
and retry together. Scheduled fan-out (daily posts, quizzes, pairing threads) instead
takes a token from a bucket before each request, so requests leave at a steady rate
just under the limit and almost none are refused. Interaction responses are exempt
from the global limit and do not use it.

Two rules, two lanes. The hard rule is Discord's own: at most ``rate`` requests in any one
second, whichever lane they come from (a sliding window, the strictest reading of "per
second"). Scheduled traffic is also smoothed by the token bucket, so a fan-out never
bursts. A request a member's own action causes (the answer shown in its thread after the
form) takes the member lane instead (:func:`members_first`, set once per interaction): it
is not smoothed, so ten members answering at once see their ten answers at once, and when
the second is full it is served ahead of every queued scheduled post, each lane in arrival
order. Without the lane a member's answer would queue behind a fan-out already waiting, up
to a minute for a thousand servers.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import deque
from collections.abc import Callable

DISCORD_GLOBAL_LIMIT = 50  # requests a second, per bot
_ROUNDING = 1e-9  # a float's rounding is no reason to wait again (and a waiting loop must make progress)

_member_lane: contextvars.ContextVar[bool] = contextvars.ContextVar("member_lane", default=False)


def members_first() -> None:
    """From here on in this task (an interaction handler), requests take the member lane."""
    _member_lane.set(True)


def scheduled_lane() -> None:
    """From here on in this task (a scheduled job), requests take the scheduled lane, whatever context
    the job's task was copied from (APScheduler starts a job from the context that last set its timer,
    which may be an interaction's)."""
    _member_lane.set(False)


class RequestPacer:
    """At most ``rate`` requests in any one second; scheduled ones also paced by a token bucket
    (``rate`` tokens a second, up to ``burst`` saved for quiet moments)."""

    def __init__(self, rate: float, *, burst: float | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.window_limit = max(1, int(rate))  # requests in any one second, both lanes together
        # A sliding second may hold the saved burst plus a second of refill: keep the sum within the limit.
        self.burst = burst if burst is not None else max(1.0, min(5.0, DISCORD_GLOBAL_LIMIT - rate))
        self._monotonic = monotonic
        self._tokens = self.burst
        self._stamp = monotonic()
        self._sent: deque[float] = deque()  # when the requests of the last second went
        self._members: deque[asyncio.Future[None]] = deque()
        self._scheduled: deque[asyncio.Future[None]] = deque()
        self._drainer: asyncio.Task[None] | None = None  # hands out turns while anyone waits

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def _window_wait(self, now: float) -> float:
        """Seconds until the last second has room for one more request (0: room now)."""
        sent = self._sent
        while sent and now - sent[0] >= 1.0 - _ROUNDING:
            sent.popleft()
        return 0.0 if len(sent) < self.window_limit else 1.0 - (now - sent[0])

    async def acquire(self) -> None:
        """Wait until a request may be sent: the member lane first, each lane in arrival order."""
        now = self._monotonic()
        member = _member_lane.get()
        if self._window_wait(now) == 0.0:
            if member and not self._members:  # no member waits before this one: go now
                self._sent.append(now)
                return
            if not member and self._drainer is None:
                self._refill(now)
                if self._tokens >= 1:  # nobody waits and a token is saved: go now
                    self._tokens -= 1
                    self._sent.append(now)
                    return
        turn = asyncio.get_running_loop().create_future()
        (self._members if member else self._scheduled).append(turn)
        if self._drainer is None:
            self._drainer = asyncio.ensure_future(self._drain())
        await turn

    @staticmethod
    def _first_waiting(lane: deque[asyncio.Future[None]]) -> asyncio.Future[None] | None:
        while lane:
            if not lane[0].done():  # a cancelled waiter gives up its place
                return lane[0]
            lane.popleft()
        return None

    async def _drain(self) -> None:
        try:
            while True:
                member = self._first_waiting(self._members)
                scheduled = None if member else self._first_waiting(self._scheduled)
                if member is None and scheduled is None:
                    break
                now = self._monotonic()
                wait = self._window_wait(now)
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue  # a member may have arrived meanwhile
                if scheduled is not None:
                    self._refill(now)
                    if self._tokens < 1 - _ROUNDING:
                        await asyncio.sleep((1 - self._tokens) / self.rate)
                        continue
                    self._tokens -= 1
                turn = member or scheduled
                assert turn is not None
                (self._members if member else self._scheduled).popleft()
                self._sent.append(now)
                turn.set_result(None)
        finally:
            self._drainer = None
            for lane in (self._members, self._scheduled):  # only left when the drain itself was cancelled
                while lane:
                    lane.popleft().cancel()
