"""How instants are stored: UTC epoch seconds in INTEGER columns, and back."""

from __future__ import annotations

from datetime import UTC, datetime


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def from_epoch(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None
