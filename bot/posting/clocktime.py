"""When a local "HH:MM every day" happens in UTC, including on daylight-saving days.

APScheduler's cron trigger fires a 02:30 job at 03:30 on a spring-forward day and
twice on a fall-back day. Moderators expect neither: a time inside the skipped hour
posts at the first minute that exists after the gap, and a time inside the repeated
hour posts once, at its first occurrence. :class:`LocalDailyTrigger` gives APScheduler
exactly those instants, so production and the manual test scheduler agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger


def occurrence(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``at`` on local ``day`` (gap: first valid minute after it, or the last before it when
    the gap runs to the day's end; overlap: first)."""
    wall = datetime.combine(day, at, tzinfo=zone)  # fold=0: the first of two repeated times
    if _exists(wall.replace(tzinfo=None), zone):
        return wall.astimezone(UTC)
    # The wall time does not exist: the first minute after the gap that is still on ``day``. Greenland springs
    # forward from 23:00 straight to the next midnight, so there the day's last minute before the gap serves it
    # instead: a minute on the next day would give that day two posts and this one none.
    for step in (timedelta(minutes=1), timedelta(minutes=-1)):
        probe = wall.replace(tzinfo=None) + step
        while probe.date() == day:
            if _exists(probe, zone):
                return probe.replace(tzinfo=zone).astimezone(UTC)
            probe += step
    raise AssertionError("a day always has a minute that exists")  # pragma: no cover


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether the naive local ``wall`` time happens in ``zone`` (not inside a daylight-saving gap)."""
    return wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


def owed(due_at: datetime, now: datetime, starts_at: datetime | None) -> bool:
    """Whether the occurrence at ``due_at`` is owed by ``now``: its time has come, and the schedule already
    existed then. A schedule first set up after today's time starts with the next occurrence, as its
    setup reply says, so a restart later that day must not post today's (``starts_at`` is None for a
    schedule older than that record: every passed occurrence is owed).
    """
    return due_at <= now and (starts_at is None or due_at >= starts_at)


def next_occurrence(after: datetime, at: time, zone: ZoneInfo, *, inclusive: bool = False) -> datetime:
    """The first daily occurrence strictly after ``after`` (or at it, when ``inclusive``)."""
    day = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(4):
        candidate = occurrence(day + timedelta(days=offset), at, zone)
        if candidate > after or (inclusive and candidate == after):
            return candidate
    raise AssertionError("a daily time always occurs within three days")  # pragma: no cover


def upcoming(after: datetime, at: time, zone: ZoneInfo, count: int) -> list[datetime]:
    """The next ``count`` occurrences after ``after``."""
    result: list[datetime] = []
    moment = after
    for _ in range(count):
        moment = next_occurrence(moment, at, zone)
        result.append(moment)
    return result


def fire_reference(previous_fire_time: datetime | None, now: datetime) -> datetime:
    """What a local-time trigger's next fire comes after (in UTC): now, or its previous fire if later (APScheduler
    may ask ahead of time); without a previous fire, a fire at exactly now is still due."""
    reference = now.astimezone(UTC)
    if previous_fire_time is not None:
        reference = max(reference, previous_fire_time.astimezone(UTC))
    return reference


class LocalDailyTrigger(BaseTrigger):
    """An APScheduler trigger firing once per local day at ``at`` in ``zone``, DST-correct."""

    def __init__(self, at: time, zone: ZoneInfo) -> None:
        self.at = at
        self.zone = zone

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        reference = fire_reference(previous_fire_time, now)
        return next_occurrence(reference, self.at, self.zone, inclusive=previous_fire_time is None)

    def __str__(self) -> str:
        return f"daily at {self.at:%H:%M} {self.zone.key}"

    def __repr__(self) -> str:
        return f"<LocalDailyTrigger {self}>"
