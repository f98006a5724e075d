"""Which occurrence a post belongs to, whatever the schedule looked like when it was made.

A ledger row records the UTC instant of the occurrence it served (``occurrence_at``).
Whether today's occurrence is already served is decided by reading those instants in
the schedule's *current* zone: a post made one hour before a move from Tokyo to Los
Angeles lies on the Los Angeles day that is still running, so that day gets no second
post, and the next Los Angeles day is not mistaken for it. Moving the time earlier
than now leaves today unserved, so the post goes out at once.

Rows are also filed under a local date (``local_date``), which buttons and answers
use as the post's name. After a zone change that date can already name an older
post; the new one then takes the nearest earlier free date, so names stay unique
without renumbering anything members have already clicked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.posting.clocktime import next_occurrence, upcoming


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where local ``day`` starts and the next one starts (23, 24 or 25 hours apart)."""
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def starts_from(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """From when a schedule first set up at ``now`` owes its occurrences (see ``clocktime.owed``).

    When today's time is still to come (or is this very instant, as the trigger counts it), from the start of
    today: the setup reply promised today's post, so moving the time earlier on that same day still owes it.
    When today's time has passed, from the first whole second not before ``now`` (the record keeps seconds):
    the reply said the schedule starts tomorrow, so a restart later that day must not post today's, even one
    set up within the very second of today's time."""
    first = next_occurrence(now, at, zone, inclusive=True)
    today = now.astimezone(zone).date()
    if first.astimezone(zone).date() == today:
        return day_bounds(today, zone)[0]
    return now.replace(microsecond=0) + timedelta(seconds=1) if now.microsecond else now


def free_label(wanted: date, taken: set[date]) -> date:
    """``wanted`` unless an older post already holds it; then the nearest earlier date nobody holds."""
    label = wanted
    while label in taken:
        label -= timedelta(days=1)
    return label


def next_times(now: datetime, at: time, zone: ZoneInfo, count: int, *, today_served: bool) -> list[datetime]:
    """The next ``count`` occurrences of ``at``. Today's is left out once today's item is out: a time
    moved later after it posts nothing more that day, so no list may promise it."""
    after = now
    if today_served:
        after = day_bounds(now.astimezone(zone).date(), zone)[1] - timedelta(microseconds=1)
    return upcoming(after, at, zone, count)
