"""Weekly availability: the friendly text members type, and the UTC slot masks matching uses.

Members write when they are free in their *own* local time, the way they would say it
("Mon-Fri 18-21, Sat 10-14"). Matching needs to compare people in different zones, so
an :class:`Availability` is turned into a bit mask over one week in UTC with 15-minute
slots (672 bits; bit 0 is Monday 00:00-00:15 UTC). Quarter hours make zones with
:30 and :45 offsets exact, and ``(a & b).bit_count()`` gives the shared time in one
cheap operation, which matters when thousands of members are compared.

The week is treated as circular: a Sunday-evening slot in Los Angeles is Monday
morning in UTC, and the start of the mask holds it. The conversion is done for a
concrete reference week, so daylight-saving changes shift the mask the way they
shift people's actual evenings: the Monday-morning slots of a week are the previous
Sunday's evening, read with that Sunday's offset, not with the one the clocks change
to at the end of the week.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.errors import InvalidInput

SLOT_MINUTES = 15
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY
WEEK_MINUTES = 7 * 24 * 60
ALL_SLOTS = (1 << SLOTS_PER_WEEK) - 1
MAX_TEXT = 200

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_WORDS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}
_DAY_GROUPS = {
    "weekdays": range(5), "weekday": range(5), "weekends": range(5, 7), "weekend": range(5, 7),
    "daily": range(7), "everyday": range(7), "all": range(7),
}
_ANYTIME = {"any", "anytime", "any time", "flexible", "always", "whenever"}
_TIME = r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?"
_RANGE = re.compile(rf"^{_TIME}-{_TIME}$")

HINT = (
    "Write days, then hours in your own timezone, for example `Mon-Fri 18-21, Sat 10-14`. "
    "Days: Mon … Sun, `weekdays`, `weekends`, `daily`; hours 24-hour (`18:30-21`) or am/pm (`6-9pm`); "
    "`22-01` runs past midnight; `anytime` means any hour."
)


@dataclass(frozen=True, order=True)
class Window:
    """One stretch of free time: local weekday (0 = Monday) and minutes after local midnight.

    Stretches past midnight are stored as two windows (``Sun 22-02`` becomes
    ``Sun 22-24`` and ``Mon 00-02``), so each day reads on its own.
    """

    day: int
    start: int
    end: int


@dataclass(frozen=True)
class Availability:
    """A member's weekly free time in their own zone; ``windows`` are sorted and merged."""

    windows: tuple[Window, ...]

    @classmethod
    def of(cls, windows: Iterable[Window]) -> Availability:
        """Normalised: stretches past midnight split at it, overlaps merged, sorted."""
        minutes: dict[int, set[tuple[int, int]]] = {}
        for window in windows:
            minutes.setdefault(window.day % 7, set()).add((window.start, window.end))
        return cls(_merge(minutes))

    @classmethod
    def anytime(cls) -> Availability:
        return cls(tuple(Window(day, 0, 1440) for day in range(7)))

    @property
    def is_anytime(self) -> bool:
        return self == Availability.anytime()

    @property
    def weekly_minutes(self) -> int:
        return sum(window.end - window.start for window in self.windows)

    def text(self) -> str:
        """The canonical text form (what is stored and shown back to the member)."""
        if self.is_anytime:
            return "anytime"
        by_day: dict[int, list[tuple[int, int]]] = {}
        for window in self.windows:
            by_day.setdefault(window.day, []).append((window.start, window.end))
        # Group consecutive days that share the same hours: "Mon-Fri 18-21".
        parts: list[str] = []
        days = sorted(by_day)
        index = 0
        while index < len(days):
            first = days[index]
            last = first
            while index + 1 < len(days) and days[index + 1] == last + 1 and by_day[days[index + 1]] == by_day[first]:
                index += 1
                last = days[index]
            span = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]}-{DAY_NAMES[last]}"
            hours = " ".join(f"{_clock(start)}-{_clock(end)}" for start, end in by_day[first])
            parts.append(f"{span} {hours}")
            index += 1
        return ", ".join(parts)


def _clock(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours:02d}" if rest == 0 else f"{hours:02d}:{rest:02d}"


def _fail(item: str) -> InvalidInput:
    shown = item.strip()[:60] or "empty"
    return InvalidInput(f"I could not read `{shown}` in your availability.", hint=HINT)


def _minutes(hour: str, minute: str | None, suffix: str | None) -> int | None:
    h, m = int(hour), int(minute or 0)
    if m >= 60:
        return None
    if suffix:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if suffix == "pm" else 0)
    if h > 24 or (h == 24 and m):
        return None
    return h * 60 + m


def _parse_range(token: str) -> tuple[int, int] | None:
    match = _RANGE.match(token)
    if not match:
        return None
    h1, m1, s1, h2, m2, s2 = match.groups()
    starts = {_minutes(h1, m1, s1)}
    ends = {_minutes(h2, m2, s2)}
    if s1 is None and s2 is not None:  # "6-9pm": the start may share the end's suffix
        starts.add(_minutes(h1, m1, s2))
    if s2 is None and s1 is not None:  # "6pm-9", "11am-1": the end is am or pm too (the shorter stretch wins)
        ends |= {_minutes(h2, m2, "am"), _minutes(h2, m2, "pm")}
    best: tuple[int, int] | None = None
    for start, end in ((start, end) for start in starts for end in ends):
        if start is None or end is None or start == 1440:
            continue
        if end == start:
            continue
        stop = end if end > start else end + 1440  # past midnight
        if stop - start > 1440:
            continue
        if best is None or stop - start < best[1] - best[0]:
            best = (start, stop)
    return best


def _parse_days(token: str) -> list[int] | None:
    if token in _DAY_GROUPS:
        return list(_DAY_GROUPS[token])
    if token in _DAY_WORDS:
        return [_DAY_WORDS[token]]
    if "-" in token:
        first, _, last = token.partition("-")
        if first in _DAY_WORDS and last in _DAY_WORDS:
            a, b = _DAY_WORDS[first], _DAY_WORDS[last]
            return [(a + i) % 7 for i in range((b - a) % 7 + 1)]
    return None


def parse_availability(text: str) -> Availability:
    """Parse the member's text, or raise :class:`InvalidInput` naming the part that is wrong."""
    raw = (text or "").strip()
    if len(raw) > MAX_TEXT:
        raise InvalidInput(f"Availability is limited to {MAX_TEXT} characters.", hint=HINT)
    cleaned = raw.lower().replace("–", "-").replace("—", "-")
    if cleaned in _ANYTIME:
        return Availability.anytime()
    if not cleaned:
        raise InvalidInput("Tell me when you are free.", hint=HINT)
    cleaned = re.sub(r"\s+(to|until|till)\s+", "-", cleaned)
    cleaned = re.sub(r"\s*-\s*", "-", cleaned)
    cleaned = re.sub(r"\s+(am|pm)\b", r"\1", cleaned)
    cleaned = re.sub(r"\bevery\s*day\b", "daily", cleaned)

    minutes: dict[int, set[tuple[int, int]]] = {}
    pending_days: list[int] = []
    for item in re.split(r"[,;\n]+", cleaned):
        words = [w for w in re.split(r"[\s/&+]+|\band\b", item) if w]
        days: list[int] = list(pending_days)
        ranges: list[tuple[int, int]] = []
        for word in words:
            parsed_days = _parse_days(word)
            if parsed_days is not None:
                if ranges:  # "Mon 18-20 Wed 10-12": a new group starts
                    _add(minutes, days, ranges, item)
                    days, ranges = [], []
                days.extend(parsed_days)
                continue
            parsed_range = _parse_range(word)
            if parsed_range is None:
                raise _fail(item)
            ranges.append(parsed_range)
        if not ranges:  # "Mon, Wed 18-20": days waiting for the hours that follow
            pending_days = days
            continue
        _add(minutes, days, ranges, item)
        pending_days = []
    if pending_days:
        names = ", ".join(DAY_NAMES[d] for d in sorted(set(pending_days)))
        raise InvalidInput(f"Which hours on {names}?", hint=HINT)
    if not minutes:
        raise InvalidInput("Tell me when you are free.", hint=HINT)
    return Availability(_merge(minutes))


def _add(minutes: dict[int, set[tuple[int, int]]], days: list[int], ranges: list[tuple[int, int]], item: str) -> None:
    if not days:
        raise InvalidInput(f"`{item.strip()[:60]}` has hours but no days.", hint=HINT)
    for day in days:
        minutes.setdefault(day, set()).update(ranges)


def _merge(minutes: dict[int, set[tuple[int, int]]]) -> tuple[Window, ...]:
    per_day: dict[int, list[tuple[int, int]]] = {}
    for day, spans in minutes.items():
        for start, end in spans:
            end = min(end, start + 1440)
            per_day.setdefault(day, []).append((start, min(end, 1440)))
            if end > 1440:  # the part after midnight belongs to the next day
                per_day.setdefault((day + 1) % 7, []).append((0, end - 1440))
    windows: list[Window] = []
    for day in sorted(per_day):
        merged: list[list[int]] = []
        for start, end in sorted(per_day[day]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        windows.extend(Window(day, start, end) for start, end in merged)
    return tuple(windows)


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the week containing ``moment`` (the origin of slot masks)."""
    utc = moment.astimezone(UTC)
    monday = utc.date() - timedelta(days=utc.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


def _span_mask(start_slot: int, end_slot: int) -> int:
    """Bits ``[start_slot, end_slot)`` of the circular week."""
    length = end_slot - start_slot
    if length <= 0:
        return 0
    if length >= SLOTS_PER_WEEK:
        return ALL_SLOTS
    start_slot %= SLOTS_PER_WEEK
    bits = ((1 << length) - 1) << start_slot
    return (bits | (bits >> SLOTS_PER_WEEK)) & ALL_SLOTS


def utc_slots(availability: Availability, zone: ZoneInfo, reference: datetime) -> int:
    """The member's free time as a UTC slot mask for the week containing ``reference``.

    Each window is read in the local weeks either side too, and only what falls inside this UTC week is kept:
    a stretch that crosses the week's edge in UTC is the neighbouring week's, at that week's offset.
    """
    if availability.is_anytime:
        return ALL_SLOTS
    origin = week_start(reference)
    monday: date = origin.date()
    mask = 0
    for window in availability.windows:
        for week in (-1, 0, 1):
            day = monday + timedelta(days=window.day + 7 * week)
            midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
            # Wall-clock arithmetic in the member's zone, then the real instants in UTC.
            start = (midnight + timedelta(minutes=window.start)).astimezone(UTC)
            end = (midnight + timedelta(minutes=window.end)).astimezone(UTC)
            start_min = max(0, int((start - origin).total_seconds() // 60))
            end_min = min(WEEK_MINUTES, int((end - origin).total_seconds() // 60))
            mask |= _span_mask(start_min // SLOT_MINUTES, -(-end_min // SLOT_MINUTES))
    return mask


def overlap_minutes(a: int, b: int) -> int:
    return (a & b).bit_count() * SLOT_MINUTES


def free_blocks(mask: int, origin: datetime, *, min_minutes: int = 60) -> list[tuple[datetime, datetime]]:
    """Contiguous stretches of ``mask`` (at least ``min_minutes`` long) as UTC instants from ``origin``.

    The circular week is unrolled so a stretch crossing Sunday→Monday UTC stays whole.
    """
    if mask == 0:
        return []
    if mask == ALL_SLOTS:
        return [(origin, origin + timedelta(days=7))]
    # Start scanning at a free slot boundary so no run is cut by the wrap.
    first_gap = next(i for i in range(SLOTS_PER_WEEK) if not mask >> i & 1)
    blocks: list[tuple[datetime, datetime]] = []
    run_start: int | None = None
    for step in range(SLOTS_PER_WEEK + 1):
        slot = first_gap + step
        free = bool(mask >> (slot % SLOTS_PER_WEEK) & 1) and step < SLOTS_PER_WEEK
        if free and run_start is None:
            run_start = slot
        elif not free and run_start is not None:
            if (slot - run_start) * SLOT_MINUTES >= min_minutes:
                begin = run_start % SLOTS_PER_WEEK
                blocks.append(
                    (
                        origin + timedelta(minutes=begin * SLOT_MINUTES),
                        origin + timedelta(minutes=(begin + slot - run_start) * SLOT_MINUTES),
                    )
                )
            run_start = None
    return sorted(blocks)


def suggested_times(
    mask: int, after: datetime, before: datetime, *, limit: int = 3, min_minutes: int = 60
) -> list[tuple[datetime, datetime]]:
    """Up to ``limit`` shared stretches that start in ``[after, before)``, earliest first.

    ``mask`` is a UTC slot mask (built for the week of ``after``); the pattern repeats
    weekly, so the following weeks are read from the same mask.
    """
    if before <= after:
        return []
    found: list[tuple[datetime, datetime]] = []
    origin = week_start(after)
    blocks = free_blocks(mask, origin, min_minutes=min_minutes)
    week = 0
    while origin + timedelta(days=7 * week) < before and len(found) < limit:
        shift = timedelta(days=7 * week)
        for start, end in blocks:
            start, end = start + shift, end + shift
            if end - timedelta(minutes=min_minutes) < after:
                continue  # over already, or too little of it left
            start = max(start, _ceil_quarter(after))
            if start < before and end - start >= timedelta(minutes=min_minutes):
                found.append((start, end))
                if len(found) >= limit:
                    break
        week += 1
    return found


def _ceil_quarter(moment: datetime) -> datetime:
    base = moment.replace(second=0, microsecond=0)
    if base < moment:
        base += timedelta(minutes=1)
    extra = (-base.minute) % SLOT_MINUTES
    return base + timedelta(minutes=extra)
