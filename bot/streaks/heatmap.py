"""The activity heatmap: a GitHub-style calendar of the last 26 weeks, as a PNG drawn at 2x.

The picture is an opaque dark card, so it looks the same in Discord's dark and light themes. Colour
alone cannot keep five states 3:1 apart (luminance runs out after three steps), so states also differ
in shape: a missed day has a red ring inside an empty cell, a frozen day a dark ring inside a blue one,
and today is outlined. :func:`cell_picture` draws one cell alone so a test can check that any two
states differ by at least 3:1 somewhere in the cell. Columns are weeks (oldest left), rows Monday to
Sunday; :func:`cell_centre` gives the geometry to tests.
"""

from __future__ import annotations

from datetime import date, timedelta

from PIL import Image, ImageDraw

from bot.picture import BACKGROUND, MARGIN, SCALE, TEXT, alt_text, dark_card
from bot.streaks.rules import DayStatus

WEEKS = 26
CELL = 14 * SCALE
GAP = 3 * SCALE
PITCH = CELL + GAP
LABEL_WIDTH = 34 * SCALE
TITLE_HEIGHT = 22 * SCALE
MONTH_HEIGHT = 16 * SCALE
LEGEND_HEIGHT = 30 * SCALE
GRID_LEFT = MARGIN + LABEL_WIDTH
GRID_TOP = MARGIN + TITLE_HEIGHT + MONTH_HEIGHT
WIDTH = GRID_LEFT + WEEKS * PITCH - GAP + MARGIN
HEIGHT = GRID_TOP + 7 * PITCH - GAP + LEGEND_HEIGHT + MARGIN
RADIUS = 3 * SCALE
RING = 2 * SCALE  # width of the today outline and of the state rings

MUTED = (160, 168, 178)
COLOURS: dict[DayStatus, tuple[int, int, int]] = {  # the fill, which is what a cell's centre shows
    DayStatus.ACTIVE: (87, 211, 96),
    DayStatus.FROZEN: (56, 139, 253),
    DayStatus.MISSED: (62, 42, 48),
    DayStatus.OPEN: (52, 58, 68),
    DayStatus.NONE: (45, 51, 59),
}
MISSED_RING = (255, 107, 107)
FROZEN_RING = (20, 32, 56)
TODAY_OUTLINE = TEXT
LEGEND: tuple[tuple[DayStatus, str], ...] = (
    (DayStatus.ACTIVE, "active"), (DayStatus.FROZEN, "freeze used"), (DayStatus.MISSED, "missed"),
    (DayStatus.NONE, "no activity"), (DayStatus.OPEN, "today"),
)


def grid_start(today: date) -> date:
    """Monday of the oldest week shown."""
    return today - timedelta(days=today.weekday(), weeks=WEEKS - 1)


def cell_origin(column: int, row: int) -> tuple[int, int]:
    return GRID_LEFT + column * PITCH, GRID_TOP + row * PITCH


def cell_centre(day: date, today: date) -> tuple[int, int]:
    """Pixel at the centre of ``day``'s cell in the picture for ``today``."""
    offset = (day - grid_start(today)).days
    x, y = cell_origin(offset // 7, offset % 7)
    return x + CELL // 2, y + CELL // 2


def draw_cell(draw: ImageDraw.ImageDraw, x: int, y: int, status: DayStatus, *, is_today: bool) -> None:
    """One day: its fill, the ring that tells missed and frozen days apart, and today's outline."""
    box = (x, y, x + CELL - 1, y + CELL - 1)
    draw.rounded_rectangle(box, radius=RADIUS, fill=COLOURS[status])
    inset = RING + SCALE  # rings sit inside the cell, clear of the today outline at its edge
    inner = (x + inset, y + inset, x + CELL - 1 - inset, y + CELL - 1 - inset)
    if status is DayStatus.MISSED:
        draw.rounded_rectangle(inner, radius=RADIUS, outline=MISSED_RING, width=RING)
    elif status is DayStatus.FROZEN:
        draw.rounded_rectangle(inner, radius=RADIUS, outline=FROZEN_RING, width=RING)
    if is_today or status is DayStatus.OPEN:  # a light edge and a dark line inside it: clear on any fill
        draw.rounded_rectangle(box, radius=RADIUS, outline=TODAY_OUTLINE, width=RING)
        draw.rounded_rectangle((x + RING, y + RING, x + CELL - 1 - RING, y + CELL - 1 - RING), radius=RADIUS,
                               outline=BACKGROUND, width=SCALE)


def cell_picture(status: DayStatus, *, is_today: bool = False) -> Image.Image:
    """One cell on the card, as the heatmap draws it (for contrast checks)."""
    image = Image.new("RGB", (CELL, CELL), BACKGROUND)
    draw_cell(ImageDraw.Draw(image), 0, 0, status, is_today=is_today)
    return image


def render_heatmap(statuses: dict[date, DayStatus], today: date, title: str) -> bytes:
    """PNG bytes of the calendar; days missing from ``statuses`` are drawn as empty."""
    card = dark_card(WIDTH, HEIGHT, title[:70])
    draw, small = card.draw, card.small
    start = grid_start(today)
    last_month = None
    for column in range(WEEKS):
        monday = start + timedelta(weeks=column)
        if monday.month != last_month:
            if column < WEEKS - 1:
                draw.text((cell_origin(column, 0)[0], GRID_TOP - MONTH_HEIGHT), monday.strftime("%b"),
                          fill=MUTED, font=small)
            last_month = monday.month
        for row in range(7):
            day = monday + timedelta(days=row)
            status = statuses.get(day, DayStatus.NONE) if day <= today else DayStatus.NONE
            x, y = cell_origin(column, row)
            draw_cell(draw, x, y, status, is_today=day == today)
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")):
        draw.text((MARGIN, cell_origin(0, row)[1] + SCALE), name, fill=MUTED, font=small)
    legend_y = GRID_TOP + 7 * PITCH + 10 * SCALE
    x = GRID_LEFT
    for status, label in LEGEND:
        draw_cell(draw, x, legend_y, status, is_today=status is DayStatus.OPEN)
        draw.text((x + CELL + 5 * SCALE, legend_y + SCALE), label, fill=TEXT, font=small)
        x += CELL + 5 * SCALE + int(draw.textlength(label, font=small)) + 14 * SCALE
    return card.png()


def describe_heatmap(statuses: dict[date, DayStatus], today: date, title: str) -> str:
    """What :func:`render_heatmap` draws, in words (the picture's alt text): how many of the calendar's days
    were active, covered by a freeze or missed, and today's state."""
    start = grid_start(today)
    shown = [status for day, status in statuses.items() if start <= day <= today]
    counts = {status: shown.count(status) for status in (DayStatus.ACTIVE, DayStatus.FROZEN, DayStatus.MISSED)}
    state = "active" if statuses.get(today) is DayStatus.ACTIVE else "not active yet"
    active, frozen, missed = (_days(counts[s]) for s in (DayStatus.ACTIVE, DayStatus.FROZEN, DayStatus.MISSED))
    return alt_text(f"Activity calendar: {title}.",
                    f"From {start.day} {start:%b %Y} to today, {today.day} {today:%b %Y}: {active} active, "
                    f"{frozen} covered by a freeze, {missed} missed.", f"Today is {state}.")


def _days(count: int) -> str:
    return f"{count} day{'s' * (count != 1)}"
