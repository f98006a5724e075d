"""The rules for agreeing an interview time: what may be proposed, when a time is agreed, when to remind.

Pure functions over plain values, so each rule is tested without a database or Discord.
Members type times in their own zone; everything here is compared in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.errors import InvalidInput
from bot.mock.meeting_repository import Reminder, TimeOption
from bot.mock.models import Group, Round
from bot.timezones import CLOCK, clock_time

MAX_OPTIONS = 25  # a select menu offers at most 25 options
SUGGESTIONS = 3  # times a group's brief suggests
PAIR_MINUTES, TRIO_MINUTES = 60, 90
EARLIEST_LEAD = timedelta(minutes=30)  # a proposal must leave time to get there
NUDGE_LEAD = timedelta(days=2)  # "no time yet" is said once, this long before the round ends
REMINDERS = (("day", timedelta(hours=24)), ("soon", timedelta(minutes=15)))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_DATE_TIME = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})[ t]+{CLOCK}$")
_DAY_TIME = re.compile(rf"^([a-z]+)\.?,?\s+{CLOCK}$")
_DAY_WORDS = {"today": -1, "tomorrow": -2, **{name: i for i, name in enumerate(WEEKDAYS)},
              **{name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday",
                                                    "saturday", "sunday"))},
              "tues": 1, "weds": 2, "thur": 3, "thurs": 3}  # the longer short forms people also write
HINT = ("Write a day and a time in your own timezone, for example `Thu 18:30`, `tomorrow 7:45am` or "
        "`2026-03-05 18:30`.")


def minutes_for(group_size: int) -> int:
    """A pair needs one interview; a trio rotates, so it gets half as long again."""
    return TRIO_MINUTES if group_size >= 3 else PAIR_MINUTES


def local_label(moment: datetime, zone: ZoneInfo) -> str:
    """``Thu 5 Mar, 18:30`` in ``zone``: how a member reads a time where Discord cannot localise it."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def _clock_time(hours: str, minutes: str | None, half: str | None) -> tuple[int, int]:
    """(hour, minute) on the 24-hour clock, refused with this module's hint."""
    at = clock_time(hours, minutes, half, hint=HINT)
    return at.hour, at.minute


def _passed(day: date, hour: int, minute: int, local_now: datetime) -> bool:
    """Whether that wall-clock time on ``day`` is already behind ``local_now`` (compared as the clock on the
    wall reads, so a time the clocks skipped earlier today counts as passed)."""
    return datetime(day.year, day.month, day.day, hour, minute) < local_now.replace(tzinfo=None)


def _resolve(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    # A wall time inside a spring-forward gap does not exist: it would not survive a round trip.
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise InvalidInput(f"{hour:02d}:{minute:02d} does not exist on {day:%a %d %b} in {zone.key}: the clocks "
                           "go forward then.", hint="Pick a time an hour later.")
    return local.astimezone(UTC)


def last_start(round_: Round, group: Group) -> datetime:
    """The latest an interview of ``group`` can start and still end inside the round (its check-in then
    asks how it went, and its buttons close)."""
    return round_.ends_at - timedelta(minutes=minutes_for(len(group.members)))


def parse_proposal(text: str, zone: ZoneInfo, now: datetime, ends_at: datetime, minutes: int = 0) -> datetime:
    """The instant a member means by ``text`` (their own zone), if an interview of ``minutes`` starting
    then ends inside the round (which ends at ``ends_at``)."""
    cleaned = " ".join((text or "").strip().lower().split())
    today = now.astimezone(zone).date()
    if match := _DATE_TIME.match(cleaned):
        year, month, day = (int(part) for part in match.groups()[:3])
        hour, minute = _clock_time(*match.groups()[3:])
        try:
            when = date(year, month, day)
        except ValueError:
            raise InvalidInput(f"`{text.strip()[:40]}` is not a date.", hint=HINT) from None
        if abs((when - today).days) > 366:  # years away (9999-12-31 would overflow converting to UTC)
            raise InvalidInput(f"{when:%d %b %Y} is not within this round.", hint=HINT)
        moment = _resolve(when, hour, minute, zone)
    elif (match := _DAY_TIME.match(cleaned)) and match.group(1) in _DAY_WORDS:
        hour, minute = _clock_time(*match.groups()[1:])
        code = _DAY_WORDS[match.group(1)]
        if code < 0:
            when = today + timedelta(days=-code - 1)
        else:
            when = today + timedelta(days=(code - today.weekday()) % 7)
        if code >= 0 and _passed(when, hour, minute, now.astimezone(zone)):
            when += timedelta(days=7)  # "Thu 18:30" said on a Thursday evening (or that time was skipped today)
        moment = _resolve(when, hour, minute, zone)
        if code >= 0 and moment < now + EARLIEST_LEAD:  # later today, but too soon: next week
            moment = _resolve(when + timedelta(days=7), hour, minute, zone)
    else:
        raise InvalidInput(f"I could not read `{(text or '').strip()[:40] or 'nothing'}` as a time.", hint=HINT)
    if moment < now + EARLIEST_LEAD:
        raise InvalidInput(f"{local_label(moment, zone)} is too soon: propose a time at least 30 minutes from now.")
    if moment > ends_at:
        raise InvalidInput(f"{local_label(moment, zone)} is after this round ends "
                           f"({local_label(ends_at, zone)} your time).", hint="Pick a time before then.")
    if moment + timedelta(minutes=minutes) > ends_at:
        latest = ends_at - timedelta(minutes=minutes)
        raise InvalidInput(f"A {minutes}-minute interview at {local_label(moment, zone)} would run past the end of "
                           f"this round ({local_label(ends_at, zone)} your time).",
                           hint=f"Start by {local_label(latest, zone)}.")
    return moment


def open_options(options: Iterable[TimeOption], now: datetime, latest: datetime) -> list[TimeOption]:
    """Times that can still be chosen: not too soon and not after the round ends, earliest first."""
    return sorted((o for o in options if now + EARLIEST_LEAD <= o.starts_at <= latest),
                  key=lambda o: (o.starts_at, o.id))


def agreed_option(options: Sequence[TimeOption], votes: Mapping[int, set[int]],
                  members: Iterable[int]) -> TimeOption | None:
    """The earliest time every member of the group has accepted, if there is one."""
    everyone = set(members)
    accepted = [o for o in options if everyone <= votes.get(o.id, set())]
    return min(accepted, key=lambda o: (o.starts_at, o.id)) if accepted else None


def reminders_for(group_id: int, members: Iterable[int], version: int, starts_at: datetime,
                  now: datetime, *, guild_id: int) -> list[Reminder]:
    """The 24-hour and 15-minute reminders still ahead of ``starts_at`` (a late agreement skips the first)."""
    return [Reminder(group_id, user_id, kind, version, starts_at - lead, guild_id)
            for user_id in sorted(members) for kind, lead in REMINDERS if starts_at - lead > now]


def nudge_time(starts_at: datetime, ends_at: datetime) -> datetime:
    """When a group without a time hears about it: two days before the end, never before the start."""
    return max(ends_at - NUDGE_LEAD, starts_at)


def suggestion_starts(stretches: Iterable[tuple[datetime, datetime]], minutes: int,
                      limit: int = SUGGESTIONS) -> list[datetime]:
    """Up to ``limit`` start times inside shared free stretches, at most one a day per stretch.

    A long stretch (someone free "anytime") offers the same hour on following days rather
    than one time, so the group has a real choice.
    """
    length = timedelta(minutes=minutes)
    starts: list[datetime] = []
    for start, end in stretches:
        moment = start
        while moment + length <= end and len(starts) < limit * 3:
            starts.append(moment)
            moment += timedelta(days=1)
    return sorted(set(starts))[:limit]
