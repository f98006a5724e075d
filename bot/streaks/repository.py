"""SQL for streaks: the per-member summary rows, leaderboards, milestones and reminders."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date

import aiosqlite

from bot.storage import IN_PRESENT_GUILD, Database, from_iso_date, one, upsert
from bot.streaks.models import Board, BoardEntry, DueReminder, ReminderRow, StreakRow
from bot.streaks.rules import MILESTONES, month_after

STREAK_COLUMNS = ("guild_id", "user_id", "current", "best", "freezes", "last_active", "run_start", "breaks_at",
                  "month", "month_days", "total_days", "prev_month_days", "updated_at", "zone")


def _row(r: sqlite3.Row) -> StreakRow:
    return StreakRow(r["guild_id"], r["user_id"], r["current"], r["best"], r["freezes"], from_iso_date(r["last_active"]),
                     from_iso_date(r["run_start"]), r["breaks_at"], r["month"], r["month_days"], r["total_days"],
                     r["prev_month_days"], r["zone"] or "UTC")


class StreakRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def guilds_of(self, user_id: int) -> list[int]:
        """The servers where the member has a streak summary: every server they were ever active in (each
        credit keeps its summary, and start-up writes any a crash left missing)."""
        rows = await self.db.fetchall("SELECT guild_id FROM streaks WHERE user_id = ? ORDER BY guild_id", (user_id,))
        return [row[0] for row in rows]

    async def zone_drifted(self, guild_id: int | None = None) -> list[tuple[int, int]]:
        """Members (of ``guild_id``, or of every guild) whose summary was computed in another zone than the
        one their days are now dated in: their own, else their guild's, else UTC."""
        # One server's summaries through the primary key; every server's only at start-up.
        if guild_id is not None:
            rows = await self.db.fetchall(
                "SELECT s.guild_id, s.user_id FROM streaks s LEFT JOIN user_settings u ON u.user_id = s.user_id "
                "LEFT JOIN guild_settings g ON g.guild_id = s.guild_id "
                "WHERE s.guild_id = ? AND s.zone IS NOT COALESCE(u.timezone, g.timezone, 'UTC')", (guild_id,))
        else:
            rows = await self.db.fetchall(
                "SELECT s.guild_id, s.user_id FROM streaks s LEFT JOIN user_settings u ON u.user_id = s.user_id "
                "LEFT JOIN guild_settings g ON g.guild_id = s.guild_id "
                "WHERE s.zone IS NOT COALESCE(u.timezone, g.timezone, 'UTC')")
        return [(row[0], row[1]) for row in rows]

    async def get(self, guild_id: int, user_id: int) -> StreakRow | None:
        return await one(self.db, "SELECT * FROM streaks WHERE guild_id = ? AND user_id = ?", (guild_id, user_id), _row)

    async def save(self, row: StreakRow, now: int) -> None:
        await self.db.run_transaction(self.save_in, row, now)

    @staticmethod
    def get_in(conn: sqlite3.Connection, guild_id: int, user_id: int) -> StreakRow | None:
        """:meth:`get` on the connection's own thread (inside a one-trip transaction)."""
        row = conn.execute("SELECT * FROM streaks WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)).fetchone()
        return _row(row) if row else None

    @staticmethod
    def save_in(conn: sqlite3.Connection, row: StreakRow, now: int) -> None:
        """:meth:`save` inside a one-trip transaction."""
        conn.execute(
            upsert("streaks", STREAK_COLUMNS, ("guild_id", "user_id")),
            (row.guild_id, row.user_id, row.current, row.best, row.freezes,
             row.last_active.isoformat() if row.last_active else None,
             row.run_start.isoformat() if row.run_start else None, row.breaks_at, row.month,
             row.month_days, row.total_days, row.prev_month_days, now, row.zone))

    # -- leaderboards: each one or two indexed range scans -------------------------------------------

    @staticmethod
    def _ranges(board: str) -> list[tuple[str, str]]:
        """(score column, extra WHERE) of each index range ``board`` ranks; fixed strings from this module.

        The month board ranks two ranges of ``:month`` (the server's month): members whose latest day is
        in it, by ``month_days``, and members whose latest day is already in the month after it, by
        ``prev_month_days`` (their days of ``:month``). A summary is in at most one of the two. Members found
        gone from the server are in none (the boards' indexes hold only the others).
        """
        if board == Board.CURRENT:
            return [("current", "AND current > 0 AND breaks_at > :now AND gone_at IS NULL")]
        if board == Board.BEST:
            return [("best", "AND best > 0 AND gone_at IS NULL")]
        return [("month_days", "AND month = :month AND month_days > 0 AND gone_at IS NULL"),
                ("prev_month_days", "AND month = :next_month AND prev_month_days > 0 AND gone_at IS NULL")]

    @staticmethod
    def _params(guild_id: int, now: int, month: str, **more: int) -> dict[str, int | str]:
        return {"guild": guild_id, "now": now, "month": month, "next_month": month_after(month), **more}

    async def leaderboard(self, guild_id: int, board: str, *, now: int, month: str, limit: int,
                          offset: int) -> list[BoardEntry]:
        # A compound SELECT ordered by its result merges the ranges, each read in its index's order, so the
        # page costs LIMIT + OFFSET rows of each range, not a sort of the board.
        ranges = " UNION ALL ".join(
            f"SELECT user_id, {column} AS score FROM streaks WHERE guild_id = :guild {where}"  # noqa: S608
            for column, where in self._ranges(board))
        rows = await self.db.fetchall(f"{ranges} ORDER BY score DESC, user_id LIMIT :limit OFFSET :offset",
                                      self._params(guild_id, now, month, limit=limit, offset=offset))
        entries: list[BoardEntry] = []
        for position, row in enumerate(rows, start=offset):
            if entries and entries[-1].score == row["score"]:
                rank = entries[-1].rank  # ties share a rank
            elif not entries:
                rank = 1 + await self.count_above(guild_id, board, row["score"], now=now, month=month)
            else:
                rank = position + 1  # everyone above scored strictly more
            entries.append(BoardEntry(rank, row["user_id"], row["score"]))
        return entries

    async def count_above(self, guild_id: int, board: str, score: int, *, now: int, month: str) -> int:
        counts = " + ".join(
            f"(SELECT COUNT(*) FROM streaks WHERE guild_id = :guild {where} AND {column} > :score)"  # noqa: S608
            for column, where in self._ranges(board))
        return int(await self.db.fetchval(f"SELECT {counts}", self._params(guild_id, now, month, score=score),
                                          default=0))

    async def count_ranked(self, guild_id: int, board: str, *, now: int, month: str) -> int:
        counts = " + ".join(f"(SELECT COUNT(*) FROM streaks WHERE guild_id = :guild {where})"  # noqa: S608
                            for _column, where in self._ranges(board))
        return int(await self.db.fetchval(f"SELECT {counts}", self._params(guild_id, now, month), default=0))

    async def score_of(self, guild_id: int, user_id: int, board: str, *, now: int, month: str) -> int:
        scores = " + ".join(
            f"COALESCE((SELECT {column} FROM streaks WHERE guild_id = :guild AND user_id = :user {where}), 0)"  # noqa: S608
            for column, where in self._ranges(board))
        return int(await self.db.fetchval(f"SELECT {scores}", self._params(guild_id, now, month, user=user_id),
                                          default=0) or 0)

    async def mark_gone(self, guild_id: int, user_ids: set[int], now: int) -> None:
        """Discord did not find these members in the server: the leaderboards leave them out from now on."""
        await self.db.execute("UPDATE streaks SET gone_at = ? WHERE guild_id = ? AND gone_at IS NULL "
                              "AND user_id IN (SELECT value FROM json_each(?))",
                              (now, guild_id, json.dumps(sorted(user_ids))))

    async def gone_among(self, guild_id: int, user_ids: Iterable[int]) -> set[int]:
        """Which of ``user_ids`` are marked gone from the server (a board scored elsewhere leaves them off too)."""
        rows = await self.db.fetchall("SELECT user_id FROM streaks WHERE guild_id = ? AND gone_at IS NOT NULL "
                                      "AND user_id IN (SELECT value FROM json_each(?))",
                                      (guild_id, json.dumps(sorted(user_ids))))
        return {int(row[0]) for row in rows}

    async def gone_members(self) -> set[tuple[int, int]]:
        """Every (guild, member) marked gone."""
        rows = await self.db.fetchall(
            "SELECT guild_id, user_id FROM streaks INDEXED BY streaks_gone WHERE gone_at IS NOT NULL")
        return {(int(row[0]), int(row[1])) for row in rows}

    async def back_in(self, guild_id: int, user_id: int) -> None:
        """The member is in the server (they asked for a board): on the boards again. Read first, so showing a
        board writes nothing in the usual case."""
        if await self.db.fetchval("SELECT 1 FROM streaks WHERE guild_id = ? AND user_id = ? AND gone_at IS NOT NULL",
                                  (guild_id, user_id)):
            await self.db.execute("UPDATE streaks SET gone_at = NULL WHERE guild_id = ? AND user_id = ?",
                                  (guild_id, user_id))

    async def live_streaks(self, guild_id: int, now: int) -> list[tuple[int, int]]:
        """(member, current streak) for the server's streaks still alive at ``now`` (a streak past its break
        time is over, whatever its summary still says).

        Role rewards (``bot.rewards``) give the streak milestone roles from these."""
        rows = await self.db.fetchall(
            "SELECT user_id, current FROM streaks WHERE guild_id = ? AND current > 0 AND breaks_at > ?",
            (guild_id, now))
        return [(int(r[0]), int(r[1])) for r in rows]

    # -- milestones ------------------------------------------------------------------------------------

    async def milestone_settings(self, guild_id: int) -> tuple[bool, int | None]:
        """(announced at all, the channel chosen for milestones, if any); the daily channel, where they go
        otherwise, is the daily feature's to say."""
        row = await self.db.fetchone("SELECT announce, channel_id FROM streak_settings WHERE guild_id = ?",
                                     (guild_id,))
        return row is None or bool(row["announce"]), int(row["channel_id"]) if row and row["channel_id"] else None

    async def claim_milestone(self, guild_id: int, user_id: int, milestone: int, run_start: date, now: int,
                              channel_id: int | None, run_end: date | None = None) -> bool:
        """Claim the run's milestone once; ``channel_id`` is where it will be announced (None: not announced).

        A run reaching back to ``run_start`` may hold, up to ``run_end``, the start of a run the milestone was
        claimed for before repaired days joined it to an earlier one: that run is part of this one, so its
        milestone is not claimed again."""
        changed = await self.db.execute(
            "INSERT INTO streak_milestones (guild_id, user_id, milestone, run_start, reached_at, channel_id) "
            "SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM streak_milestones WHERE guild_id = ? "
            "AND user_id = ? AND milestone = ? AND run_start > ? AND run_start <= ?) ON CONFLICT DO NOTHING",
            (guild_id, user_id, milestone, run_start.isoformat(), now, channel_id, guild_id, user_id, milestone,
             run_start.isoformat(), (run_end or run_start).isoformat()))
        return changed > 0

    async def set_milestone_message(self, guild_id: int, user_id: int, milestone: int, run_start: date,
                                    channel_id: int, message_id: int) -> None:
        """Keep where the announcement went, so a privacy deletion can remove it on Discord."""
        await self.db.execute(
            "UPDATE streak_milestones SET channel_id = ?, message_id = ? WHERE guild_id = ? AND user_id = ? "
            "AND milestone = ? AND run_start = ?",
            (channel_id, message_id, guild_id, user_id, milestone, run_start.isoformat()))

    async def unclaimed_milestones(self, since: int) -> list[tuple[int, int, int, date]]:
        """Milestones live streaks crossed in the last day or so that have no row: the process died between
        crediting the day and claiming the milestone. (guild, member, milestone, run start). A row for a run
        that repaired days joined to this one counts (see :meth:`claim_milestone`)."""
        milestones = " UNION ALL ".join(["SELECT ? AS value"] * len(MILESTONES))  # placeholders only
        rows = await self.db.fetchall(
            "SELECT s.guild_id, s.user_id, m.value AS milestone, s.run_start FROM streaks s "  # noqa: S608
            f"JOIN ({milestones}) m "
            "ON s.current >= m.value AND s.current - m.value <= 1 "
            "WHERE s.run_start IS NOT NULL AND s.breaks_at > ? AND NOT EXISTS (SELECT 1 FROM streak_milestones x "
            "WHERE x.guild_id = s.guild_id AND x.user_id = s.user_id AND x.milestone = m.value "
            "AND x.run_start BETWEEN s.run_start AND COALESCE(s.last_active, s.run_start))", (*MILESTONES, since))
        return [(r["guild_id"], r["user_id"], r["milestone"], date.fromisoformat(r["run_start"])) for r in rows]

    async def unannounced_milestones(self, since: int) -> list[tuple[int, int, int, date, int]]:
        """Claimed milestones meant for a channel but with no message recorded, reached since ``since``:
        (guild, member, milestone, run start, channel). Not those of a server that removed the bot: they wait for
        it to be added back."""
        rows = await self.db.fetchall(
            "SELECT guild_id, user_id, milestone, run_start, channel_id FROM streak_milestones "  # noqa: S608
            f"WHERE message_id IS NULL AND channel_id IS NOT NULL AND reached_at >= ? AND {IN_PRESENT_GUILD} "
            "ORDER BY reached_at", (since,))
        return [(r["guild_id"], r["user_id"], r["milestone"], date.fromisoformat(r["run_start"]), r["channel_id"])
                for r in rows]

    # -- reminders ---------------------------------------------------------------------------------------

    async def reminder(self, guild_id: int, user_id: int) -> ReminderRow | None:
        row = await self.db.fetchone("SELECT * FROM streak_reminders WHERE guild_id = ? AND user_id = ?",
                                     (guild_id, user_id))
        return ReminderRow(row["guild_id"], row["user_id"], row["hour"], bool(row["enabled"]), row["off_reason"],
                           row["last_sent_date"], row["last_sent_at"]) if row else None

    async def set_reminder(self, guild_id: int, user_id: int, *, enabled: bool, hour: int, now: int) -> None:
        await self.db.execute(
            "INSERT INTO streak_reminders (guild_id, user_id, hour, enabled, off_reason, updated_at) "
            "VALUES (?, ?, ?, ?, NULL, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET hour = excluded.hour, "
            "enabled = excluded.enabled, off_reason = NULL, claimed_date = NULL, updated_at = excluded.updated_at",
            (guild_id, user_id, hour, int(enabled), now))

    async def enabled_reminders(self) -> list[DueReminder]:
        """Every switched-on reminder with the member's zone and streak summary, in one query.

        The zone follows the rule of ``TimezoneResolver.zone_for``: the member's own, else the guild's, else UTC.
        A server the bot was removed from is left out while its data is kept: nothing comes from it meanwhile, and
        a DM Discord refuses for want of a shared server would switch the reminder off for when it is added back.
        """
        rows = await self.db.fetchall(
            "SELECT r.guild_id, r.user_id, r.hour, r.last_sent_date, r.last_sent_at, r.claimed_date, r.updated_at, "
            "COALESCE(u.timezone, g.timezone, 'UTC') AS zone, s.guild_id AS has_streak, s.current, s.best, "
            "s.freezes, s.last_active, s.run_start, s.breaks_at, s.month, s.month_days, s.total_days, s.prev_month_days "
            "FROM streak_reminders r "
            "LEFT JOIN user_settings u ON u.user_id = r.user_id "
            "LEFT JOIN guild_settings g ON g.guild_id = r.guild_id "
            "LEFT JOIN streaks s ON s.guild_id = r.guild_id AND s.user_id = r.user_id "
            "WHERE r.enabled = 1 AND g.left_at IS NULL ORDER BY r.guild_id, r.user_id")
        return [DueReminder(ReminderRow(r["guild_id"], r["user_id"], r["hour"], True, None, r["last_sent_date"],
                                        r["last_sent_at"]),
                            r["zone"], _row(r) if r["has_streak"] is not None else None, r["claimed_date"],
                            r["updated_at"])
                for r in rows]

    async def claim_reminder(self, guild_id: int, user_id: int, local_day: date, day_began: int) -> bool:
        """Claim today's reminder before sending it; a claim left by a dead process can be taken again.

        Not when one went out since the member's day began at ``day_began`` (the local date of a reminder sent
        before that instant is only compared when the instant was not kept), nor when the member has studied
        ``local_day`` by now: a pass reads every due reminder first and DMs them one by one, so a member can
        study while the DMs before theirs go out."""
        changed = await self.db.execute(
            "UPDATE streak_reminders SET claimed_date = ? WHERE guild_id = ? AND user_id = ? AND enabled = 1 "
            "AND (last_sent_at < ? OR last_sent_at IS NULL AND (last_sent_date IS NULL OR last_sent_date <> ?)) "
            "AND NOT EXISTS (SELECT 1 FROM streaks s "
            "WHERE s.guild_id = streak_reminders.guild_id AND s.user_id = streak_reminders.user_id "
            "AND s.last_active >= ?)",
            (local_day.isoformat(), guild_id, user_id, day_began, local_day.isoformat(), local_day.isoformat()))
        return changed > 0

    async def mark_reminder_sent(self, guild_id: int, user_id: int, local_day: date, now: int) -> None:
        await self.db.execute("UPDATE streak_reminders SET last_sent_date = ?, last_sent_at = ? "
                              "WHERE guild_id = ? AND user_id = ?", (local_day.isoformat(), now, guild_id, user_id))

    async def switch_off_reminder(self, guild_id: int, user_id: int, reason: str, now: int) -> None:
        """Off, and today's claim dropped with it: a claim left in place reads as a send cut short, and a
        reminder switched on again today would go out at once instead of at its hour."""
        await self.db.execute(
            "UPDATE streak_reminders SET enabled = 0, off_reason = ?, claimed_date = NULL, updated_at = ? "
            "WHERE guild_id = ? AND user_id = ?", (reason, now, guild_id, user_id))

    # -- settings ----------------------------------------------------------------------------------------

    async def set_announcements(self, conn: aiosqlite.Connection, guild_id: int, *, announce: bool,
                                channel_id: int | None, actor_id: int, now: int) -> None:
        await conn.execute(
            "INSERT INTO streak_settings (guild_id, announce, channel_id, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET announce = excluded.announce, "
            "channel_id = excluded.channel_id, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (guild_id, int(announce), channel_id, actor_id, now))
