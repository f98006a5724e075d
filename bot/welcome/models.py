"""What a moderator asked for in the setup form, once every field has been read and checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class MockPlan:
    cadence: str
    weekday: str
    at: time


@dataclass(frozen=True)
class SetupPlan:
    """What the moderator asked for: daily always, the quiz and mock interviews when filled in."""

    daily_at: time
    zone: ZoneInfo
    quiz_at: time | None
    mock: MockPlan | None
