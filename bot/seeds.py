"""Seeds that stay the same across runs and machines (``hash()`` is salted per process).

Shuffles, question building and pairings are seeded from what they are about (the
guild, the day, the round), so a retry after a crash or a second process makes the
same choice.
"""

from __future__ import annotations

import hashlib


def stable_seed(namespace: str, *parts: object) -> int:
    """A 48-bit seed for ``namespace`` and ``parts``, e.g. ``stable_seed("quiz", guild_id, day)``."""
    text = f"studybot-{namespace}:" + ":".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:6], "big")
