"""Domain errors: problems a member or moderator caused and can fix.

The app-command error handler shows the message of a :class:`UserFacingError`
ephemerally and logs everything else with its traceback; so services raise these
with a message written for the person who typed the command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class UserFacingError(Exception):
    """An error whose message is safe and useful to show to the user."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class InvalidInput(UserFacingError):
    """A value typed by the user is malformed (bad time, unknown timezone, too long...)."""


class NotFound(UserFacingError):
    """The thing the user referred to does not exist (or no longer does)."""


class Conflict(UserFacingError):
    """The action cannot happen in the current state (already posted, already answered...)."""


class NotConfigured(UserFacingError):
    """A feature was used in a guild whose moderators have not set it up yet."""


def check_all(*checks: Callable[[], Any]) -> tuple[Any, ...]:
    """Run every check and return their results, or one :class:`InvalidInput` listing every mistake.

    A moderator who typed a wrong time and a wrong timezone learns both in one reply, instead of
    fixing one, resubmitting and only then hearing about the other.
    """
    results: list[Any] = []
    problems: list[UserFacingError] = []
    for check in checks:
        try:
            results.append(check())
        except InvalidInput as problem:
            problems.append(problem)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        lines = [f"• {p.message}" + (f" {p.hint}" if p.hint else "") for p in problems]
        raise InvalidInput(f"{len(problems)} things to fix (nothing was saved):\n" + "\n".join(lines))
    return tuple(results)


def bounded_text(value: str | None, *, what: str, limit: int, required: bool, empty_hint: str = "",
                 long_hint: str = "Shorten it and try again.") -> str:
    """``value`` stripped, or an :class:`InvalidInput` naming ``what`` when it is empty or too long.

    One wording for every free-text field, so members always learn the limit and how far over it they are.
    """
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{what} is empty.", hint=empty_hint or None)
    if len(text) > limit:
        raise InvalidInput(f"{what} is {len(text)} characters; the limit is {limit}.", hint=long_hint)
    return text
