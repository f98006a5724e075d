"""When rounds happen: weekly or every two weeks, on a weekday at a local time.

The scheduler job is a :class:`WeeklyTrigger`: the weekday's local time in the guild's zone, found as the
daily post finds its time (:func:`bot.posting.clocktime.occurrence`), so a round stays at 18:00 local across
daylight-saving changes, a time the clocks skip starts at the first minute after the gap and a repeated one
once. APScheduler 3's ``CronTrigger`` steps through the wall clock and, across a change, skips a whole week
(Monday 00:30 in New York after the March change) or fires on the next day as well (Greenland, whose clocks
jump from Saturday 23:00 to midnight).
A biweekly cadence fires every week and skips the weeks that are an odd number of
weeks after the schedule's anchor date: no week-number arithmetic that breaks at
New Year.

A round lasts one cadence period minus half a day: its check-in ("did you meet?") is
posted 12 hours before the next round, so no-show reports count for the next pairing.
A group still without an agreed time is nudged two days before the end (see agreement.py).

The anchor date is also the schedule's first round: no occurrence before it is a round. A schedule
changed while a round is open is anchored on the first occurrence that round leaves room for
(:func:`opening_rounds`), so every date it lists is a round that starts, never one skipped because the
open round, sized to the old schedule, was still running.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

from bot.errors import InvalidInput
from bot.posting.clocktime import fire_reference, occurrence

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CADENCES = {"weekly": 1, "biweekly": 2}  # weeks between rounds
CHECKIN_LEAD = timedelta(hours=12)
# A week across a daylight-saving change is an hour shorter in UTC: an unchanged local time then comes 11 hours
# after the check-in, and a schedule change must not push such a round a whole period out.
DST_SLACK = timedelta(hours=1)


@dataclass(frozen=True)
class Schedule:
    guild_id: int
    channel_id: int
    cadence: str
    weekday: str
    local_time: str
    timezone: str
    anchor_date: date
    enabled: bool = True
    voice_channel_id: int | None = None  # where interviews meet; None: a room per group when allowed

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def period(self) -> timedelta:
        return round_period(self.cadence)

    @property
    def describe(self) -> str:
        every = "Every week" if self.cadence == "weekly" else "Every two weeks"
        day = WEEKDAY_NAMES[WEEKDAYS.index(self.weekday)]
        return f"{every} on {day} at {self.local_time} ({self.timezone})"

    def trigger(self) -> WeeklyTrigger:
        hour, minute = (int(part) for part in self.local_time.split(":"))
        return WeeklyTrigger(WEEKDAYS.index(self.weekday), time(hour, minute), self.zone)

    def is_round_week(self, fire: datetime) -> bool:
        """Does a fire at ``fire`` start a round (from the anchor on: always for weekly, every other week for
        biweekly)? Before the anchor nothing does: an open round was still running then."""
        local = fire.astimezone(self.zone).date()
        if local < self.anchor_date:
            return False
        weeks = (local - self.anchor_date).days // 7
        return weeks % CADENCES[self.cadence] == 0

    def round_key(self, fire: datetime) -> str:
        """Rounds are keyed by their local date: a repeated hour on a fall-back day is one round."""
        return "scheduled:" + fire.astimezone(self.zone).date().isoformat()

    def next_rounds(self, after: datetime, count: int = 3) -> list[datetime]:
        """The next ``count`` round instants strictly after ``after`` (UTC)."""
        if not self.enabled:
            return []
        trigger = self.trigger()
        found: list[datetime] = []
        previous: datetime | None = None
        moment = after
        for _ in range(count * CADENCES[self.cadence] * 3 + 3):
            fire = trigger.get_next_fire_time(previous, moment)
            if fire is None:
                break
            fire_utc = fire.astimezone(UTC)
            repeat = bool(found) and self.round_key(found[-1]) == self.round_key(fire_utc)  # DST fall-back
            if fire_utc > after and self.is_round_week(fire_utc) and not repeat:
                found.append(fire_utc)
                if len(found) >= count:
                    break
            # Step in UTC: wall-clock arithmetic would loop inside a repeated (fall-back) hour.
            previous, moment = fire, fire_utc + timedelta(seconds=1)
        return found

    def last_fire(self, now: datetime) -> datetime | None:
        """The most recent round instant at or before ``now`` (for the catch-up after downtime)."""
        fires = [f for f in self.next_rounds(now - self.period - timedelta(days=1), count=3) if f <= now]
        return fires[-1] if fires else None


class WeeklyTrigger(BaseTrigger):
    """An APScheduler trigger firing once a week, on local ``weekday`` (0 is Monday) at ``at`` in ``zone``."""

    def __init__(self, weekday: int, at: time, zone: ZoneInfo) -> None:
        self.weekday = weekday
        self.at = at
        self.zone = zone

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        reference = fire_reference(previous_fire_time, now)
        # Each local day's occurrence falls on that day, so none before the reference's local date can be due.
        day = reference.astimezone(self.zone).date()
        day += timedelta(days=(self.weekday - day.weekday()) % 7)
        for weeks in range(2):
            fire = occurrence(day + timedelta(weeks=weeks), self.at, self.zone)
            if fire > reference or (previous_fire_time is None and fire == reference):
                return fire
        raise AssertionError("a weekday's time always occurs within two weeks")  # pragma: no cover

    def __str__(self) -> str:
        return f"weekly on {WEEKDAY_NAMES[self.weekday]} at {self.at:%H:%M} {self.zone.key}"

    def __repr__(self) -> str:
        return f"<WeeklyTrigger {self}>"


def round_period(cadence: str) -> timedelta:
    return timedelta(weeks=CADENCES.get(cadence, 1))


def round_times(starts_at: datetime, period: timedelta, due_at: datetime | None = None) -> tuple[datetime, datetime]:
    """(reminder, end) of a round that starts at ``starts_at``, for the occurrence due at ``due_at`` (by default
    its start). A round started late, after downtime, ends when its occurrence's would have: the lead before
    the next round, which would otherwise find it still open and be skipped."""
    ends_at = (due_at or starts_at) + period - CHECKIN_LEAD
    return starts_at + (ends_at - starts_at) / 2, ends_at


def earliest_first_round(now: datetime, open_round_ends: Iterable[datetime]) -> datetime:
    """The earliest a changed schedule's first round may start.

    A round still open keeps the end its members were told (their brief says "meet before" it), and the next
    round leaves its check-in the lead every round leaves, less :data:`DST_SLACK`, so that no-show reports still
    count for the next pairing and the round is not skipped because the open one has not closed yet.
    """
    return max([now, *(end + CHECKIN_LEAD - DST_SLACK for end in open_round_ends)])


def opening_rounds(schedule: Schedule, not_before: datetime, keep_weeks: bool, count: int = 3) -> list[datetime]:
    """The occurrences at or after ``not_before`` that may be ``schedule``'s first round, earliest first.

    With ``keep_weeks`` (same cadence and weekday as before) only the weeks of the schedule's current anchor
    count, so a biweekly schedule moved by an hour keeps its fortnights; otherwise every week counts and the
    chosen occurrence becomes the new anchor. The caller skips an occurrence whose round key is already used.
    """
    search = schedule if keep_weeks else replace(schedule, cadence="weekly", anchor_date=date.min)
    fires = search.next_rounds(not_before - timedelta(minutes=1), count + 1)
    return [fire for fire in fires if fire >= not_before][:count]


def passed_today(schedule: Schedule, old: Schedule | None, now: datetime, keep_weeks: bool) -> datetime | None:
    """The occurrence of ``schedule`` earlier today when it replaces an ``old`` schedule whose round today was still
    to come (the round's time moved earlier than now, on its own day): that round starts now, as after downtime,
    rather than a week (or two) later. None otherwise; the caller skips it if today's round was made already."""
    if old is None or not old.enabled:
        return None
    pending = old.next_rounds(now, 1)
    if not pending or pending[0].astimezone(old.zone).date() != now.astimezone(old.zone).date():
        return None
    search = schedule if keep_weeks else replace(schedule, cadence="weekly", anchor_date=date.min)
    fire = search.last_fire(now)
    if fire is None or fire.astimezone(schedule.zone).date() != now.astimezone(schedule.zone).date():
        return None
    return fire


def first_free(draft: Schedule, candidates: Sequence[datetime], taken: Container[str]) -> Schedule:
    """``draft`` anchored on the first of ``candidates`` whose round key no round has used yet.

    A key makes one round, even a cancelled one, so a day whose round was made would make no other; naming it
    would promise a round that never starts. (The candidates are a week apart and only a round made today can
    share a key with a future occurrence, so one of them is free.)
    """
    first = next((fire for fire in candidates if draft.round_key(fire) not in taken), None)
    if first is None:
        return draft
    return replace(draft, anchor_date=first.astimezone(draft.zone).date())


# A day's name as people write it: its three letters, the whole name, or the plural ("Tuesdays").
_WEEKDAY_WORDS = {
    **{day: day for day in WEEKDAYS},
    **{name.lower(): day for day, name in zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)},
    **{name.lower() + "s": day for day, name in zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)},
    "tues": "tue", "weds": "wed", "thur": "thu", "thurs": "thu",
}


def parse_weekday(text: str) -> str:
    """A day's name as written (``Tue``, ``Tuesday``, ``Tuesdays``): never the first letters of another word."""
    cleaned = (text or "").strip().lower().rstrip(".")
    if cleaned in _WEEKDAY_WORDS:
        return _WEEKDAY_WORDS[cleaned]
    raise InvalidInput(f"`{(text or '').strip()[:20] or 'empty'}` is not a weekday.", hint="Pick Monday … Sunday.")

