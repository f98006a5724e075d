"""How instants are stored: UTC epoch seconds in INTEGER columns, and back."""

from __future__ import annotations

from datetime import UTC, date, datetime


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def from_epoch(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def from_iso_date(value: str | None) -> date | None:
    """A calendar day stored as ``YYYY-MM-DD`` text (or NULL)."""
    return date.fromisoformat(value) if value else None
