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
    """Decides for each request whether Discord would serve it or answer 429.

    topics/rate-limits.mdx: every answer carries the route's ``X-RateLimit-*`` headers
    (limit, remaining, reset, reset-after, bucket); a bucket is the route template, counted
    separately per top-level resource (channel, guild or webhook); the global limit counts
    every request except interaction callbacks and follow-ups ("Global Rate Limit"). A 429
    has the documented body (message, retry_after, global) and headers (Retry-After, scope,
    and ``X-RateLimit-Global`` for the global limit).
    """

    def __init__(self, *, global_per_second: float | None = 50, rules: dict[str, BucketRule] | None = None,
                 fallback: BucketRule | None = FALLBACK_RULE) -> None:
        self.global_per_second = global_per_second
        self.rules = dict(DEFAULT_RULES if rules is None else rules)
        self.fallback = fallback
        self._buckets: dict[str, _Bucket] = {}
        self._global_hits: deque[float] = deque()
        self.limited: int = 0
        # Fault injection: every n-th request is answered 429 in ``storm_scope`` ("user", "global" or
        # "shared"), with the same body and headers a real limit of that scope has.
        self.every_nth_limited: int = 0
        self.storm_scope: str = "user"
        self.storm_retry_after: float = 0.05
        self._counter = 0

    @staticmethod
    def bucket_hash(route: str) -> str:
        return hashlib.sha1(route.encode()).hexdigest()[:32]

    def check(self, route: str, major: str, *, exempt_global: bool = False) -> Decision:
        now = time.monotonic()
        self._counter += 1
        rule = self.rules.get(route, self.fallback)
        bucket_hash = self.bucket_hash(route)
        headers: dict[str, str] = {"Via": "1.1 google"}
        bucket = self._buckets.setdefault(f"{route}:{major}", _Bucket(rule)) if rule is not None else None
        if self.every_nth_limited and self._counter % self.every_nth_limited == 0:
            self.limited += 1
            return self._storm(headers, rule, bucket, bucket_hash, now)
        if self.global_per_second and not exempt_global:
            while self._global_hits and now - self._global_hits[0] >= 1.0:
                self._global_hits.popleft()
            if len(self._global_hits) >= self.global_per_second:
                self.limited += 1
                return self._too_many(headers, 1.0 - (now - self._global_hits[0]), scope="global")
        if rule is None or bucket is None:
            if self.global_per_second and not exempt_global:
                self._global_hits.append(now)
            return Decision(True, headers)
        remaining, reset_after = bucket.state(now)
        if remaining <= 0:
            self.limited += 1
            headers.update(self._bucket_headers(rule, 0, reset_after, bucket_hash))
            return self._too_many(headers, reset_after, scope="user")
        bucket.hits.append(now)
        if self.global_per_second and not exempt_global:
            self._global_hits.append(now)
        remaining, reset_after = bucket.state(now)
        headers.update(self._bucket_headers(rule, remaining, reset_after, bucket_hash))
        return Decision(True, headers)

    def _storm(self, headers: dict[str, str], rule: BucketRule | None, bucket: _Bucket | None, bucket_hash: str,
               now: float) -> Decision:
        retry = self.storm_retry_after
        if self.storm_scope == "global" or rule is None or bucket is None:
            return self._too_many(headers, retry, scope="global")
        remaining, _ = bucket.state(now)
        shared = self.storm_scope == "shared"  # a resource limit leaves the bot's own bucket as it is
        headers.update(self._bucket_headers(rule, remaining if shared else 0, retry, bucket_hash))
        return self._too_many(headers, retry, scope=self.storm_scope)

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
    def _too_many(headers: dict[str, str], retry_after: float, *, scope: str) -> Decision:
        """topics/rate-limits.mdx, "Exceeding A Rate Limit": the three documented example answers."""
        retry_after = max(round(retry_after, 3), 0.001)
        headers = dict(headers)
        headers["Retry-After"] = str(max(1, int(retry_after + 0.999)))
        headers["X-RateLimit-Scope"] = scope
        global_ = scope == "global"
        if global_:
            headers["X-RateLimit-Global"] = "true"
        message = "The resource is being rate limited." if scope == "shared" else "You are being rate limited."
        return Decision(False, headers, {"message": message, "retry_after": retry_after, "global": global_})


INVALID_LIMIT = 10_000  # rate-limits.mdx, "Invalid Request Limit aka Cloudflare bans": per 10 minutes
INVALID_WINDOW = 600.0


class InvalidRequests:
    """rate-limits.mdx, "Invalid Request Limit aka Cloudflare bans": an IP that makes more than 10,000 invalid
    requests (401, 403, or 429 unless its scope is ``shared``) in 10 minutes is shut out for a while. The docs
    give no answer for the ban; Cloudflare's is a 429 with a plain-text "error code: 1015" and none of
    Discord's headers, which discord.py reads as a ban. Timed on the real clock, as the rate limits are."""

    def __init__(self, limit: int = INVALID_LIMIT, window: float = INVALID_WINDOW) -> None:
        self.limit = limit
        self.window = window
        self._times: deque[float] = deque()

    def _expire(self, now: float) -> None:
        while self._times and now - self._times[0] >= self.window:
            self._times.popleft()

    def note(self, status: int, scope: str | None) -> None:
        if status in (401, 403) or (status == 429 and scope != "shared"):
            now = time.monotonic()
            self._expire(now)
            self._times.append(now)

    def banned(self) -> bool:
        self._expire(time.monotonic())
        return len(self._times) > self.limit
