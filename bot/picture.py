"""The dark card every picture of the bot is drawn on (progress charts, the streak heatmap).

An opaque dark card reads the same in Discord's dark and light themes. Pictures are drawn at
twice their size (:data:`SCALE`): Discord shows an image at about half its width on a phone,
and 2x keeps the text sharp there. Each picture keeps its own layout; this module holds only
what they share: the card, its fonts, its title and the PNG it becomes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from bot.text import shorten

SCALE = 2
ALT_TEXT_LIMIT = 1024  # Discord's limit on an attachment's description, its alt text
MARGIN = 16 * SCALE
BACKGROUND = (34, 39, 46)
TEXT = (205, 217, 229)
TEXT_POINTS, TITLE_POINTS = 11, 14

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def font(points: int) -> Font:
    """Pillow's own font at ``points`` (times :data:`SCALE`); the bitmap font without FreeType."""
    try:
        return ImageFont.load_default(size=points * SCALE)
    except (TypeError, OSError):  # Pillow built without FreeType: the bitmap font still works
        return ImageFont.load_default()


@dataclass(frozen=True)
class Card:
    image: Image.Image
    draw: ImageDraw.ImageDraw
    small: Font     # labels and legends
    large: Font     # the title

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()


def dark_card(width: int, height: int, title: str) -> Card:
    """A blank card of ``width`` x ``height`` pixels with ``title`` in its top left corner."""
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    card = Card(image, draw, font(TEXT_POINTS), font(TITLE_POINTS))
    draw.text((MARGIN, MARGIN), title, fill=TEXT, font=card.large)
    return card


def alt_text(*sentences: str) -> str:
    """A picture's description for a member who cannot see it (a screen reader reads it out): the
    sentences in order, within Discord's limit, cut at a word if they are longer."""
    return shorten(" ".join(sentence for sentence in sentences if sentence), ALT_TEXT_LIMIT)
