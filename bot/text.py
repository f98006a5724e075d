"""Fitting text into Discord's small boxes (form titles, labels, placeholders) without cutting words.

Shared by the services that word their forms and by the forms themselves: a member should never
read half a word where Discord's limit is 45 characters.
"""

from __future__ import annotations

ELLIPSIS = "…"
TRAILING = " ,;:–—-·/("
MODAL_TITLE_LIMIT = 45


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut at the last whole word and marked with an ellipsis.

    A single word longer than the limit is the one case cut inside a word (there is no boundary).
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = text[: limit - len(ELLIPSIS) + 1]  # one extra character: is the cut right before a space?
    if " " in room:
        room = room[: room.rfind(" ")]
    else:
        room = room[:-1]
    return room.rstrip(TRAILING) + ELLIPSIS
