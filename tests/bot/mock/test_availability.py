"""Availability text, UTC slot masks and suggested meeting times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.mock.availability import (
    ALL_SLOTS,
    Availability,
    Window,
    free_blocks,
    overlap_minutes,
    parse_availability,
    suggested_times,
    utc_slots,
    week_start,
)

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Mon-Fri 18-21, Sat 10-14", "Mon-Fri 18-21, Sat 10-14"),
        ("weekdays 6-9pm", "Mon-Fri 18-21"),
        ("Mon, Wed 18:30-20 & 21-22", "Mon 18:30-20 21-22, Wed 18:30-20 21-22"),
        ("tuesday 7pm to 9pm", "Tue 19-21"),
        ("Sun 22-02", "Mon 00-02, Sun 22-24"),
        ("Mon 22-10, Mon 10-22", "Mon 10-24, Tue 00-10"),
        ("Fri–Sun 9am–5pm", "Fri-Sun 09-17"),
        ("Mon 18-20 Wed 10-12", "Mon 18-20, Wed 10-12"),
        ("anytime", "anytime"),
        ("daily 0-24", "anytime"),
        ("Tue 11-1pm", "Tue 11-13"),
    ],
)
def test_friendly_text_is_understood(text: str, canonical: str) -> None:
    parsed = parse_availability(text)
    assert parsed.text() == canonical
    assert parse_availability(parsed.text()) == parsed  # the stored form reads back the same


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "when you are free"),
        ("Mon", "Which hours on Mon"),
        ("18-21", "no days"),
        ("Mon 25-26", "`mon 25-26`"),
        ("Mon 18-18", "`mon 18-18`"),
        ("whenever I feel like it", "could not read"),
        ("Mon 18-21, " * 30, "200 characters"),
    ],
)
def test_bad_text_says_what_is_wrong_and_shows_an_example(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_availability(text)
    message = caught.value.render()
    assert says in message
    assert "Mon-Fri 18-21, Sat 10-14" in message


def test_same_local_evening_in_neighbouring_zones_overlaps_partly() -> None:
    evenings = parse_availability("Mon-Fri 18-21")
    berlin = utc_slots(evenings, ZoneInfo("Europe/Berlin"), MONDAY)
    london = utc_slots(evenings, ZoneInfo("Europe/London"), MONDAY)
    kolkata = utc_slots(evenings, ZoneInfo("Asia/Kolkata"), MONDAY)
    assert overlap_minutes(berlin, london) == 5 * 2 * 60  # 18-20 London time, each weekday
    assert overlap_minutes(berlin, kolkata) == 0


def test_half_and_quarter_hour_zones_are_exact() -> None:
    one_hour = parse_availability("Mon 10-11")
    kathmandu = utc_slots(one_hour, ZoneInfo("Asia/Kathmandu"), MONDAY)  # UTC+5:45
    assert kathmandu.bit_count() == 4
    blocks = free_blocks(kathmandu, week_start(MONDAY))
    assert blocks == [(datetime(2026, 3, 2, 4, 15, tzinfo=UTC), datetime(2026, 3, 2, 5, 15, tzinfo=UTC))]


def test_sunday_evening_in_los_angeles_wraps_to_monday_utc() -> None:
    sunday = parse_availability("Sun 20-22")
    mask = utc_slots(sunday, ZoneInfo("America/Los_Angeles"), MONDAY)
    # The week's Monday morning in UTC is Sunday 1 March in Los Angeles, still PST (UTC-8): 20:00 local is
    # 04:00 UTC. (Sunday 8 March, already PDT, falls in the next UTC week.)
    assert free_blocks(mask, week_start(MONDAY)) == [
        (datetime(2026, 3, 2, 4, 0, tzinfo=UTC), datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    ]


def test_daylight_saving_moves_the_utc_slots_with_the_evening() -> None:
    evening = parse_availability("Wed 18-19")
    before = utc_slots(evening, ZoneInfo("America/New_York"), datetime(2026, 3, 2, tzinfo=UTC))
    after = utc_slots(evening, ZoneInfo("America/New_York"), datetime(2026, 3, 9, tzinfo=UTC))
    assert before != after
    assert free_blocks(after, week_start(datetime(2026, 3, 9, tzinfo=UTC)))[0][0].hour == 22  # EDT: UTC-4
    assert free_blocks(before, week_start(datetime(2026, 3, 2, tzinfo=UTC)))[0][0].hour == 23  # EST: UTC-5


def test_anytime_is_every_slot() -> None:
    assert utc_slots(Availability.anytime(), ZoneInfo("Asia/Tokyo"), MONDAY) == ALL_SLOTS


def test_suggested_times_start_after_the_round_starts_and_are_ordered() -> None:
    evenings = utc_slots(parse_availability("Mon-Fri 18-21"), ZoneInfo("UTC"), MONDAY)
    start = datetime(2026, 3, 2, 19, 10, tzinfo=UTC)  # in the middle of Monday's window
    times = suggested_times(evenings, start, start + timedelta(days=7))
    assert [s for s, _ in times] == [
        datetime(2026, 3, 2, 19, 15, tzinfo=UTC),
        datetime(2026, 3, 3, 18, 0, tzinfo=UTC),
        datetime(2026, 3, 4, 18, 0, tzinfo=UTC),
    ]
    assert all(end - begin >= timedelta(hours=1) for begin, end in times)


def test_suggested_times_skip_stretches_too_short_for_an_interview() -> None:
    short = utc_slots(parse_availability("Mon 18-18:30"), ZoneInfo("UTC"), MONDAY)
    assert suggested_times(short, MONDAY, MONDAY + timedelta(days=7)) == []
    assert suggested_times(0, MONDAY, MONDAY + timedelta(days=7)) == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 95), st.integers(1, 96)), min_size=1, max_size=6
    ),
    st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles", "Australia/Adelaide"]),
)
def test_canonical_text_round_trips_and_keeps_the_hours(spans, zone) -> None:
    availability = Availability.of(
        Window(day, start * 15, start * 15 + length * 15) for day, start, length in spans
    )
    parsed = parse_availability(availability.text())
    assert parsed == availability
    original = utc_slots(availability, ZoneInfo(zone), MONDAY)
    assert utc_slots(parsed, ZoneInfo(zone), MONDAY) == original
