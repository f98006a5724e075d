"""SQL for agreeing and keeping interview times: meetings, offered times, votes, reminders, exclusions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from bot.mock.jobs import reminder_job
from bot.storage import IN_PRESENT_GUILD, Database, epoch, from_epoch

REMINDER_KINDS = ("day", "soon")
# One server's rows (its id given twice), or with None those of every server that has not removed the bot: a
# start rebuilds no timer of a server that removed it; adding the bot back rebuilds that server's.
_OF_GUILD = f"(guild_id = ? OR (? IS NULL AND {IN_PRESENT_GUILD}))"


@dataclass(frozen=True)
class Meeting:
    group_id: int
    guild_id: int
    status: str  # open | agreed | cancelled | no-time
    starts_at: datetime | None
    minutes: int
    version: int
    event_id: int | None
    event_version: int
    voice_channel_id: int | None
    nudged_at: datetime | None
    cancelled_by: int | None
    cancel_reason: str | None
    told_version: int = 0  # the version the group was told of (the confirmation message)
    cancel_told: bool = True  # False from a member's cancellation until their group is told of it


@dataclass(frozen=True)
class TimeOption:
    id: int
    group_id: int
    starts_at: datetime
    proposed_by: int | None
    purpose: str  # agree | move
    message_id: int | None
    told: bool = True  # False from a member's proposal until it is posted for the others to accept


@dataclass(frozen=True)
class Reminder:
    group_id: int
    user_id: int
    kind: str
    version: int
    due_at: datetime
    guild_id: int  # a sharded process keeps only its own guilds' timers; the bot leaving a guild removes them

    @property
    def job_id(self) -> str:
        return reminder_job(self.guild_id, self.group_id, self.user_id, self.kind, self.version)


def _meeting(row: aiosqlite.Row) -> Meeting:
    return Meeting(row["group_id"], row["guild_id"], row["status"], from_epoch(row["starts_at"]), row["minutes"],
                   row["version"], row["event_id"], row["event_version"], row["voice_channel_id"],
                   from_epoch(row["nudged_at"]), row["cancelled_by"], row["cancel_reason"], row["told_version"],
                   bool(row["cancel_told"]))


def _option(row: aiosqlite.Row) -> TimeOption:
    return TimeOption(row["id"], row["group_id"], datetime.fromtimestamp(row["starts_at"], UTC), row["proposed_by"],
                      row["purpose"], row["message_id"], bool(row["told"]))


def _reminder(row: aiosqlite.Row) -> Reminder:
    return Reminder(row["group_id"], row["user_id"], row["kind"], row["version"],
                    datetime.fromtimestamp(row["due_at"], UTC), row["guild_id"])


class MeetingRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- meetings --------------------------------------------------------------------------------
    async def meeting(self, group_id: int) -> Meeting | None:
        row = await self.db.fetchone("SELECT * FROM mock_meetings WHERE group_id = ?", (group_id,))
        return _meeting(row) if row else None

    async def ensure(self, conn: aiosqlite.Connection, group_id: int, guild_id: int, minutes: int,
                     now: datetime) -> Meeting:
        await conn.execute("INSERT INTO mock_meetings (group_id, guild_id, minutes, updated_at) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT (group_id) DO NOTHING", (group_id, guild_id, minutes, epoch(now)))
        cursor = await conn.execute("SELECT * FROM mock_meetings WHERE group_id = ?", (group_id,))
        row = await cursor.fetchone()
        assert row is not None
        return _meeting(row)

    async def resize(self, conn: aiosqlite.Connection, group_id: int, minutes: int, now: datetime) -> bool:
        """Shorten an interview that has not begun (a trio became a pair). An agreed one keeps its start and version
        (its reminders stand); its event is marked behind, so the next sync moves the event's end. One already
        under way or held keeps what it was."""
        cursor = await conn.execute(
            "UPDATE mock_meetings SET minutes = ?, updated_at = ?, event_version = CASE WHEN status = 'agreed' "
            "THEN MIN(event_version, version - 1) ELSE event_version END WHERE group_id = ? AND minutes > ? "
            "AND status IN ('open', 'agreed') AND (starts_at IS NULL OR starts_at > ?)",
            (minutes, epoch(now), group_id, minutes, epoch(now)))
        return cursor.rowcount > 0

    async def agree(self, conn: aiosqlite.Connection, group_id: int, starts_at: datetime, now: datetime) -> int:
        """Confirm (or move to) ``starts_at``; returns the new version."""
        cursor = await conn.execute(
            "UPDATE mock_meetings SET status = 'agreed', starts_at = ?, version = version + 1, updated_at = ? "
            "WHERE group_id = ? AND status IN ('open', 'agreed') RETURNING version",
            (epoch(starts_at), epoch(now), group_id))
        row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def cancel(self, conn: aiosqlite.Connection, group_id: int, by: int, reason: str, now: datetime) -> bool:
        cursor = await conn.execute(
            "UPDATE mock_meetings SET status = 'cancelled', cancelled_by = ?, cancel_reason = ?, updated_at = ? "
            "WHERE group_id = ? AND status IN ('open', 'agreed')", (by, reason, epoch(now), group_id))
        return cursor.rowcount > 0

    async def set_no_time(self, group_id: int, now: datetime) -> bool:
        return await self.db.execute("UPDATE mock_meetings SET status = 'no-time', updated_at = ? "
                                     "WHERE group_id = ? AND status = 'open'", (epoch(now), group_id)) > 0

    async def claim_nudge(self, group_id: int, now: datetime) -> bool:
        """Claim the group's nudge (once); it is sent after this and recorded by :meth:`mark_nudge_sent`."""
        return await self.db.execute("UPDATE mock_meetings SET nudged_at = ? WHERE group_id = ? AND nudged_at IS NULL "
                                     "AND status = 'open'", (epoch(now), group_id)) > 0

    async def nudge_interrupted(self, group_id: int) -> bool:
        """Whether an earlier attempt claimed the group's nudge and died before recording it sent."""
        return await self.db.fetchval("SELECT nudged_at IS NOT NULL AND nudge_sent_at IS NULL FROM mock_meetings "
                                      "WHERE group_id = ? AND status = 'open'", (group_id,)) == 1

    async def mark_nudge_sent(self, group_id: int, now: datetime) -> None:
        await self.db.execute("UPDATE mock_meetings SET nudge_sent_at = ? WHERE group_id = ? AND nudge_sent_at IS NULL",
                              (epoch(now), group_id))

    async def set_event(self, group_id: int, event_id: int | None, version: int) -> None:
        await self.db.execute("UPDATE mock_meetings SET event_id = ?, event_version = ? WHERE group_id = ?",
                              (event_id, version, group_id))

    async def set_voice(self, group_id: int, channel_id: int | None) -> None:
        await self.db.execute("UPDATE mock_meetings SET voice_channel_id = ? WHERE group_id = ?",
                              (channel_id, group_id))

    async def needing_event_sync(self) -> list[Meeting]:
        """Agreed meetings whose event lags behind, and cancelled ones whose event or room still exists. Not in a
        server that removed the bot: its events are out of reach (an attempt would record the event as placed,
        none being there), and are placed when it is added back."""
        rows = await self.db.fetchall(
            "SELECT * FROM mock_meetings WHERE ((status = 'agreed' AND event_version < version) OR "  # noqa: S608
            f"(status = 'cancelled' AND (event_id IS NOT NULL OR voice_channel_id IS NOT NULL))) AND {IN_PRESENT_GUILD}")
        return [_meeting(row) for row in rows]

    async def untold(self) -> list[Meeting]:
        """Meetings whose group was not told of the latest agreed version, or of a member's cancellation: a
        crash (or Discord failing for a moment) came between storing it and the message. Not in a server that
        removed the bot: its groups hear when it is added back."""
        rows = await self.db.fetchall(
            f"SELECT * FROM mock_meetings WHERE ((status = 'agreed' AND told_version < version) "  # noqa: S608
            f"OR (status = 'cancelled' AND cancel_told = 0)) AND {IN_PRESENT_GUILD}")
        return [_meeting(row) for row in rows]

    async def mark_told(self, group_id: int, version: int) -> None:
        await self.db.execute("UPDATE mock_meetings SET told_version = MAX(told_version, ?) WHERE group_id = ?",
                              (version, group_id))

    async def expect_cancel_told(self, conn: aiosqlite.Connection, group_id: int) -> None:
        """Inside a member's cancellation: their group is still to be told of it."""
        await conn.execute("UPDATE mock_meetings SET cancel_told = 0 WHERE group_id = ?", (group_id,))

    async def mark_cancel_told(self, group_id: int) -> None:
        await self.db.execute("UPDATE mock_meetings SET cancel_told = 1 WHERE group_id = ?", (group_id,))

    async def agreed(self, guild_id: int | None = None) -> list[Meeting]:
        """The agreed meetings of ``guild_id``; without one, of every server that has not removed the bot."""
        sql = f"SELECT * FROM mock_meetings WHERE status = 'agreed' AND {_OF_GUILD}"  # noqa: S608
        rows = await self.db.fetchall(sql, (guild_id, guild_id))
        return [_meeting(r) for r in rows]

    # -- offered times ---------------------------------------------------------------------------
    async def options(self, group_id: int, purpose: str | None = None) -> list[TimeOption]:
        rows = await self.db.fetchall("SELECT * FROM mock_time_options WHERE group_id = ? AND (? IS NULL OR "
                                      "purpose = ?) ORDER BY starts_at, id", (group_id, purpose, purpose))
        return [_option(row) for row in rows]

    async def option(self, option_id: int) -> TimeOption | None:
        row = await self.db.fetchone("SELECT * FROM mock_time_options WHERE id = ?", (option_id,))
        return _option(row) if row else None

    async def add_option(self, conn: aiosqlite.Connection, group_id: int, starts_at: datetime,
                         proposed_by: int | None, purpose: str, now: datetime) -> int:
        """Offer a time (once per group, time and purpose). A member's proposal, of a new time or of one only
        suggested so far, is to be posted for the others (``told`` 0 until :meth:`mark_proposal_told`); a time
        another member already proposed stays theirs, and is not posted twice."""
        cursor = await conn.execute(
            "INSERT INTO mock_time_options (group_id, starts_at, proposed_by, purpose, created_at, told) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, starts_at, purpose) DO UPDATE SET "
            "proposed_by = COALESCE(proposed_by, excluded.proposed_by), "
            "told = CASE WHEN proposed_by IS NULL THEN MIN(told, excluded.told) ELSE told END RETURNING id",
            (group_id, epoch(starts_at), proposed_by, purpose, epoch(now), int(proposed_by is None)))
        row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def count_options(self, conn: aiosqlite.Connection, group_id: int, purpose: str) -> int:
        cursor = await conn.execute("SELECT COUNT(*) FROM mock_time_options WHERE group_id = ? AND purpose = ?",
                                    (group_id, purpose))
        row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def untold_proposals(self, owns: Callable[[int], bool] = lambda guild_id: True) -> list[TimeOption]:
        """Members' proposals stored but not yet posted (a crash came between the two), in the servers ``owns``
        accepts: another shard's are not read further. Not in a server that removed the bot: its groups see
        them when it is added back."""
        rows = await self.db.fetchall("SELECT o.*, g.guild_id AS group_guild_id FROM mock_time_options o "  # noqa: S608
                                      f"JOIN mock_groups g ON g.id = o.group_id WHERE o.told = 0 "
                                      f"AND g.{IN_PRESENT_GUILD} ORDER BY o.group_id, o.id")
        return [_option(row) for row in rows if owns(row["group_guild_id"])]

    async def mark_proposal_told(self, option_id: int, message_id: int | None) -> None:
        """The proposal is out (``message_id`` in the group's thread; None by DM), or no longer worth telling."""
        await self.db.execute("UPDATE mock_time_options SET told = 1, message_id = COALESCE(?, message_id) "
                              "WHERE id = ?", (message_id, option_id))

    async def votes(self, group_id: int) -> dict[int, set[int]]:
        rows = await self.db.fetchall("SELECT option_id, user_id FROM mock_time_votes WHERE group_id = ?", (group_id,))
        found: dict[int, set[int]] = {}
        for option_id, user_id in rows:
            found.setdefault(option_id, set()).add(user_id)
        return found

    async def replace_votes(self, conn: aiosqlite.Connection, group_id: int, user_id: int, option_ids: list[int],
                            among: list[int], now: datetime) -> None:
        """The member's accepted times among ``among`` become exactly ``option_ids``."""
        if among:
            marks = ",".join("?" for _ in among)
            await conn.execute(f"DELETE FROM mock_time_votes WHERE user_id = ? AND option_id IN ({marks})",  # noqa: S608
                               (user_id, *among))
        await conn.executemany(
            "INSERT INTO mock_time_votes (option_id, group_id, user_id, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING", [(option_id, group_id, user_id, epoch(now)) for option_id in option_ids])

    async def add_vote(self, conn: aiosqlite.Connection, option_id: int, group_id: int, user_id: int,
                       now: datetime) -> None:
        await conn.execute("INSERT INTO mock_time_votes (option_id, group_id, user_id, created_at) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT DO NOTHING", (option_id, group_id, user_id, epoch(now)))

    async def clear_votes(self, conn: aiosqlite.Connection, group_id: int) -> None:
        await conn.execute("DELETE FROM mock_time_votes WHERE group_id = ?", (group_id,))

    # -- reminders -------------------------------------------------------------------------------
    async def add_reminders(self, conn: aiosqlite.Connection, reminders: list[Reminder]) -> None:
        await conn.executemany(
            "INSERT INTO mock_reminders (group_id, user_id, kind, version, due_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING", [(r.group_id, r.user_id, r.kind, r.version, epoch(r.due_at)) for r in reminders])

    async def pending_reminders(self, guild_id: int | None = None) -> list[Reminder]:
        """Unsent reminders of agreed meetings at their current version, of ``guild_id``; without one, of
        every server that has not removed the bot."""
        sql = (f"SELECT r.*, m.guild_id AS guild_id FROM mock_reminders r JOIN mock_meetings m "  # noqa: S608
               f"ON m.group_id = r.group_id WHERE r.sent_at IS NULL AND m.status = 'agreed' "
               f"AND r.version = m.version AND {_OF_GUILD} ORDER BY r.due_at")
        rows = await self.db.fetchall(sql, (guild_id, guild_id))
        return [_reminder(row) for row in rows]

    async def claim_reminder(self, reminder: Reminder, now: datetime) -> bool:
        """Claim the reminder if it is still due: unsent, and its meeting agreed at this version.

        A reminder claimed by an attempt that died before marking it sent can be claimed again;
        the caller then looks for the earlier message before sending another.
        """
        changed = await self.db.execute(
            "UPDATE mock_reminders SET claimed_at = ? WHERE group_id = ? AND user_id = ? AND kind = ? AND version = ? "
            "AND sent_at IS NULL AND EXISTS (SELECT 1 FROM mock_meetings m WHERE m.group_id = ? "
            "AND m.status = 'agreed' AND m.version = ?)",
            (epoch(now), reminder.group_id, reminder.user_id, reminder.kind, reminder.version, reminder.group_id,
             reminder.version))
        return changed > 0

    async def was_claimed(self, reminder: Reminder) -> bool:
        return await self.db.fetchval(
            "SELECT claimed_at IS NOT NULL FROM mock_reminders WHERE group_id = ? AND user_id = ? AND kind = ? "
            "AND version = ?", (reminder.group_id, reminder.user_id, reminder.kind, reminder.version)) == 1

    async def mark_reminder_sent(self, reminder: Reminder, now: datetime) -> None:
        await self.db.execute(
            "UPDATE mock_reminders SET sent_at = ? WHERE group_id = ? AND user_id = ? AND kind = ? AND version = ? "
            "AND sent_at IS NULL",
            (epoch(now), reminder.group_id, reminder.user_id, reminder.kind, reminder.version))

    # -- exclusions ------------------------------------------------------------------------------
    async def exclusions_of(self, guild_id: int, user_id: int) -> list[int]:
        rows = await self.db.fetchall("SELECT excluded_id FROM mock_exclusions WHERE guild_id = ? AND user_id = ? "
                                      "ORDER BY created_at, excluded_id", (guild_id, user_id))
        return [row[0] for row in rows]

    async def add_exclusion(self, conn: aiosqlite.Connection, guild_id: int, user_id: int, excluded_id: int,
                            now: datetime) -> bool:
        cursor = await conn.execute("INSERT INTO mock_exclusions (guild_id, user_id, excluded_id, created_at) "
                                    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                    (guild_id, user_id, excluded_id, epoch(now)))
        return cursor.rowcount > 0

    async def count_exclusions(self, conn: aiosqlite.Connection, guild_id: int, user_id: int) -> int:
        cursor = await conn.execute("SELECT COUNT(*) FROM mock_exclusions WHERE guild_id = ? AND user_id = ?",
                                    (guild_id, user_id))
        row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def remove_exclusion(self, guild_id: int, user_id: int, excluded_id: int) -> bool:
        return await self.db.execute("DELETE FROM mock_exclusions WHERE guild_id = ? AND user_id = ? "
                                     "AND excluded_id = ?", (guild_id, user_id, excluded_id)) > 0

    async def forbidden_pairs(self, conn: aiosqlite.Connection, guild_id: int) -> set[tuple[int, int]]:
        cursor = await conn.execute("SELECT user_id, excluded_id FROM mock_exclusions WHERE guild_id = ?", (guild_id,))
        return {(min(a, b), max(a, b)) for a, b in await cursor.fetchall()}

    async def exclusion_counts(self, guild_id: int) -> tuple[int, int]:
        """(members with at least one exclusion, exclusions in all): what moderators may see."""
        row = await self.db.fetchone("SELECT COUNT(DISTINCT user_id), COUNT(*) FROM mock_exclusions WHERE guild_id = ?",
                                     (guild_id,))
        return (int(row[0]), int(row[1])) if row else (0, 0)

    # -- statistics ------------------------------------------------------------------------------
    async def meeting_counts(self, guild_id: int) -> dict[str, int]:
        """Interviews that agreed a time, and those called off or finding no time that the group did not hold
        anyway: a group that met (at a time settled elsewhere, or before a cancellation) counts as met only."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FILTER (WHERE t.version > 0), "
            "COUNT(*) FILTER (WHERE t.status = 'cancelled' AND g.outcome IS NOT 'met'), "
            "COUNT(*) FILTER (WHERE t.status = 'no-time' AND g.outcome IS NOT 'met') "
            "FROM mock_meetings t JOIN mock_groups g ON g.id = t.group_id WHERE t.guild_id = ?", (guild_id,))
        agreed, cancelled, no_time = (int(v or 0) for v in (row or (0, 0, 0)))
        return {"agreed": agreed, "cancelled": cancelled, "no_time": no_time}

    async def busy_members(self, conn: aiosqlite.Connection, guild_id: int) -> set[int]:
        """Members in a group of an open round whose interview was not cancelled."""
        cursor = await conn.execute(
            "SELECT m.user_id FROM mock_group_members m JOIN mock_rounds r ON r.id = m.round_id "
            "LEFT JOIN mock_meetings t ON t.group_id = m.group_id WHERE r.guild_id = ? AND r.status = 'open' "
            "AND (t.status IS NULL OR t.status <> 'cancelled')", (guild_id,))
        return {row[0] for row in await cursor.fetchall()}
