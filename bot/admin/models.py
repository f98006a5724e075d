"""What running a server's studybot is made of: export rows and the privacy plan of a table (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.rewards import RolesTakenBack


@dataclass(frozen=True)
class ParticipationRow:
    """One member's line of the participation export, as stored."""

    user_id: int
    answer_days: int
    review_days: int
    quiz_days: int
    mock_days: int
    repaired_days: int
    active_days: int
    last_active: str
    current_streak: int
    best_streak: int
    breaks_at: int          # epoch seconds: the current streak counts only until then


@dataclass
class TablePlan:
    """How one table is treated: rows naming the member in ``subjects`` go, ``actors`` become 0,
    ``texts`` lose mentions of them, and each ``said`` text (with the column naming who wrote it) is
    blanked where the member wrote it."""

    name: str
    subjects: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    said: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Deletion:
    changed: dict[str, int]
    messages_queued: int
    roles: RolesTakenBack = RolesTakenBack()


@dataclass(frozen=True)
class OwedDeletion:
    """A message the bot posted for a member who asked for their data to go, not yet deleted on Discord.

    ``guild_id`` is None for messages queued before the server was recorded with them; ``refused_since`` is
    when Discord first refused to delete it with an unexpected code, as read when the message was claimed."""

    guild_id: int | None
    channel_id: int
    message_id: int
    refused_since: int | None = None
