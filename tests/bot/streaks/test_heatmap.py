"""The heatmap reads at 2x, has a legend entry for every state, and any two states differ by 3:1."""

from __future__ import annotations

import io
import itertools
from datetime import date

import pytest
from PIL import Image

from bot.streaks.heatmap import LEGEND, SCALE, TEXT, WIDTH, cell_picture, describe_heatmap, render_heatmap
from bot.streaks.rules import DayStatus


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


STATES = {
    "active": cell_picture(DayStatus.ACTIVE), "frozen": cell_picture(DayStatus.FROZEN),
    "missed": cell_picture(DayStatus.MISSED), "no activity": cell_picture(DayStatus.NONE),
    "today": cell_picture(DayStatus.OPEN, is_today=True),
    "active today": cell_picture(DayStatus.ACTIVE, is_today=True),
}


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(STATES, 2)))
def test_any_two_states_differ_by_at_least_3_to_1_somewhere_in_the_cell(first: str, second: str) -> None:
    a, b = STATES[first], STATES[second]
    best = max(contrast(a.getpixel((x, y)), b.getpixel((x, y)))
               for x in range(a.width) for y in range(a.height))
    assert best >= 3.0, (first, second, round(best, 2))


def test_the_picture_is_drawn_at_twice_the_size_with_a_legend_for_every_state() -> None:
    png = render_heatmap({date(2026, 3, 1): DayStatus.ACTIVE}, date(2026, 3, 2), "ada's last 26 weeks")
    image = Image.open(io.BytesIO(png))
    assert SCALE == 2 and image.width == WIDTH and image.width >= 900
    assert {status for status, _ in LEGEND} == set(DayStatus)
    assert contrast(TEXT, (34, 39, 46)) >= 4.5  # legend and title text on the card


def test_the_alt_text_counts_what_the_calendar_shows() -> None:
    today = date(2026, 3, 2)
    statuses = {date(2026, 2, 25): DayStatus.ACTIVE, date(2026, 2, 26): DayStatus.FROZEN,
                date(2026, 2, 27): DayStatus.MISSED, date(2026, 2, 28): DayStatus.MISSED,
                date(2025, 1, 1): DayStatus.ACTIVE,  # before the calendar's 26 weeks: not shown, not counted
                today: DayStatus.OPEN}
    assert describe_heatmap(statuses, today, "ada · 0-day streak · best 2") == (
        "Activity calendar: ada · 0-day streak · best 2. From 8 Sep 2025 to today, 2 Mar 2026: 1 day active, "
        "1 day covered by a freeze, 2 days missed. Today is not active yet.")
