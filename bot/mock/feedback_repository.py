"""SQL for the feedback members give each other after a mock interview, and its sharing with the partner.

Feedback is stored first and shared after; ``shared_at`` and where it was posted are recorded once the
partner has it, so a restart shares what a crash left unshared, and a privacy deletion can remove it.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.mock.models import StoredFeedback
from bot.storage import IN_PRESENT_GUILD, Database, epoch

_FEEDBACK_COLUMNS = "group_id, from_id, to_id, guild_id, communication, depth, tradeoffs, note"


def _feedback(row: sqlite3.Row) -> StoredFeedback:
    return StoredFeedback(row[0], row[1], row[2], row[3], (row[4], row[5], row[6]), row[7])


class MockFeedbackRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def save_feedback(self, group_id: int, guild_id: int, from_id: int, to_id: int, scores: tuple[int, int, int],
                            note: str | None, now: datetime) -> bool:
        changed = await self.db.execute(
            "INSERT INTO mock_feedback (group_id, from_id, to_id, guild_id, communication, depth, tradeoffs, note, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, from_id, to_id) DO UPDATE SET "
            "communication = excluded.communication, depth = excluded.depth, tradeoffs = excluded.tradeoffs, "
            "note = excluded.note, created_at = excluded.created_at, shared_at = NULL",
            (group_id, from_id, to_id, guild_id, *scores, note, epoch(now)))
        return changed > 0

    async def scores_received(self, guild_id: int, user_id: int) -> list[tuple[int, int, int]]:
        """The ratings the member received here and was shown (shared), in the order of the interviews they rate.

        Not in the order they were written: feedback corrected weeks later (a re-submission stores it anew), or
        given late for an earlier round, still rates that interview, and "your last three" are the latest
        interviews, so progress never reads as a fall because an old rating was edited."""
        rows = await self.db.fetchall(
            "SELECT f.communication, f.depth, f.tradeoffs FROM mock_feedback f JOIN mock_groups g ON g.id = f.group_id "
            "JOIN mock_rounds r ON r.id = g.round_id WHERE f.guild_id = ? AND f.to_id = ? "
            "AND f.shared_at IS NOT NULL ORDER BY r.number, f.group_id, f.from_id", (guild_id, user_id))
        return [(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    async def unshared_feedback(self) -> list[StoredFeedback]:
        """Feedback stored but not yet shared with the partner (the process died in between), in servers the bot
        has not left: one that adds it back has it shared then."""
        rows = await self.db.fetchall(
            f"SELECT {_FEEDBACK_COLUMNS} FROM mock_feedback WHERE shared_at IS NULL AND {IN_PRESENT_GUILD} "  # noqa: S608
            "ORDER BY created_at")
        return [_feedback(row) for row in rows]

    async def unshared_feedback_of(self, group_id: int, from_id: int, to_id: int) -> StoredFeedback | None:
        """This member's feedback for that partner, as it stands now, while it is not shared yet."""
        row = await self.db.fetchone(
            f"SELECT {_FEEDBACK_COLUMNS} FROM mock_feedback "  # noqa: S608  # a constant list of columns
            "WHERE group_id = ? AND from_id = ? AND to_id = ? AND shared_at IS NULL", (group_id, from_id, to_id))
        return _feedback(row) if row is not None else None

    async def feedback_location(self, group_id: int, from_id: int, to_id: int) -> tuple[int, int] | None:
        """Where this feedback was last posted (channel, message), if it was."""
        row = await self.db.fetchone("SELECT message_channel_id, message_id FROM mock_feedback "
                                     "WHERE group_id = ? AND from_id = ? AND to_id = ?", (group_id, from_id, to_id))
        return (row[0], row[1]) if row is not None and row[0] is not None and row[1] is not None else None

    async def feedback_shared(self, group_id: int, from_id: int, to_id: int, where: tuple[int, int] | None,
                              now: datetime) -> None:
        """The share is done; ``where`` it was posted (so a privacy deletion can remove it), None if nowhere."""
        channel_id, message_id = where if where is not None else (None, None)
        await self.db.execute(
            "UPDATE mock_feedback SET message_channel_id = ?, message_id = ?, shared_at = ? "
            "WHERE group_id = ? AND from_id = ? AND to_id = ?",
            (channel_id, message_id, epoch(now), group_id, from_id, to_id))
