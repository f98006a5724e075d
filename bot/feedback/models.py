"""What helpful marks and a day's highlight are made of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ClosablePost:
    guild_id: int
    local_date: date
    day_number: int
    thread_id: int
    message_id: int | None         # the highlight of an earlier attempt, if one was recorded
    claimed: bool                  # an earlier attempt claimed the close


@dataclass(frozen=True)
class RankedAnswer:
    user_id: int
    marks: int
    thread_message_id: int | None


@dataclass(frozen=True)
class MarkResult:
    marks: int


@dataclass(frozen=True)
class Highlight:
    guild_id: int
    local_date: date
    day_number: int
    top: list[RankedAnswer]
    best: int | None
