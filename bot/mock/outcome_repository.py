"""SQL for what happened at an interview: the group's outcome, "didn't show" reports, and the pause two
reports in a row bring (with whether the member has been told of it, or of its lifting), and whether a
reporter was asked to withdraw a report its subject disputes."""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite

from bot.storage import IN_PRESENT_GUILD, Database, epoch


class OutcomeRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def set_outcome(self, conn: aiosqlite.Connection, group_id: int, outcome: str, user_id: int,
                          now: datetime) -> bool:
        cursor = await conn.execute(
            "UPDATE mock_groups SET outcome = ?, outcome_by = ?, outcome_at = ? WHERE id = ? AND (outcome IS NULL "
            "OR outcome <> 'met')", (outcome, user_id, epoch(now), group_id))
        return cursor.rowcount > 0

    async def met_by(self, conn: aiosqlite.Connection, group_id: int) -> int | None:
        """Who pressed the "We met" the group's outcome records, if it met (read in the report's transaction)."""
        cursor = await conn.execute("SELECT outcome_by FROM mock_groups WHERE id = ? AND outcome = 'met'", (group_id,))
        row = await cursor.fetchone()
        return None if row is None else row[0]

    async def outcome_at(self, group_id: int, conn: aiosqlite.Connection | None = None) -> datetime | None:
        """When the group's outcome was recorded (inside ``conn``'s transaction when given)."""
        value = await self.db.reader(conn).fetchval("SELECT outcome_at FROM mock_groups WHERE id = ?", (group_id,))
        return datetime.fromtimestamp(value, UTC) if value else None

    async def held_since(self, guild_id: int, since: datetime) -> list[datetime]:
        """The moment each of the server's interviews reported held counts for (:func:`bot.mock.outcomes.held_at`:
        its agreed start when that came before the report, else the report's), one per group however many
        members it credited, for reports since ``since``: the server's participation counts interviews, not
        the credits of their members."""
        rows = await self.db.fetchall(
            "SELECT CASE WHEN m.status = 'agreed' AND m.starts_at IS NOT NULL AND m.starts_at <= g.outcome_at "
            "THEN m.starts_at ELSE g.outcome_at END FROM mock_groups g "
            "LEFT JOIN mock_meetings m ON m.group_id = g.id "
            "WHERE g.guild_id = ? AND g.outcome = 'met' AND g.outcome_at >= ?", (guild_id, epoch(since)))
        return [datetime.fromtimestamp(row[0], UTC) for row in rows]

    async def add_noshow(self, conn: aiosqlite.Connection, group_id: int, user_id: int, reporter: int,
                         now: datetime) -> bool:
        """Record ``reporter``'s report that ``user_id`` missed the group's interview; whether it is the first
        report of that absence (the same report pressed again, or a trio's second report of it, is no new one)."""
        cursor = await conn.execute("SELECT 1 FROM mock_noshows WHERE group_id = ? AND user_id = ?", (group_id, user_id))
        first = await cursor.fetchone() is None
        await conn.execute("INSERT INTO mock_noshows (group_id, user_id, reported_by, created_at) "
                           "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", (group_id, user_id, reporter, epoch(now)))
        return first

    async def reporters_of(self, conn: aiosqlite.Connection, group_id: int, user_id: int) -> list[int]:
        """Who reported ``user_id`` absent from the group's interview (read in the report's transaction)."""
        cursor = await conn.execute("SELECT reported_by FROM mock_noshows WHERE group_id = ? AND user_id = ? "
                                    "ORDER BY reported_by", (group_id, user_id))
        return [row[0] for row in await cursor.fetchall()]

    async def absent_in(self, group_id: int) -> frozenset[int]:
        """Who stands reported absent from the group's interview: in a trio, not every member."""
        rows = await self.db.fetchall("SELECT user_id FROM mock_noshows WHERE group_id = ?", (group_id,))
        return frozenset(row[0] for row in rows)

    async def dispute(self, conn: aiosqlite.Connection, group_id: int, absent_id: int, now: datetime, *,
                      asked: bool = False) -> list[int]:
        """Record that ``absent_id`` says the group met, against the reports about them not yet disputed;
        returns the reporters to ask (each once: a second press finds them disputed already). ``asked``: the
        reporters are told in the answer to their report, made after that member's "We met"."""
        cursor = await conn.execute(
            "UPDATE mock_noshows SET disputed_at = ?, dispute_asked = ? WHERE group_id = ? AND user_id = ? "
            "AND disputed_at IS NULL RETURNING reported_by", (epoch(now), int(asked), group_id, absent_id))
        return sorted(row[0] for row in await cursor.fetchall())

    async def mark_dispute_asked(self, group_id: int, absent_id: int, reporter: int) -> None:
        await self.db.execute("UPDATE mock_noshows SET dispute_asked = 1 WHERE group_id = ? AND user_id = ? "
                              "AND reported_by = ?", (group_id, absent_id, reporter))

    async def unasked_disputes(self) -> list[tuple[int, int, int, int]]:
        """(guild, group, absent member, reporter) of disputed reports whose reporter a crash left unasked, in servers
        the bot has not left (one that adds it back has them asked then)."""
        rows = await self.db.fetchall(
            "SELECT g.guild_id, n.group_id, n.user_id, n.reported_by FROM mock_noshows n JOIN mock_groups g "  # noqa: S608
            f"ON g.id = n.group_id WHERE n.dispute_asked = 0 AND g.{IN_PRESENT_GUILD} "
            "ORDER BY n.group_id, n.user_id, n.reported_by")
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    async def withdraw_noshows(self, conn: aiosqlite.Connection, group_id: int) -> list[int]:
        """Remove the group's "didn't show" reports (they met after all); returns whose were removed."""
        cursor = await conn.execute("DELETE FROM mock_noshows WHERE group_id = ? RETURNING user_id", (group_id,))
        return sorted(row[0] for row in await cursor.fetchall())

    async def withdraw_reports_by(self, conn: aiosqlite.Connection, group_id: int, reporter: int) -> list[int]:
        """Remove the "didn't show" reports ``reporter`` made in the group (they now say the group met);
        returns whom those reports were about."""
        cursor = await conn.execute("DELETE FROM mock_noshows WHERE group_id = ? AND reported_by = ? RETURNING user_id",
                                    (group_id, reporter))
        return sorted(row[0] for row in await cursor.fetchall())

    async def withdraw_disputed_by(self, conn: aiosqlite.Connection, group_id: int, reporter: int) -> list[int]:
        """Remove the "didn't show" reports ``reporter`` made in the group that their subject disputes (both now say
        they met); returns whom those reports were about."""
        cursor = await conn.execute("DELETE FROM mock_noshows WHERE group_id = ? AND reported_by = ? AND disputed_at "
                                    "IS NOT NULL RETURNING user_id", (group_id, reporter))
        return sorted(row[0] for row in await cursor.fetchall())

    async def absent_from(self, conn: aiosqlite.Connection, group_id: int) -> list[int]:
        """Who stands reported absent from the group's interview (read in the report's transaction)."""
        cursor = await conn.execute("SELECT DISTINCT user_id FROM mock_noshows WHERE group_id = ? ORDER BY user_id",
                                    (group_id,))
        return [row[0] for row in await cursor.fetchall()]

    async def last_groups_of(self, guild_id: int, user_id: int, limit: int, round_id: int,
                             conn: aiosqlite.Connection | None = None) -> list[tuple[int, bool]]:
        """(group id, reported absent) for the member's most recent groups, newest first (inside ``conn``'s
        transaction when given), in rounds that ended and in ``round_id``, the round reported on. A round still
        open beside it (the next one, paired before a late report) is left out: nobody could be reported absent
        from it yet, so it neither breaks a run of absences nor makes a pause look unjustified. So is an
        interview called off (by a member, or because a partner left the server) that the group did not hold
        anyway: nobody could show up to it, so it says nothing either way, as a cancelled round says nothing.
        Rounds that started before the member came back from a no-show pause with `/mock join` are left out too:
        coming back starts a fresh run."""
        rows = await self.db.reader(conn).fetchall(
            "SELECT m.group_id, EXISTS (SELECT 1 FROM mock_noshows n WHERE n.group_id = m.group_id AND "
            "n.user_id = m.user_id) FROM mock_group_members m JOIN mock_rounds r ON r.id = m.round_id "
            "JOIN mock_groups g ON g.id = m.group_id "
            "LEFT JOIN mock_participants p ON p.guild_id = m.guild_id AND p.user_id = m.user_id "
            "WHERE m.guild_id = ? AND m.user_id = ? AND (r.status = 'closed' OR (r.id = ? AND r.status = 'open')) "
            "AND r.starts_at >= COALESCE(p.noshow_run_from, 0) "
            "AND (g.outcome IS 'met' OR NOT EXISTS (SELECT 1 FROM mock_meetings t WHERE t.group_id = m.group_id "
            "AND t.status = 'cancelled')) ORDER BY r.number DESC LIMIT ?", (guild_id, user_id, round_id, limit))
        return [(row[0], bool(row[1])) for row in rows]

    async def pause_for_noshows(self, conn: aiosqlite.Connection, guild_id: int, user_id: int,
                                now: datetime) -> bool:
        """Pause a member reported absent twice in a row, untold until :meth:`mark_pause_told`; False unless they
        are active. A no-show pause already holding them was told once; a member who left before the report came
        is not signed up again; and a pause of another kind (their own `/mock pause`, or one for never answering)
        stands as it is, since a withdrawal's lifting would otherwise make them active when that pause still holds."""
        cursor = await conn.execute(
            "UPDATE mock_participants SET status = 'paused', skip_rounds = 0, pause_reason = 'no-show', "
            "pause_told = 0, updated_at = ? WHERE guild_id = ? AND user_id = ? AND status = 'active'",
            (epoch(now), guild_id, user_id))
        return cursor.rowcount > 0

    async def lift_noshow_pause(self, conn: aiosqlite.Connection, guild_id: int, user_id: int, now: datetime, *,
                                told: bool = False) -> bool:
        """Lift a no-show pause whose reports were withdrawn, untold until :meth:`mark_pause_told` (unless
        ``told``: the member pressed the button themselves, and no DM is sent to them)."""
        cursor = await conn.execute(
            "UPDATE mock_participants SET status = 'active', pause_reason = NULL, pause_told = ?, updated_at = ? "
            "WHERE guild_id = ? AND user_id = ? AND status = 'paused' AND pause_reason = 'no-show'",
            (int(told), epoch(now), guild_id, user_id))
        return cursor.rowcount > 0

    async def untold_pause_changes(self) -> list[tuple[int, int, str | None]]:
        """(guild, member, why: "no-show" or "silent") of pauses the bot made, and (guild, member, None) of
        no-show pauses lifted, still standing whose member was never told, in servers the bot has not left."""
        rows = await self.db.fetchall(
            "SELECT guild_id, user_id, CASE status WHEN 'paused' THEN pause_reason END FROM mock_participants "  # noqa: S608
            "WHERE pause_told = 0 AND ((status = 'paused' AND pause_reason IN ('no-show', 'silent')) "
            f"OR status = 'active') AND {IN_PRESENT_GUILD} ORDER BY guild_id, user_id")
        return [(row[0], row[1], row[2]) for row in rows]

    async def mark_pause_told(self, guild_id: int, user_id: int) -> None:
        await self.db.execute("UPDATE mock_participants SET pause_told = 1 WHERE guild_id = ? AND user_id = ?",
                              (guild_id, user_id))
