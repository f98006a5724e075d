"""The rules for agreeing an interview time, without a database or Discord.

A member types a day and a time in their own zone; the bot must read the instant they mean, or refuse
with a message (never another exception, which would reach them as "This interaction failed"). The
properties below hold for every zone, every moment of typing and every time of day, across DST.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.mock.agreement import (
    EARLIEST_LEAD,
    MAX_OPTIONS,
    PAIR_MINUTES,
    TRIO_MINUTES,
    WEEKDAYS,
    agreed_option,
    minutes_for,
    open_options,
    parse_proposal,
    reminders_for,
    suggestion_starts,
)
from bot.mock.meeting_repository import TimeOption

ZONES = ("UTC", "Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Auckland",
         "Australia/Lord_Howe", "America/St_Johns", "Pacific/Chatham")
BERLIN = ZoneInfo("Europe/Berlin")
# Thursday 5 March 2026, 12:00 in Berlin; the round ends a week later.
NOW = datetime(2026, 3, 5, 11, tzinfo=UTC)
ENDS = NOW + timedelta(days=7)

moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))
zones = st.sampled_from(ZONES).map(ZoneInfo)
times_of_day = st.tuples(st.integers(0, 23), st.integers(0, 59))


def typed(moment: datetime, zone: ZoneInfo) -> tuple[date, int, int]:
    local = moment.astimezone(zone)
    return local.date(), local.hour, local.minute


def test_a_weekday_and_time_is_the_next_such_time_in_the_members_zone() -> None:
    assert parse_proposal("Thu 18:30", BERLIN, NOW, ENDS) == datetime(2026, 3, 5, 17, 30, tzinfo=UTC)
    assert parse_proposal("friday, 07.45", BERLIN, NOW, ENDS) == datetime(2026, 3, 6, 6, 45, tzinfo=UTC)
    assert parse_proposal("Mon. 9h05", BERLIN, NOW, ENDS) == datetime(2026, 3, 9, 8, 5, tzinfo=UTC)
    assert parse_proposal("Tues 18:00", BERLIN, NOW, ENDS) == parse_proposal("tuesday 18:00", BERLIN, NOW, ENDS)
    assert parse_proposal("weds 18:00", BERLIN, NOW, ENDS) == datetime(2026, 3, 11, 17, tzinfo=UTC)
    # Said at noon on a Thursday, "Thu 12:20" is too soon today and "Thu 11:50" has passed: both mean next week.
    assert parse_proposal("thu 11:50", BERLIN, NOW, ENDS) == datetime(2026, 3, 12, 10, 50, tzinfo=UTC)
    assert parse_proposal("thu 12:20", BERLIN, NOW, ENDS + timedelta(hours=1)) == datetime(
        2026, 3, 12, 11, 20, tzinfo=UTC)


def test_today_tomorrow_and_a_date_are_read_in_the_members_zone() -> None:
    assert parse_proposal("today 20:00", BERLIN, NOW, ENDS) == datetime(2026, 3, 5, 19, tzinfo=UTC)
    assert parse_proposal("Tomorrow 08:00", BERLIN, NOW, ENDS) == datetime(2026, 3, 6, 7, tzinfo=UTC)
    assert parse_proposal("2026-03-10 18:30", BERLIN, NOW, ENDS) == datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
    assert parse_proposal("2026-3-10T9:00", ZoneInfo("America/New_York"), NOW, ENDS) == datetime(
        2026, 3, 10, 13, tzinfo=UTC)  # New York is on summer time from 8 March


def test_a_twelve_hour_time_is_read_as_its_twenty_four_hour_twin() -> None:
    assert parse_proposal("Thu 6:30pm", BERLIN, NOW, ENDS) == parse_proposal("Thu 18:30", BERLIN, NOW, ENDS)
    assert parse_proposal("tomorrow 7am", BERLIN, NOW, ENDS) == datetime(2026, 3, 6, 6, tzinfo=UTC)
    assert parse_proposal("Fri 12 a.m.", BERLIN, NOW, ENDS) == datetime(2026, 3, 5, 23, tzinfo=UTC)  # midnight
    assert parse_proposal("2026-03-10 12:15 PM", BERLIN, NOW, ENDS) == datetime(2026, 3, 10, 11, 15, tzinfo=UTC)


@pytest.mark.parametrize(("text", "says"), [
    ("", "could not read `nothing`"),
    ("next week", "could not read `next week`"),
    ("6:30pm", "could not read"),
    ("Thu 25:00", "`25:00` is not a time of day"),
    ("Thu 6", "`6` needs minutes or am/pm"),
    ("Thu 13pm", "`13pm` is not a time of day"),
    ("Thu 0:30am", "with am or pm the hour is 1 to 12"),
    ("2026-02-30 10:00", "is not a date"),
    ("9999-12-31 10:00", "is not within this round"),
    ("today 12:10", "too soon"),
    ("2026-03-13 10:00", "after this round ends"),
])
def test_what_cannot_be_a_time_in_this_round_is_refused_with_a_reason(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_proposal(text, BERLIN, NOW, ENDS)
    assert says in str(refused.value)


def test_a_time_the_clocks_skip_is_refused_and_the_interview_must_end_inside_the_round() -> None:
    before_spring = datetime(2026, 3, 28, 12, tzinfo=UTC)  # Berlin skips 02:00-03:00 on Sunday 29 March
    with pytest.raises(InvalidInput, match="does not exist on Sun 29 Mar in Europe/Berlin"):
        parse_proposal("Sun 02:30", BERLIN, before_spring, before_spring + timedelta(days=7))
    after_the_jump = datetime(2026, 3, 29, 1, 10, tzinfo=UTC)  # 03:10 in Berlin: today's 02:30 was skipped
    assert parse_proposal("Sun 02:30", BERLIN, after_the_jump, after_the_jump + timedelta(days=8)) == datetime(
        2026, 4, 5, 0, 30, tzinfo=UTC)  # so next Sunday's, in summer time
    with pytest.raises(InvalidInput, match="would run past the end") as late:
        parse_proposal("Thu 11:30", BERLIN, NOW, ENDS, TRIO_MINUTES)  # the round ends Thu 12 Mar, 12:00
    assert late.value.hint == "Start by Thu 12 Mar, 10:30."
    assert parse_proposal("Thu 11:00", BERLIN, NOW, ENDS, PAIR_MINUTES) == ENDS - timedelta(hours=1)


@settings(max_examples=300)
@given(st.text(max_size=40), zones, moments)
def test_any_text_is_read_or_refused_never_anything_else(text: str, zone: ZoneInfo, now: datetime) -> None:
    try:
        moment = parse_proposal(text, zone, now, now + timedelta(days=14))
    except InvalidInput as refused:
        assert str(refused)
    else:
        assert now + EARLIEST_LEAD <= moment <= now + timedelta(days=14)


@settings(max_examples=400)
@given(zones, moments, st.sampled_from(WEEKDAYS), times_of_day)
def test_a_weekday_means_its_first_time_at_least_the_lead_ahead(zone: ZoneInfo, now: datetime, day: str,
                                                                 at: tuple[int, int]) -> None:
    hour, minute = at
    try:
        moment = parse_proposal(f"{day} {hour}:{minute:02d}", zone, now, now + timedelta(days=9))
    except InvalidInput as refused:  # only a time the clocks skip that day
        assert "the clocks go forward" in str(refused)
        return
    local_day, local_hour, local_minute = typed(moment, zone)
    assert (WEEKDAYS[local_day.weekday()], local_hour, local_minute) == (day, hour, minute)
    assert moment >= now + EARLIEST_LEAD
    # No earlier instant with that weekday and wall time lies at least the lead ahead.
    earlier = moment.astimezone(zone).replace(tzinfo=None) - timedelta(days=7)
    assert datetime.combine(earlier.date(), earlier.time(), zone).astimezone(UTC) < now + EARLIEST_LEAD


@given(zones, moments, st.sampled_from(WEEKDAYS), st.integers(1, 12), st.integers(0, 59), st.sampled_from(("am", "pm")))
def test_am_and_pm_mean_the_same_instant_as_the_twenty_four_hour_clock(zone: ZoneInfo, now: datetime, day: str,
                                                                       hour: int, minute: int, half: str) -> None:
    def read(text: str) -> datetime | str:
        try:
            return parse_proposal(text, zone, now, now + timedelta(days=9))
        except InvalidInput as refused:
            return str(refused)

    twenty_four = hour % 12 + (12 if half == "pm" else 0)
    assert read(f"{day} {hour}:{minute:02d}{half}") == read(f"{day} {twenty_four:02d}:{minute:02d}")


@settings(max_examples=300)
@given(zones, moments, st.integers(2, 20), times_of_day)  # two days on: never too soon, whatever the time
def test_a_date_and_time_reads_back_as_typed(zone: ZoneInfo, now: datetime, days_ahead: int,
                                             at: tuple[int, int]) -> None:
    day = now.astimezone(zone).date() + timedelta(days=days_ahead)
    text = f"{day:%Y-%m-%d} {at[0]:02d}:{at[1]:02d}"
    try:
        moment = parse_proposal(text, zone, now, now + timedelta(days=30))
    except InvalidInput as refused:
        assert "the clocks go forward" in str(refused)
        return
    assert typed(moment, zone) == (day, *at)


def option(id_: int, starts_at: datetime) -> TimeOption:
    return TimeOption(id_, 1, starts_at, None, "agree", None)


@given(st.lists(st.integers(0, 100), min_size=1, max_size=MAX_OPTIONS, unique=True),
       st.dictionaries(st.integers(0, 24), st.sets(st.integers(1, 3))))
def test_the_agreed_time_is_the_earliest_every_member_accepted(hours: list[int],
                                                               votes: dict[int, set[int]]) -> None:
    options = [option(i, NOW + timedelta(hours=h)) for i, h in enumerate(hours)]
    agreed = agreed_option(options, votes, (1, 2, 3))
    everyone = [o for o in options if votes.get(o.id, set()) >= {1, 2, 3}]
    assert agreed == (min(everyone, key=lambda o: o.starts_at) if everyone else None)


def test_open_options_are_the_times_still_possible_earliest_first() -> None:
    soon, later, last = (option(1, NOW + timedelta(minutes=20)), option(2, NOW + timedelta(days=2)),
                         option(3, NOW + timedelta(hours=1)))
    past_the_end = option(4, ENDS)
    assert open_options([soon, later, last, past_the_end], NOW, ENDS - timedelta(hours=1)) == [last, later]


@given(moments, st.integers(-3000, 3000))
def test_reminders_are_each_members_and_only_those_still_ahead(now: datetime, minutes_ahead: int) -> None:
    starts_at = now + timedelta(minutes=minutes_ahead)
    reminders = reminders_for(7, (2, 1), 3, starts_at, now, guild_id=9)
    assert all(now < r.due_at < starts_at and r.version == 3 and r.group_id == 7 for r in reminders)
    kinds = {r.kind for r in reminders}
    assert kinds == {kind for kind, lead in (("day", 24 * 60), ("soon", 15)) if minutes_ahead > lead}
    assert [r.user_id for r in reminders] == sorted(r.user_id for r in reminders)
    assert len(reminders) == 2 * len(kinds)


@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 6000)), max_size=5), st.sampled_from((2, 3)),
       st.integers(1, 5))
def test_suggested_starts_fit_a_shared_stretch_one_a_day_each(stretches_h: list[tuple[int, int]], size: int,
                                                              limit: int) -> None:
    stretches = [(NOW + timedelta(hours=start), NOW + timedelta(hours=start, minutes=length))
                 for start, length in stretches_h]
    minutes = minutes_for(size)
    starts = suggestion_starts(stretches, minutes, limit)
    assert starts == sorted(set(starts)) and len(starts) <= limit
    for start in starts:
        assert any(begin <= start and start + timedelta(minutes=minutes) <= end for begin, end in stretches)
    if any(end - begin >= timedelta(minutes=minutes) for begin, end in stretches):
        assert starts  # a stretch long enough for the interview always yields a suggestion
