"""Progress charts: the last 12 weeks as bars (and an optional percentage line), as a PNG.

Drawn with Pillow on the same dark card as the streak heatmap (:mod:`bot.picture`), so it reads in both of
Discord's themes and needs no plotting library. Weeks run Monday to Sunday, oldest on
the left. Every series gets a bar per week, side by side; a percentage series (such as
retention) is drawn as dots joined by a line on its own 0-100% scale at the right. The
geometry is exposed (:func:`bar_box`, :func:`line_point`) so tests can check that each
bar is as tall as the week's total says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.picture import MARGIN, SCALE, TEXT, alt_text, dark_card

WEEKS = 12
TITLE_HEIGHT = 24 * SCALE
LEGEND_HEIGHT = 22 * SCALE
AXIS_WIDTH = 30 * SCALE
LABEL_HEIGHT = 18 * SCALE
PLOT_HEIGHT = 150 * SCALE
GROUP_WIDTH = 40 * SCALE
GROUP_GAP = 8 * SCALE
PLOT_LEFT = MARGIN + AXIS_WIDTH
PLOT_TOP = MARGIN + TITLE_HEIGHT + LEGEND_HEIGHT
PLOT_BOTTOM = PLOT_TOP + PLOT_HEIGHT
WIDTH = PLOT_LEFT + WEEKS * (GROUP_WIDTH + GROUP_GAP) + AXIS_WIDTH + MARGIN
HEIGHT = PLOT_BOTTOM + LABEL_HEIGHT + MARGIN

GRID = (52, 59, 68)
MUTED = (139, 148, 158)
PALETTE = ((63, 185, 80), (88, 166, 255), (210, 153, 34), (219, 97, 162))
LINE_COLOUR = (240, 246, 252)


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]           # one per week, oldest first


@dataclass(frozen=True)
class Percentages:
    name: str
    values: list[float | None]  # 0.0-1.0 per week; None where there is nothing to measure


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    """Mondays of the last ``weeks`` weeks, oldest first; the last one holds ``today``."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def nice_ceiling(value: int) -> int:
    """A round top for the axis: the first of 1, 2, 5, 10, 20, 50, ... that is at least ``value``."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def axis_top(series: list[Series]) -> int:
    return nice_ceiling(max((v for s in series for v in s.values), default=0) or 1)


def bar_box(week: int, index: int, count: int, value: int, top: int) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) pixels of series ``index`` of ``count`` in week ``week`` for ``value``."""
    width = GROUP_WIDTH // count
    left = PLOT_LEFT + week * (GROUP_WIDTH + GROUP_GAP) + index * width
    height = round(PLOT_HEIGHT * value / top) if top else 0
    return left + SCALE, PLOT_BOTTOM - height, left + width - SCALE - 1, PLOT_BOTTOM - 1


def line_point(week: int, share: float) -> tuple[int, int]:
    x = PLOT_LEFT + week * (GROUP_WIDTH + GROUP_GAP) + GROUP_WIDTH // 2
    return x, PLOT_BOTTOM - round(PLOT_HEIGHT * share)


def render_weekly(title: str, weeks: list[date], series: list[Series], line: Percentages | None = None, *,
                  top: int | None = None) -> bytes:
    """PNG bytes of the chart: grouped bars per week for ``series`` (axis up to ``top``, else a round number
    above the largest), and ``line`` as a percentage."""
    card = dark_card(WIDTH, HEIGHT, title[:80])
    draw, small = card.draw, card.small
    top = top or axis_top(series)
    for fraction in (0.0, 0.5, 1.0):
        y = PLOT_BOTTOM - round(PLOT_HEIGHT * fraction) - (1 if fraction else 0)
        draw.line((PLOT_LEFT, y, WIDTH - MARGIN - AXIS_WIDTH, y), fill=GRID, width=1)
        label = f"{top * fraction:g}"
        draw.text((MARGIN, y - 6 * SCALE), label, fill=MUTED, font=small)
        if line is not None:
            draw.text((WIDTH - MARGIN - AXIS_WIDTH + 4 * SCALE, y - 6 * SCALE), f"{fraction:.0%}", fill=MUTED,
                      font=small)
    for week, monday in enumerate(weeks):
        for index, one in enumerate(series):
            value = one.values[week]
            if value > 0:
                draw.rectangle(bar_box(week, index, len(series), value, top), fill=PALETTE[index % len(PALETTE)])
        if (len(weeks) - 1 - week) % 2 == 0:  # every other week, ending on this one
            x = PLOT_LEFT + week * (GROUP_WIDTH + GROUP_GAP)
            draw.text((x, PLOT_BOTTOM + 4 * SCALE), monday.strftime("%d %b"), fill=MUTED, font=small)
    if line is not None:
        points = [(week, share) for week, share in enumerate(line.values) if share is not None]
        for (w1, s1), (w2, s2) in zip(points, points[1:], strict=False):
            draw.line((*line_point(w1, s1), *line_point(w2, s2)), fill=LINE_COLOUR, width=SCALE)
        for week, share in points:
            x, y = line_point(week, share)
            draw.ellipse((x - 3 * SCALE, y - 3 * SCALE, x + 3 * SCALE, y + 3 * SCALE), fill=LINE_COLOUR)
    x = MARGIN
    legend_y = MARGIN + TITLE_HEIGHT
    entries = [(s.name, PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]
    if line is not None:
        entries.append((line.name, LINE_COLOUR))
    for name, colour in entries:
        draw.rectangle((x, legend_y + 2 * SCALE, x + 10 * SCALE, legend_y + 12 * SCALE), fill=colour)
        draw.text((x + 14 * SCALE, legend_y), name, fill=TEXT, font=small)
        x += 14 * SCALE + int(draw.textlength(name, font=small)) + 14 * SCALE
    return card.png()


def describe_weekly(title: str, weeks: list[date], series: list[Series], line: Percentages | None = None) -> str:
    """What :func:`render_weekly` draws, in words (the picture's alt text): each series and the line week by
    week, oldest first, with the twelve weeks' total."""
    span = f"the weeks of {_day(weeks[0])} to {_day(weeks[-1])}, oldest first" if weeks else "no weeks"
    sentences = [f"Bar chart: {title}, {span}."]
    for one in series:
        sentences.append(f"{one.name.capitalize()} per week: {', '.join(map(str, one.values))} "
                         f"({sum(one.values)} in all).")
    if line is not None and any(share is not None for share in line.values):
        shares = ", ".join("none" if share is None else f"{share:.0%}" for share in line.values)
        sentences.append(f"{line.name.capitalize()} per week: {shares}.")
    elif line is not None:
        sentences.append(f"No week has a {line.name} to show yet.")
    return alt_text(*sentences)


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
