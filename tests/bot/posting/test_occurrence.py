"""When a schedule first set up owes its first occurrence."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.posting import starts_from
from bot.posting.clocktime import next_occurrence, occurrence, owed

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(("now", "starts"), [
    (datetime(2026, 3, 2, 7, 0, tzinfo=UTC), datetime(2026, 3, 1, 23, 0, tzinfo=UTC)),   # before 09:00: all today
    (datetime(2026, 3, 2, 8, 0, tzinfo=UTC), datetime(2026, 3, 1, 23, 0, tzinfo=UTC)),   # at 09:00 sharp: today too
    (datetime(2026, 3, 2, 8, 0, 0, 400_000, tzinfo=UTC), datetime(2026, 3, 2, 8, 0, 1, tzinfo=UTC)),  # just after
    (datetime(2026, 3, 2, 9, 30, tzinfo=UTC), datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),  # after: from now
])
def test_a_new_schedule_owes_today_exactly_when_its_reply_promised_today(now: datetime, starts: datetime) -> None:
    assert starts_from(now, time(9), BERLIN) == starts
    today = occurrence(date(2026, 3, 2), time(9), BERLIN)
    promised_today = next_occurrence(now, time(9), BERLIN, inclusive=True) == today
    assert owed(today, today + timedelta(hours=12), starts) is promised_today
