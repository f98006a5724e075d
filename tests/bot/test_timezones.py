from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.errors import InvalidInput
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


@pytest.mark.parametrize(("text", "expected"), [("09:00", time(9)), ("9:05", time(9, 5)), ("23.59", time(23, 59))])
def test_times_parse(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize("bad", ["24:00", "9", "nine", "12:60", ""])
def test_bad_times_give_an_example(bad: str) -> None:
    with pytest.raises(InvalidInput, match="not a time"):
        parse_local_time(bad)


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
