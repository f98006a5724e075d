"""Users, ids and timestamps as the Discord API writes them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000

class Snowflakes:
    """Monotonic snowflakes whose timestamps follow the simulator's clock."""

    def __init__(self, now: Any) -> None:
        self._now = now
        self._counter = itertools.count(1)

    def next(self, *, ms_earlier: int = 0) -> int:
        """A new snowflake; ``ms_earlier`` dates it that many milliseconds before now."""
        ms = int(self._now().timestamp() * 1000) - ms_earlier
        return ((ms - DISCORD_EPOCH_MS) << 22) | (next(self._counter) & 0x3FFFFF)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


@dataclass
class SimUser:
    id: int
    name: str
    bot: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id), "username": self.name, "global_name": self.name, "discriminator": "0",
            "avatar": None, "bot": self.bot, "public_flags": 0, "flags": 0,
        }
