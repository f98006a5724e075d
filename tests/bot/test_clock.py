from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.clock import ManualClock, SystemClock, ensure_utc


def test_system_clock_is_aware_utc() -> None:
    assert SystemClock().now().tzinfo is UTC


def test_manual_clock_moves_only_forward() -> None:
    clock = ManualClock(datetime(2026, 3, 1, 12, tzinfo=UTC))
    assert clock.advance(hours=2) == datetime(2026, 3, 1, 14, tzinfo=UTC)
    with pytest.raises(ValueError, match="cannot go back"):
        clock.set(datetime(2026, 3, 1, 13, tzinfo=UTC))


def test_naive_datetimes_are_refused_and_offsets_normalised() -> None:
    with pytest.raises(ValueError, match="naive"):
        ensure_utc(datetime(2026, 1, 1))
    plus_two = datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    assert ensure_utc(plus_two) == datetime(2026, 1, 1, 10, tzinfo=UTC)
