"""Time as a dependency.

Every service takes a :class:`Clock` instead of calling ``datetime.now()``, so tests
and the demo can move time forward deterministically (days, DST switches, schedules)
without sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of the current instant, always an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def ensure_utc(moment: datetime) -> datetime:
    """Return ``moment`` in UTC, refusing naive datetimes (their meaning is ambiguous)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetimes are not allowed; attach a timezone")
    return moment.astimezone(UTC)


class ManualClock:
    """A clock that only moves when told to; used by tests, the demo and benchmarks."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = ensure_utc(start) if start else datetime(2026, 1, 5, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment``; time never runs backwards, which would corrupt day logic."""
        moment = ensure_utc(moment)
        if moment < self._now:
            raise ValueError(f"clock cannot go back from {self._now} to {moment}")
        self._now = moment

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by ``delta`` (or ``timedelta(**kwargs)``) and return the new now."""
        step = delta if delta is not None else timedelta(**kwargs)
        self.set(self._now + step)
        return self._now
