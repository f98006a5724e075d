"""Domain errors: problems a member or moderator caused and can fix.

The app-command error handler shows the message of a :class:`UserFacingError`
ephemerally and logs everything else with its traceback; so services raise these
with a message written for the person who typed the command.
"""

from __future__ import annotations


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
