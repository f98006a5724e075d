"""The activity heatmap: a GitHub-style calendar of the last 26 weeks, as a PNG.

Drawn on its own dark card with high-contrast colours, so it reads the same in
Discord's dark and light themes. Columns are weeks (oldest left), rows Monday to
Sunday. The geometry is exposed (:func:`cell_centre`) so tests can check that every
cell shows the status the history implies.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image, ImageDraw, ImageFont

from bot.streaks.rules import DayStatus

WEEKS = 26
CELL = 14
GAP = 3
PITCH = CELL + GAP
MARGIN = 16
LABEL_WIDTH = 34
TITLE_HEIGHT = 22
MONTH_HEIGHT = 16
LEGEND_HEIGHT = 30
GRID_LEFT = MARGIN + LABEL_WIDTH
GRID_TOP = MARGIN + TITLE_HEIGHT + MONTH_HEIGHT
WIDTH = GRID_LEFT + WEEKS * PITCH - GAP + MARGIN
HEIGHT = GRID_TOP + 7 * PITCH - GAP + LEGEND_HEIGHT + MARGIN

BACKGROUND = (34, 39, 46)
TEXT = (205, 217, 229)
MUTED = (139, 148, 158)
COLOURS: dict[DayStatus, tuple[int, int, int]] = {
    DayStatus.ACTIVE: (63, 185, 80),
    DayStatus.FROZEN: (88, 166, 255),
    DayStatus.MISSED: (110, 64, 72),
    DayStatus.OPEN: (68, 76, 86),
    DayStatus.NONE: (45, 51, 59),
}
LEGEND = (DayStatus.ACTIVE, DayStatus.FROZEN, DayStatus.MISSED)


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


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow built without FreeType: the bitmap font still works
        return ImageFont.load_default()


def render_heatmap(statuses: dict[date, DayStatus], today: date, title: str) -> bytes:
    """PNG bytes of the calendar; days missing from ``statuses`` are drawn as empty."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    small, large = _font(11), _font(14)
    draw.text((MARGIN, MARGIN), title[:70], fill=TEXT, font=large)
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
            draw.rounded_rectangle((x, y, x + CELL - 1, y + CELL - 1), radius=3, fill=COLOURS[status])
            if day == today:
                draw.rounded_rectangle((x, y, x + CELL - 1, y + CELL - 1), radius=3, outline=TEXT, width=1)
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")):
        draw.text((MARGIN, cell_origin(0, row)[1]), name, fill=MUTED, font=small)
    legend_y = GRID_TOP + 7 * PITCH + 10
    x = GRID_LEFT
    for status in LEGEND:
        draw.rounded_rectangle((x, legend_y, x + CELL - 1, legend_y + CELL - 1), radius=3, fill=COLOURS[status])
        draw.text((x + CELL + 5, legend_y), status.value, fill=TEXT, font=small)
        x += CELL + 5 + int(draw.textlength(status.value, font=small)) + 16
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
