"""Rate limits as Discord documents them: per-route buckets, a global limit, and injected faults.

Buckets are keyed on the route template and its major parameter (channel, guild or
webhook id). Every answer carries the ``X-RateLimit-*`` headers, which is what makes
discord.py throttle itself; a 429 carries ``retry_after`` and a ``Via`` header (without
``Via`` discord.py treats a 429 as a Cloudflare ban and gives up).
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class BucketRule:
    limit: int
    per_seconds: float


DEFAULT_RULES: dict[str, BucketRule] = {
    "POST /channels/{channel_id}/messages": BucketRule(5, 5.0),
    "PATCH /channels/{channel_id}/messages/{message_id}": BucketRule(5, 5.0),
    "POST /users/@me/channels": BucketRule(10, 10.0),
}
FALLBACK_RULE = BucketRule(50, 1.0)


@dataclass
class _Bucket:
    rule: BucketRule
    hits: deque[float] = field(default_factory=deque)

    def state(self, now: float) -> tuple[int, float]:
        while self.hits and now - self.hits[0] >= self.rule.per_seconds:
            self.hits.popleft()
        remaining = self.rule.limit - len(self.hits)
        reset_after = self.rule.per_seconds - (now - self.hits[0]) if self.hits else self.rule.per_seconds
        return remaining, max(reset_after, 0.0)


@dataclass
class Decision:
    allowed: bool
    headers: dict[str, str]
    body: dict[str, Any] | None = None


class RateLimiter:
    """Decides for each request whether Discord would serve it or answer 429."""

    def __init__(self, *, global_per_second: float | None = 50, rules: dict[str, BucketRule] | None = None,
                 fallback: BucketRule | None = FALLBACK_RULE) -> None:
        self.global_per_second = global_per_second
        self.rules = dict(DEFAULT_RULES if rules is None else rules)
        self.fallback = fallback
        self._buckets: dict[str, _Bucket] = {}
        self._global_hits: deque[float] = deque()
        self.limited: int = 0
        self.every_nth_limited: int = 0  # fault injection: every n-th request answered 429
        self._counter = 0

    def check(self, route: str, major: str, *, exempt_global: bool = False) -> Decision:
        now = time.monotonic()
        self._counter += 1
        rule = self.rules.get(route, self.fallback)
        bucket_hash = hashlib.sha1(route.encode()).hexdigest()[:16]
        headers: dict[str, str] = {"Via": "1.1 google"}
        if self.every_nth_limited and self._counter % self.every_nth_limited == 0:
            self.limited += 1
            return self._too_many(headers, 0.05, scope="user", global_=False)
        if self.global_per_second and not exempt_global:
            while self._global_hits and now - self._global_hits[0] >= 1.0:
                self._global_hits.popleft()
            if len(self._global_hits) >= self.global_per_second:
                retry = 1.0 - (now - self._global_hits[0])
                self.limited += 1
                return self._too_many(headers, retry, scope="global", global_=True)
        if rule is None:
            if self.global_per_second and not exempt_global:
                self._global_hits.append(now)
            return Decision(True, headers)
        bucket = self._buckets.setdefault(f"{route}:{major}", _Bucket(rule))
        remaining, reset_after = bucket.state(now)
        if remaining <= 0:
            self.limited += 1
            headers.update(self._bucket_headers(rule, 0, reset_after, bucket_hash))
            return self._too_many(headers, reset_after, scope="user", global_=False)
        bucket.hits.append(now)
        if self.global_per_second and not exempt_global:
            self._global_hits.append(now)
        remaining, reset_after = bucket.state(now)
        headers.update(self._bucket_headers(rule, remaining, reset_after, bucket_hash))
        return Decision(True, headers)

    @staticmethod
    def _bucket_headers(rule: BucketRule, remaining: int, reset_after: float, bucket: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(rule.limit),
            "X-RateLimit-Remaining": str(max(remaining, 0)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }

    @staticmethod
    def _too_many(headers: dict[str, str], retry_after: float, *, scope: str, global_: bool) -> Decision:
        retry_after = max(round(retry_after, 3), 0.001)
        headers = dict(headers)
        headers["Retry-After"] = str(max(1, int(retry_after + 0.999)))
        headers["X-RateLimit-Scope"] = scope
        if global_:
            headers["X-RateLimit-Global"] = "true"
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": global_}
        if global_:
            body["code"] = 0
        return Decision(False, headers, body)
