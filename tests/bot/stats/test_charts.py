"""Progress charts: each bar as tall as its week's total, the retention line where it belongs."""

from __future__ import annotations

import io
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.picture import ALT_TEXT_LIMIT, BACKGROUND
from bot.stats.charts import (
    HEIGHT,
    LINE_COLOUR,
    PALETTE,
    WEEKS,
    WIDTH,
    Percentages,
    Series,
    axis_top,
    bar_box,
    describe_weekly,
    line_point,
    nice_ceiling,
    render_weekly,
    week_starts,
)

TODAY = date(2026, 5, 20)  # a Wednesday


def picture(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
    return image.convert("RGB")


def test_weeks_run_monday_to_sunday_oldest_first() -> None:
    weeks = week_starts(TODAY)
    assert len(weeks) == WEEKS and weeks[-1] == date(2026, 5, 18) and weeks[0] == date(2026, 3, 2)
    assert all(w.weekday() == 0 for w in weeks)


def test_the_axis_top_is_a_round_number_at_least_the_largest_week() -> None:
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 10, 11, 49, 51, 180)] == [1, 1, 5, 10, 10, 20, 50, 100, 200]


def assert_bar(image: Image.Image, week: int, index: int, count: int, value: int, top: int) -> None:
    left, upper, right, bottom = bar_box(week, index, count, value, top)
    centre = (left + right) // 2
    colour = PALETTE[index]
    if value == 0:
        assert image.getpixel((centre, bottom)) != colour
        return
    assert image.getpixel((centre, bottom)) == colour and image.getpixel((centre, upper)) == colour
    assert image.getpixel((centre, upper - 3)) != colour  # the bar ends at the week's total, not above


def test_bars_are_as_tall_as_each_weeks_total() -> None:
    reviews = Series("reviews", [0, 3, 12, 40, 7, 0, 0, 25, 18, 9, 31, 2])
    line = Percentages("retention", [None, 1.0, 0.75, 0.9, 0.5, None, None, 0.8, 0.85, 0.9, 0.95, 1.0])
    image = picture(render_weekly("Reviews", week_starts(TODAY), [reviews]))
    top = axis_top([reviews])
    assert top == 50
    for week, value in enumerate(reviews.values):
        assert_bar(image, week, 0, 1, value, top)
    assert image.getpixel((4, 4)) == BACKGROUND
    with_line = picture(render_weekly("Reviews", week_starts(TODAY), [reviews], line))
    for week, share in enumerate(line.values):
        if share is not None:
            assert with_line.getpixel(line_point(week, share)) == LINE_COLOUR


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(0, 60), min_size=WEEKS, max_size=WEEKS), min_size=1, max_size=4))
def test_grouped_bars_for_any_weekly_totals(values: list[list[int]]) -> None:
    series = [Series(f"s{i}", v) for i, v in enumerate(values)]
    image = picture(render_weekly("Participation", week_starts(TODAY), series))
    top = axis_top(series)
    for index, one in enumerate(series):
        for week, value in enumerate(one.values):
            assert_bar(image, week, index, len(series), value, top)


def test_the_alt_text_reads_each_week_oldest_first_and_keeps_within_discords_limit() -> None:
    weeks = week_starts(TODAY)
    text = describe_weekly("ada · flashcard reviews", weeks, [Series("reviews", [0] * 10 + [3, 12])],
                           Percentages("retention", [None] * 10 + [0.667, 0.9]))
    assert text == ("Bar chart: ada · flashcard reviews, the weeks of 2 Mar 2026 to 18 May 2026, oldest first. "
                    "Reviews per week: 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 12 (15 in all). "
                    "Retention per week: none, none, none, none, none, none, none, none, none, none, 67%, 90%.")
    assert describe_weekly("ada", weeks, [Series("reviews", [0] * WEEKS)], Percentages("retention", [None] * WEEKS)
                           ).endswith("(0 in all). No week has a retention to show yet.")
    long = describe_weekly("x" * 2000 + " title", weeks, [Series("reviews", [1] * WEEKS)])
    assert len(long) <= ALT_TEXT_LIMIT and long.endswith("…")
