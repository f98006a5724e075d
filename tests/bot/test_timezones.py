from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import InvalidInput, check_all
from bot.storage import Database
from bot.timezones import TimezoneResolver, local_date, parse_local_time, parse_zone, search_zones


def test_zone_names_are_case_insensitive() -> None:
    assert parse_zone("europe/berlin") == ZoneInfo("Europe/Berlin")
    assert parse_zone(" America/New York ") == ZoneInfo("America/New_York")


@pytest.mark.parametrize("bad", ["", "Mars/Olympus", "CEST+2", "../../etc/passwd"])
def test_unknown_zone_explains_how_to_fix(bad: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_zone(bad)
    assert "Europe/Berlin" in caught.value.render()


def test_search_puts_prefix_matches_first_and_caps_at_25() -> None:
    assert search_zones("berl")[0] == "Europe/Berlin"
    assert len(search_zones("a")) == 25
    assert "UTC" in search_zones("")


@pytest.mark.parametrize(("text", "expected"), [
    ("09:00", time(9)), ("9:05", time(9, 5)), ("23.59", time(23, 59)), ("18h30", time(18, 30)),
    ("9am", time(9)), ("9 AM", time(9)), ("6:30pm", time(18, 30)), ("6:30 p.m.", time(18, 30)),
    ("12am", time(0)), ("12:15 pm", time(12, 15)), ("  7:45am ", time(7, 45)),
])
def test_times_parse(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize(("bad", "reason"), [
    ("24:00", "is not a time of day"), ("12:60", "is not a time of day"), ("nine", "is not a time of day"),
    ("", "`empty` is not a time of day"), ("0900", "is not a time of day"), ("9", "needs minutes or am/pm"),
    ("13pm", "the hour is 1 to 12"), ("0am", "the hour is 1 to 12"), ("9:30 xm", "is not a time of day"),
])
def test_bad_times_say_why_and_give_an_example(bad: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason) as caught:
        parse_local_time(bad)
    assert "`9am`" not in caught.value.message and "6:30pm" in (caught.value.hint or "")


@given(st.integers(1, 12), st.integers(0, 59), st.sampled_from(["am", "pm", " a.m.", " P.M."]))
def test_am_pm_equals_its_24_hour_twin(hour: int, minute: int, half: str) -> None:
    twin = hour % 12 + (12 if "p" in half.lower() else 0)
    assert parse_local_time(f"{hour}:{minute:02d}{half}") == time(twin, minute)
    assert parse_local_time(f"{twin:02d}:{minute:02d}") == time(twin, minute)


@given(st.text(max_size=30))
def test_any_text_is_a_time_or_a_clear_refusal(text: str) -> None:
    try:
        parse_local_time(text)
    except InvalidInput as error:
        assert "time" in error.message and error.hint


def test_local_date_crosses_midnight_by_zone() -> None:
    moment = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    assert local_date(moment, ZoneInfo("UTC")) == date(2026, 3, 2)
    assert local_date(moment, ZoneInfo("Europe/Berlin")) == date(2026, 3, 3)
    assert local_date(moment, ZoneInfo("America/Los_Angeles")) == date(2026, 3, 2)


async def test_member_zone_wins_over_guild_zone(tmp_path: Path) -> None:
    db = Database(tmp_path / "tz.sqlite3")
    await db.open()
    try:
        resolver = TimezoneResolver(db)
        await db.execute("INSERT INTO guild_settings (guild_id, timezone, joined_at) VALUES (1, 'Asia/Tokyo', 0)")
        assert await resolver.zone_for(1, 99) == ZoneInfo("Asia/Tokyo")
        await resolver.set_user_zone(99, "europe/lisbon")
        assert await resolver.zone_for(1, 99) == ZoneInfo("Europe/Lisbon")
        with pytest.raises(InvalidInput):
            await resolver.set_user_zone(99, "Nowhere/Land")
        assert await resolver.user_zone(99) == ZoneInfo("Europe/Lisbon")  # unchanged by the bad input
        await resolver.set_user_zone(99, None)
        assert await resolver.zone_for(2, 99) == ZoneInfo("UTC")
    finally:
        await db.close()


@pytest.mark.parametrize(("typed", "suggested"), [
    ("EST", "America/New_York"), ("est", "America/New_York"), ("PDT", "America/Los_Angeles"),
    ("CET", "Europe/Berlin"), ("IST", "Asia/Kolkata"), ("GMT", "Europe/London"), ("Etc/GMT+5", "America/New_York"),
])
def test_abbreviations_are_refused_with_the_zone_meant(typed: str, suggested: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_zone(typed)
    assert "daylight saving" in caught.value.message and suggested in (caught.value.hint or "")


@pytest.mark.parametrize(("typed", "suggested"), [("EST5EDT", "America/New_York"), ("pst8pdt", "America/Los_Angeles")])
def test_rule_names_are_refused_for_following_one_rule_not_a_place(typed: str, suggested: str) -> None:
    """``EST5EDT`` does change for summer, by the United States' current rule alone; a place's zone also keeps
    its history and its own changes, which is why it is asked for."""
    with pytest.raises(InvalidInput) as caught:
        parse_zone(typed)
    assert "not follow daylight saving" not in caught.value.message
    assert "rule, not a place" in caught.value.message and suggested in (caught.value.hint or "")


@pytest.mark.parametrize(("typed", "zone"), [
    ("Berlin", "Europe/Berlin"), ("new york", "America/New_York"), ("Bangalore", "Asia/Kolkata"),
    ("São Paulo", "America/Sao_Paulo"), ("san francisco", "America/Los_Angeles"), ("utc", "UTC"),
    ("america/chicago", "America/Chicago"), ("St. Petersburg", "Europe/Moscow"),
    ("Washington, D.C.", "America/New_York"), ("Washington DC", "America/New_York"), ("Etc/UTC", "UTC"),
    ("zulu", "UTC"), ("UCT", "UTC"), ("Etc/UCT", "UTC"),
])
def test_iana_names_and_common_cities_are_accepted(typed: str, zone: str) -> None:
    assert parse_zone(typed).key == zone


def test_autocomplete_offers_no_abbreviations() -> None:
    assert search_zones("EST")[0] == "America/New_York"
    assert not any(name in ("EST", "MST", "HST", "EST5EDT") for name in search_zones("ST", limit=100))


def test_every_mistake_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_all(lambda: parse_local_time("0900"), lambda: parse_zone("EST"))
    assert caught.value.message.startswith("2 things to fix")
    assert "`0900`" in caught.value.message and "America/New_York" in caught.value.message
