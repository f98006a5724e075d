"""Calendar files for an agreed interview, written with the ``icalendar`` library.

The event's UID is derived from the guild and group only, and SEQUENCE is the
meeting's version: a calendar that imported the file before a reschedule replaces
the entry instead of adding a second one. Times are written in the member's own
zone, with that zone's VTIMEZONE, so every calendar shows the same instant (a time the clocks there show
twice, in the hour repeated when they go back, in UTC, since a local time could be either).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODUCT_ID = "-//studybot//mock interviews//EN"
UID_DOMAIN = "studybot.mock"


def thread_url(guild_id: int, thread_id: int | None) -> str:
    """A link that opens the group's thread (or the server, for a group told by DM): calendar entries, events
    and reminders all point there."""
    return f"https://discord.com/channels/{guild_id}/{thread_id}" if thread_id else \
        f"https://discord.com/channels/{guild_id}"


@dataclass(frozen=True)
class InterviewEntry:
    guild_id: int
    group_id: int
    version: int
    starts_at: datetime
    minutes: int
    title: str
    details: str
    url: str


def uid_for(guild_id: int, group_id: int) -> str:
    """Stable across reschedules: the same interview keeps the same calendar entry."""
    return f"mock-{guild_id}-{group_id}@{UID_DOMAIN}"


def _written(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` as the calendar file writes it: in ``zone``, unless the clocks there show that time twice (the
    hour repeated when they go back), which a TZID cannot tell apart; such a time is written in UTC."""
    local = moment.astimezone(zone)
    return local if local.replace(fold=1 - local.fold).utcoffset() == local.utcoffset() else moment.astimezone(UTC)


def interview_ics(entry: InterviewEntry, zone: ZoneInfo, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid_for(entry.guild_id, entry.group_id))
    event.add("sequence", entry.version)
    event.add("dtstamp", now.astimezone(UTC))
    # The end is counted on the UTC timeline: adding minutes to a local time counts them on the wall clock, an
    # hour off for an interview the clocks change during.
    start = entry.starts_at.astimezone(zone)
    event.add("dtstart", _written(entry.starts_at, zone))
    event.add("dtend", _written(entry.starts_at + timedelta(minutes=entry.minutes), zone))
    event.add("summary", entry.title)
    event.add("description", entry.details)
    event.add("url", entry.url)
    event.add("location", entry.url)
    calendar.add_component(event)
    year = start.year
    calendar.add_missing_timezones(first_date=datetime(year - 1, 1, 1).date(),
                                   last_date=datetime(year + 2, 1, 1).date())
    return calendar.to_ical()


def file_name(round_number: int, group_position: int) -> str:
    return f"mock-interview-round{round_number}-group{group_position}.ics"
