"""The getting-started form a moderator fills in from the welcome message, read in one pass.

Everything typed is checked before anything is saved, and every mistake is reported together
(a wrong time *and* a wrong zone are two lines of one reply), so setup is all or nothing.
The form never names a guild or channel itself: those come from the interaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.errors import InvalidInput, check_all
from bot.mock import parse_weekday
from bot.timezones import parse_local_time, parse_zone
from bot.welcome.models import MockPlan, SetupPlan

CADENCES = {"weekly": "weekly", "every week": "weekly", "biweekly": "biweekly", "fortnightly": "biweekly",
            "every other week": "biweekly", "every two weeks": "biweekly"}
MOCK_EXAMPLE = "`weekly Tuesday 18:00` or `biweekly Thu 19:30`"


def _labelled(label: str, check: Callable[[], Any]) -> Callable[[], Any]:
    """``check`` whose mistake names the form field it came from."""
    def run() -> Any:
        try:
            return check()
        except InvalidInput as error:
            raise InvalidInput(f"**{label}**: {error.message}", hint=error.hint) from error
    return run


def read_mock(text: str) -> MockPlan:
    """``weekly Tuesday 18:00`` (or ``6 pm``) → a plan; the cadence may be left out (weekly)."""
    words = " ".join(text.lower().replace(",", " ").split())
    cadence = "weekly"
    for spoken, value in sorted(CADENCES.items(), key=lambda item: -len(item[0])):
        if words.startswith(spoken + " "):
            cadence, words = value, words[len(spoken) + 1:]
            break
    day, _, at = words.partition(" ")
    try:
        if not at:
            raise InvalidInput("wrong shape")
        return MockPlan(cadence, parse_weekday(day), parse_local_time(at))
    except InvalidInput:
        raise InvalidInput(f"I could not read `{text.strip()[:40]}` as a day and a time.",
                           hint=f"Write it like {MOCK_EXAMPLE}.") from None


def read_setup_form(*, daily_time: str, timezone: str, quiz_time: str, mock: str) -> SetupPlan:
    """The plan, or one :class:`InvalidInput` listing every field to fix."""
    daily_at, zone, quiz_at, mock_plan = check_all(
        _labelled("Daily prompt time", lambda: parse_local_time(daily_time)),
        _labelled("Timezone", lambda: parse_zone(timezone)),
        _labelled("Quiz time", lambda: parse_local_time(quiz_time) if quiz_time.strip() else None),
        _labelled("Mock interviews", lambda: read_mock(mock) if mock.strip() else None),
    )
    return SetupPlan(daily_at, zone, quiz_at, mock_plan)
