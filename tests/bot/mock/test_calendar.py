"""The calendar file of an agreed interview: its instants, whatever the member's clocks do meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.mock.calendar import InterviewEntry, interview_ics


@pytest.mark.parametrize(("starts_at", "zone"), [
    (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Europe/London"),  # 00:30 GMT; the clocks go forward at 01:00
    (datetime(2026, 3, 8, 6, 30, tzinfo=UTC), "America/New_York"),  # 01:30 EST; forward at 02:00
    (datetime(2026, 10, 24, 23, 45, tzinfo=UTC), "Europe/London"),  # 00:45 BST; back at 02:00 BST, ends 01:15 GMT
    (datetime(2026, 10, 25, 1, 15, tzinfo=UTC), "Europe/London"),  # 01:15 GMT, the second time the clocks show it
])
def test_an_interview_across_a_clock_change_keeps_its_instants_in_the_calendar(starts_at: datetime, zone: str) -> None:
    entry = InterviewEntry(1, 2, 1, starts_at, 90, "Mock interview", "details", "https://discord.com/channels/1")
    [event] = Calendar.from_ical(interview_ics(entry, ZoneInfo(zone), starts_at)).events
    assert event.start.astimezone(UTC) == starts_at
    assert event.end.astimezone(UTC) == starts_at + timedelta(minutes=90)


def test_the_calendar_names_the_members_own_zone() -> None:
    starts_at = datetime(2026, 3, 5, 17, 30, tzinfo=UTC)
    entry = InterviewEntry(1, 2, 1, starts_at, 60, "Mock interview", "details", "https://discord.com/channels/1")
    [event] = Calendar.from_ical(interview_ics(entry, ZoneInfo("Europe/Berlin"), starts_at)).events
    assert str(event.start.tzinfo) == str(event.end.tzinfo) == "Europe/Berlin"
    assert (event.start.hour, event.end.hour) == (18, 19)
