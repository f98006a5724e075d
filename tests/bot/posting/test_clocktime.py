"""Local daily times in UTC, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from bot.posting.clocktime import LocalDailyTrigger, next_occurrence, occurrence, upcoming
from bot.posting.occurrence import day_bounds
from bot.timezones import all_zone_names

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def test_an_ordinary_day() -> None:
    assert occurrence(date(2026, 1, 5), time(9, 0), BERLIN) == datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def test_a_time_inside_the_spring_gap_posts_at_the_first_minute_after_it() -> None:
    # Berlin jumps from 02:00 to 03:00 on 29 March 2026.
    moment = occurrence(date(2026, 3, 29), time(2, 30), BERLIN)
    assert moment.astimezone(BERLIN).strftime("%H:%M %Z") == "03:00 CEST"


def test_a_time_inside_the_repeated_autumn_hour_posts_once_at_its_first_occurrence() -> None:
    # New York repeats 01:00-02:00 on 1 November 2026.
    fires = upcoming(datetime(2026, 10, 31, 12, 0, tzinfo=UTC), time(1, 30), NEW_YORK, 3)
    local = [f.astimezone(NEW_YORK) for f in fires]
    assert [f.date() for f in local] == [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)]
    assert local[0].strftime("%H:%M %Z") == "01:30 EDT"


def test_the_trigger_fires_once_per_local_day_through_both_changes() -> None:
    trigger = LocalDailyTrigger(time(2, 30), BERLIN)
    now = datetime(2026, 3, 27, 0, 0, tzinfo=UTC)
    fire = trigger.get_next_fire_time(None, now)
    days = []
    while fire is not None and fire < datetime(2026, 11, 2, tzinfo=UTC):
        days.append(fire.astimezone(BERLIN).date())
        fire = trigger.get_next_fire_time(fire, fire)
    assert len(days) == len(set(days)) == (date(2026, 11, 1) - date(2026, 3, 27)).days + 1


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)),
       st.times(), st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
                                    "America/Havana", "Pacific/Chatham"]))
def test_next_occurrence_is_after_and_within_a_day_and_a_bit(after: datetime, at: time, zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    at = at.replace(second=0, microsecond=0)
    moment = next_occurrence(after, at, zone)
    assert after < moment <= after + timedelta(hours=26)
    local = moment.astimezone(zone)
    if local.time() != at:  # only when `at` did not exist that day: the first minute after the gap
        wall = datetime.combine(local.date(), at)
        assert wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall
        assert timedelta(0) < local.replace(tzinfo=None) - wall <= timedelta(hours=3)


@given(st.sampled_from(all_zone_names()), st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
       st.times())
@example("America/Nuuk", date(2026, 3, 28), time(23, 30))  # Greenland springs forward from 23:00 to midnight
def test_each_days_occurrence_happens_on_that_day(zone_name: str, day: date, at: time) -> None:
    """One post per local day: the instant a day's time maps to lies within that day, even when a spring-forward
    gap takes the rest of the day (the day's post would otherwise land on the next one, beside its own)."""
    zone = ZoneInfo(zone_name)
    at = at.replace(second=0, microsecond=0)
    start, end = day_bounds(day, zone)
    assert start <= occurrence(day, at, zone) < end


def test_a_time_inside_a_gap_that_ends_the_day_posts_on_that_day_before_the_gap() -> None:
    nuuk = ZoneInfo("America/Nuuk")  # on 28 March 2026 the clocks go from 23:00 (-02) to midnight (-01)
    trigger = LocalDailyTrigger(time(23, 30), nuuk)
    fire = trigger.get_next_fire_time(None, datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    fires = []
    while fire is not None and fire < datetime(2026, 3, 31, 12, 0, tzinfo=UTC):
        fires.append(fire.astimezone(nuuk).strftime("%a %d %H:%M"))
        fire = trigger.get_next_fire_time(fire, fire)
    assert fires == ["Fri 27 23:30", "Sat 28 22:59", "Sun 29 23:30", "Mon 30 23:30"]
