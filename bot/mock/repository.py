"""SQL for mock interviews: sign-ups, the guild schedule, rounds and groups (outcomes, absences and the pauses
they bring are in :mod:`bot.mock.outcome_repository`, feedback in :mod:`bot.mock.feedback_repository`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime

import aiosqlite

from bot.mock.models import CHECKIN_CLAIMED, Delivery, Group, GroupMember, Round, Signup
from bot.mock.schedule import Schedule
from bot.storage import IN_PRESENT_GUILD, Database, Reader, epoch, from_epoch, one, upsert

SIGNUP_COLUMNS = ("guild_id", "user_id", "role", "level", "timezone", "availability", "status", "skip_rounds",
                  "pause_reason", "joined_at", "updated_at", "left_server_at", "pause_told")
SCHEDULE_COLUMNS = ("guild_id", "channel_id", "cadence", "weekday", "local_time", "timezone", "anchor_date", "enabled",
                    "updated_by", "updated_at", "voice_channel_id")


def _signup(row: aiosqlite.Row) -> Signup:
    return Signup(row["guild_id"], row["user_id"], row["role"], row["level"], row["timezone"], row["availability"],
                  row["status"], row["skip_rounds"], row["pause_reason"], row["left_server_at"] is not None,
                  row["sat_out_key"])


def _round(row: aiosqlite.Row) -> Round:
    return Round(row["id"], row["guild_id"], row["number"], row["round_key"], row["channel_id"],
                 datetime.fromtimestamp(row["starts_at"], UTC), datetime.fromtimestamp(row["reminder_at"], UTC),
                 datetime.fromtimestamp(row["ends_at"], UTC), row["status"], row["seed"], row["method"],
                 row["announcement_id"], row["channel_notice"], bool(row["channel_notice_told"]))


class PairingRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- sign-ups --------------------------------------------------------------------------------
    async def signup(self, guild_id: int, user_id: int) -> Signup | None:
        return await one(self.db, "SELECT * FROM mock_participants WHERE guild_id = ? AND user_id = ?",
                         (guild_id, user_id), _signup)

    async def save_signup(self, signup: Signup, now: datetime) -> None:
        """Store the member's own sign-up; saving it is something they did here, so they are in the server, and
        they know their status (nothing about an earlier pause is left to tell them). Coming back active from a
        no-show pause (or from leaving during one) starts a fresh run of absences: those before it paused them
        once, and count toward no second pause."""
        async with self.db.transaction() as conn:
            if signup.status == "active":
                await conn.execute(
                    "UPDATE mock_participants SET noshow_run_from = ? WHERE guild_id = ? AND user_id = ? "
                    "AND status IN ('paused', 'left') AND pause_reason = 'no-show'",
                    (epoch(now), signup.guild_id, signup.user_id))
            await conn.execute(
                upsert("mock_participants", SIGNUP_COLUMNS, ("guild_id", "user_id"), insert_only=("joined_at",)),
                (signup.guild_id, signup.user_id, signup.role, signup.level, signup.timezone, signup.availability,
                 signup.status, signup.skip_rounds, signup.pause_reason, epoch(now), epoch(now), None, 1))

    async def set_status(self, guild_id: int, user_id: int, status: str, *, skip_rounds: int = 0,
                         reason: str | None = None, now: datetime) -> None:
        await self.db.execute(
            "UPDATE mock_participants SET status = ?, skip_rounds = ?, pause_reason = ?, pause_told = 1, "
            "updated_at = ? WHERE guild_id = ? AND user_id = ?", (status, skip_rounds, reason, epoch(now), guild_id,
                                                                   user_id))

    async def signups(self, conn: aiosqlite.Connection, guild_id: int) -> list[Signup]:
        """The active sign-ups of members not found gone from the server."""
        cursor = await conn.execute("SELECT * FROM mock_participants WHERE guild_id = ? AND status = 'active' "
                                    "AND left_server_at IS NULL ORDER BY user_id", (guild_id,))
        return [_signup(row) for row in await cursor.fetchall()]

    async def mark_left_server(self, conn: aiosqlite.Connection, guild_id: int, user_ids: Iterable[int],
                               now: datetime) -> None:
        """Discord did not find these members in the server: rounds and counts leave them out from now on."""
        await conn.execute("UPDATE mock_participants SET left_server_at = ? WHERE guild_id = ? "
                           "AND left_server_at IS NULL AND user_id IN (SELECT value FROM json_each(?))",
                           (epoch(now), guild_id, json.dumps(sorted(user_ids))))

    async def back_in_server(self, guild_id: int, user_id: int, now: datetime) -> None:
        await self.db.execute("UPDATE mock_participants SET left_server_at = NULL, updated_at = ? "
                              "WHERE guild_id = ? AND user_id = ?", (epoch(now), guild_id, user_id))

    async def use_skips(self, conn: aiosqlite.Connection, guild_id: int, key: str, busy: Iterable[int] = ()) -> None:
        """The round keyed ``key`` sat out by every pausing member, except those ``busy`` in another round still
        open (they could not have taken part in this one anyway); once per round, which they stay out of."""
        await conn.execute("UPDATE mock_participants SET skip_rounds = skip_rounds - 1, sat_out_key = ? "
                           "WHERE guild_id = ? AND status = 'active' AND skip_rounds > 0 "
                           "AND sat_out_key IS NOT ? AND user_id NOT IN (SELECT value FROM json_each(?))",
                           (key, guild_id, key, json.dumps(sorted(busy))))

    async def count_active(self, guild_id: int) -> int:
        return int(await self.db.fetchval("SELECT COUNT(*) FROM mock_participants WHERE guild_id = ? "
                                          "AND status = 'active' AND left_server_at IS NULL", (guild_id,), default=0))

    async def count_paused_by_bot(self, guild_id: int) -> tuple[int, int]:
        """(members paused for two reported no-shows, members paused for never answering), counts only."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FILTER (WHERE pause_reason = 'no-show'), COUNT(*) FILTER (WHERE pause_reason = 'silent') "
            "FROM mock_participants WHERE guild_id = ? AND status = 'paused'", (guild_id,))
        return (int(row[0]), int(row[1])) if row is not None else (0, 0)

    # -- schedule --------------------------------------------------------------------------------
    async def schedule(self, guild_id: int) -> Schedule | None:
        return await one(self.db, "SELECT * FROM mock_schedule WHERE guild_id = ?", (guild_id,), self._schedule)

    async def schedules(self) -> list[Schedule]:
        """The schedules to run: enabled, in a guild the bot has not left."""
        sql = f"SELECT * FROM mock_schedule WHERE enabled = 1 AND {IN_PRESENT_GUILD}"  # noqa: S608
        return [self._schedule(r) for r in await self.db.fetchall(sql)]

    @staticmethod
    def _schedule(row: aiosqlite.Row) -> Schedule:
        return Schedule(row["guild_id"], row["channel_id"], row["cadence"], row["weekday"], row["local_time"],
                        row["timezone"], date.fromisoformat(row["anchor_date"]), bool(row["enabled"]),
                        row["voice_channel_id"])

    async def save_schedule(self, conn: aiosqlite.Connection, schedule: Schedule, actor_id: int,
                            now: datetime) -> None:
        await conn.execute(
            upsert("mock_schedule", SCHEDULE_COLUMNS, ("guild_id",)),
            (schedule.guild_id, schedule.channel_id, schedule.cadence, schedule.weekday, schedule.local_time,
             schedule.timezone, schedule.anchor_date.isoformat(), int(schedule.enabled), actor_id, epoch(now),
             schedule.voice_channel_id))

    # -- rounds ----------------------------------------------------------------------------------
    async def round_by_key(self, conn: aiosqlite.Connection, guild_id: int, key: str) -> Round | None:
        return await one(Reader(conn), "SELECT * FROM mock_rounds WHERE guild_id = ? AND round_key = ?",
                         (guild_id, key), _round)

    async def used_keys(self, conn: aiosqlite.Connection, guild_id: int, keys: list[str]) -> set[str]:
        """Which of ``keys`` already made a round (of any status): a key makes one round, ever."""
        if not keys:
            return set()
        marks = ", ".join("?" * len(keys))  # only placeholders go into the text; the keys are parameters
        cursor = await conn.execute(
            f"SELECT round_key FROM mock_rounds WHERE guild_id = ? AND round_key IN ({marks})",  # noqa: S608
            (guild_id, *keys))
        return {row[0] for row in await cursor.fetchall()}

    async def round(self, round_id: int) -> Round | None:
        return await one(self.db, "SELECT * FROM mock_rounds WHERE id = ?", (round_id,), _round)

    async def open_rounds(self, guild_id: int | None = None) -> list[Round]:
        """The open rounds of ``guild_id``; without one, of every server that has not removed the bot (what a
        start rebuilds and catches up: a removed server's rounds wait for it to add the bot back)."""
        if guild_id is None:
            sql = (f"SELECT * FROM mock_rounds WHERE status = 'open' "  # noqa: S608
                   f"AND {IN_PRESENT_GUILD} ORDER BY id")
            rows = await self.db.fetchall(sql)
        else:
            rows = await self.db.fetchall("SELECT * FROM mock_rounds WHERE status = 'open' AND guild_id = ? "
                                          "ORDER BY id", (guild_id,))
        return [_round(row) for row in rows]

    async def recent_rounds(self, conn: aiosqlite.Connection, guild_id: int, limit: int) -> list[int]:
        # A cancelled round still counts for the groups that met before it was cancelled: their interview
        # happened (streak credit, feedback, "met" in the stats), so its partners and roles are history too.
        cursor = await conn.execute(
            "SELECT id FROM mock_rounds r WHERE guild_id = ? AND (status <> 'cancelled' OR EXISTS "
            "(SELECT 1 FROM mock_groups g WHERE g.round_id = r.id AND g.outcome = 'met')) "
            "ORDER BY number DESC LIMIT ?", (guild_id, limit))
        return [row[0] for row in await cursor.fetchall()]

    async def next_number(self, conn: aiosqlite.Connection, guild_id: int) -> int:
        cursor = await conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM mock_rounds WHERE guild_id = ?",
                                    (guild_id,))
        row = await cursor.fetchone()
        return int(row[0]) if row else 1

    async def insert_round(self, conn: aiosqlite.Connection, *, guild_id: int, number: int, key: str,
                           channel_id: int, starts_at: datetime, reminder_at: datetime, ends_at: datetime, seed: int,
                           method: str, created_by: int | None) -> int:
        cursor = await conn.execute(
            "INSERT INTO mock_rounds (guild_id, number, round_key, channel_id, starts_at, reminder_at, ends_at, seed, "
            "method, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, number, key, channel_id, epoch(starts_at), epoch(reminder_at), epoch(ends_at), seed, method,
             created_by))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def insert_group(self, conn: aiosqlite.Connection, *, round_id: int, guild_id: int, position: int,
                           prompt_id: str, members: list[tuple[int, str]]) -> None:
        cursor = await conn.execute("INSERT INTO mock_groups (round_id, guild_id, position, prompt_id) "
                                    "VALUES (?, ?, ?, ?)", (round_id, guild_id, position, prompt_id))
        await conn.executemany(
            "INSERT INTO mock_group_members (group_id, round_id, guild_id, user_id, role) VALUES (?, ?, ?, ?, ?)",
            [(cursor.lastrowid, round_id, guild_id, user_id, role) for user_id, role in members])

    async def insert_left_out(self, conn: aiosqlite.Connection, *, round_id: int, guild_id: int,
                              user_ids: tuple[int, ...]) -> None:
        await conn.executemany("INSERT INTO mock_left_out (round_id, guild_id, user_id) VALUES (?, ?, ?)",
                               [(round_id, guild_id, user_id) for user_id in user_ids])

    async def owed_first_place(self, conn: aiosqlite.Connection, guild_id: int) -> set[int]:
        """Members a round could not place and no later round has placed yet.

        Each was told they come first in the next round they take part in, so the promise outlasts a round
        they sit out (paused, away, or busy): it holds until a round that is not cancelled puts them in a
        group."""
        cursor = await conn.execute(
            "SELECT DISTINCT lo.user_id FROM mock_left_out lo JOIN mock_rounds r ON r.id = lo.round_id "
            "WHERE lo.guild_id = ? AND NOT EXISTS (SELECT 1 FROM mock_group_members m JOIN mock_rounds later "
            "ON later.id = m.round_id WHERE m.guild_id = lo.guild_id AND m.user_id = lo.user_id "
            "AND later.number > r.number AND later.status <> 'cancelled')", (guild_id,))
        return {row[0] for row in await cursor.fetchall()}

    async def untold_left_out(self, round_id: int) -> list[int]:
        """Members the round could not place who have not been told so yet."""
        rows = await self.db.fetchall("SELECT user_id FROM mock_left_out WHERE round_id = ? AND told_at IS NULL "
                                      "ORDER BY user_id", (round_id,))
        return [row[0] for row in rows]

    async def mark_left_out_told(self, round_id: int, user_id: int, now: datetime) -> None:
        await self.db.execute("UPDATE mock_left_out SET told_at = ? WHERE round_id = ? AND user_id = ?",
                              (epoch(now), round_id, user_id))

    async def owe_first_place(self, conn: aiosqlite.Connection, round_id: int, guild_id: int,
                              user_ids: Iterable[int], now: datetime) -> None:
        """Members whose interview in ``round_id`` fell through (their partner left the server): recorded as left
        out, so the next round places them first, and as told, since their group's message says so."""
        await conn.executemany("INSERT INTO mock_left_out (round_id, guild_id, user_id, told_at) VALUES (?, ?, ?, ?) "
                               "ON CONFLICT (round_id, user_id) DO NOTHING",
                               [(round_id, guild_id, user_id, epoch(now)) for user_id in user_ids])

    # -- members who left during a round ---------------------------------------------------------
    async def record_departures(self, conn: aiosqlite.Connection, round_id: int, guild_id: int, group_id: int,
                                user_ids: Iterable[int], called_off: bool, now: datetime) -> None:
        await conn.executemany(
            "INSERT INTO mock_departures (group_id, round_id, guild_id, user_id, found_at, called_off) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, user_id) DO NOTHING",
            [(group_id, round_id, guild_id, user_id, epoch(now), int(called_off)) for user_id in user_ids])

    async def set_role(self, conn: aiosqlite.Connection, group_id: int, user_id: int, role: str) -> None:
        """A member of a trio that became a pair takes the part of the member who left."""
        await conn.execute("UPDATE mock_group_members SET role = ? WHERE group_id = ? AND user_id = ?",
                           (role, group_id, user_id))

    async def departed(self, round_id: int) -> dict[int, set[int]]:
        """group id -> the members of that group found gone from the server during ``round_id``."""
        rows = await self.db.fetchall("SELECT group_id, user_id FROM mock_departures WHERE round_id = ?", (round_id,))
        found: dict[int, set[int]] = {}
        for group_id, user_id in rows:
            found.setdefault(group_id, set()).add(user_id)
        return found

    async def guild_left(self, guild_id: int) -> bool:
        """Whether the server removed the bot (its data is kept a while, but nothing is done there meanwhile)."""
        return await self.db.fetchval("SELECT 1 FROM guild_settings WHERE guild_id = ? AND left_at IS NOT NULL",
                                      (guild_id,)) == 1

    async def departed_from(self, group_id: int) -> set[int]:
        """The members of one group found gone from the server (read by the primary key's prefix)."""
        rows = await self.db.fetchall("SELECT user_id FROM mock_departures WHERE group_id = ?", (group_id,))
        return {row[0] for row in rows}

    async def untold_departures(self, round_id: int) -> dict[int, tuple[list[int], bool]]:
        """group id -> (members found gone whose group has not heard yet, whether that called the interview off)."""
        rows = await self.db.fetchall("SELECT group_id, user_id, called_off FROM mock_departures WHERE round_id = ? "
                                      "AND told_at IS NULL ORDER BY group_id, user_id", (round_id,))
        found: dict[int, tuple[list[int], bool]] = {}
        for group_id, user_id, called_off in rows:
            gone, off = found.get(group_id, ([], False))
            found[group_id] = ([*gone, user_id], off or bool(called_off))
        return found

    async def mark_departures_told(self, group_id: int, now: datetime) -> None:
        await self.db.execute("UPDATE mock_departures SET told_at = ? WHERE group_id = ? AND told_at IS NULL",
                              (epoch(now), group_id))

    async def cancel_round(self, conn: aiosqlite.Connection, round_id: int, now: datetime) -> bool:
        """Cancel the open round, inside the caller's transaction; its groups are to be told
        (:meth:`mark_cancel_told`). False when it was no longer open."""
        cursor = await conn.execute("UPDATE mock_rounds SET status = 'cancelled', closed_at = ?, cancel_told = 0 "
                                    "WHERE id = ? AND status = 'open'", (epoch(now), round_id))
        return cursor.rowcount > 0

    async def untold_cancellations(self) -> list[Round]:
        """Rounds cancelled whose groups may not all have heard: a crash (or Discord failing for a moment) came
        between the two. Not in a server that removed the bot: its groups hear when it is added back."""
        rows = await self.db.fetchall(
            f"SELECT * FROM mock_rounds WHERE cancel_told = 0 AND {IN_PRESENT_GUILD} ORDER BY id")  # noqa: S608
        return [_round(row) for row in rows]

    async def mark_cancel_told(self, round_id: int) -> None:
        await self.db.execute("UPDATE mock_rounds SET cancel_told = 1 WHERE id = ?", (round_id,))

    async def set_round_status(self, round_id: int, status: str, now: datetime) -> bool:
        changed = await self.db.execute("UPDATE mock_rounds SET status = ?, closed_at = ? WHERE id = ? "
                                        "AND status = 'open'", (status, epoch(now), round_id))
        return changed > 0

    async def set_channel_notice(self, round_id: int, problem: str) -> None:
        await self.db.execute("UPDATE mock_rounds SET channel_notice = ?, channel_notice_told = 0 WHERE id = ?",
                              (problem, round_id))

    async def mark_channel_notice_told(self, round_id: int) -> None:
        await self.db.execute("UPDATE mock_rounds SET channel_notice_told = 1 WHERE id = ?", (round_id,))

    async def set_announcement(self, round_id: int, message_id: int) -> None:
        await self.db.execute("UPDATE mock_rounds SET announcement_id = ? WHERE id = ?", (message_id, round_id))

    # -- groups ----------------------------------------------------------------------------------
    async def groups(self, round_id: int) -> list[Group]:
        rows = await self.db.fetchall("SELECT * FROM mock_groups WHERE round_id = ? ORDER BY position", (round_id,))
        return [await self._group(row) for row in rows]

    async def group(self, group_id: int) -> Group | None:
        row = await self.db.fetchone("SELECT * FROM mock_groups WHERE id = ?", (group_id,))
        return await self._group(row) if row else None

    async def _group(self, row: aiosqlite.Row) -> Group:
        members = await self.db.fetchall("SELECT user_id, role, dm_message_id FROM mock_group_members "
                                         "WHERE group_id = ? "
                                         "ORDER BY CASE role WHEN 'interviewer' THEN 0 WHEN 'candidate' THEN 1 "
                                         "ELSE 2 END", (row["id"],))
        return Group(row["id"], row["round_id"], row["guild_id"], row["position"], row["prompt_id"], row["delivery"],
                     row["thread_id"], from_epoch(row["reminded_at"]), row["checkin_message_id"], row["outcome"],
                     tuple(GroupMember(m[0], m[1], m[2]) for m in members))

    async def set_delivered(self, group_id: int, delivery: Delivery) -> None:
        """The group is told, and where: with each member's copy of the brief when told by DM, so a later
        edit of the brief reads that copy by its id instead of searching the member's DMs."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE mock_groups SET delivery = ?, thread_id = ? WHERE id = ?",
                               (delivery.how, delivery.thread_id, group_id))
            await conn.executemany("UPDATE mock_group_members SET dm_message_id = ? WHERE group_id = ? AND user_id = ?",
                                   [(message_id, group_id, user_id) for user_id, message_id in delivery.dm_briefs.items()])

    async def mark(self, group_id: int, column: str, value: int) -> bool:
        """Set a once-only marker (``reminded_at`` or ``checkin_message_id``) if it is still empty."""
        assert column in ("reminded_at", "checkin_message_id")
        changed = await self.db.execute(f"UPDATE mock_groups SET {column} = ? WHERE id = ? "  # noqa: S608
                                        f"AND {column} IS NULL", (value, group_id))
        return changed > 0

    async def record_checkin(self, group_id: int, message_id: int) -> None:
        """The claimed check-in went out as ``message_id`` (0: by DM or nowhere)."""
        await self.db.execute("UPDATE mock_groups SET checkin_message_id = ? WHERE id = ? AND checkin_message_id = ?",
                              (message_id, group_id, CHECKIN_CLAIMED))

    async def member_rows(self, conn: aiosqlite.Connection, round_ids: list[int]) -> list[aiosqlite.Row]:
        if not round_ids:
            return []
        marks = ",".join("?" for _ in round_ids)
        cursor = await conn.execute(
            f"SELECT m.round_id, m.group_id, m.user_id, m.role, g.prompt_id FROM mock_group_members m "  # noqa: S608
            f"JOIN mock_groups g ON g.id = m.group_id JOIN mock_rounds r ON r.id = m.round_id "
            f"WHERE m.round_id IN ({marks}) AND (r.status <> 'cancelled' OR g.outcome = 'met')", round_ids)
        return list(await cursor.fetchall())

    async def mock_prompts_seen(self, conn: aiosqlite.Connection, guild_id: int) -> dict[int, dict[str, int]]:
        """The prompts each member had in earlier mocks here, each with the number of the latest round they had it
        in (the daily posts' are the daily feature's to say)."""
        cursor = await conn.execute(
            "SELECT m.user_id, g.prompt_id, MAX(r.number) FROM mock_group_members m "
            "JOIN mock_groups g ON g.id = m.group_id JOIN mock_rounds r ON r.id = m.round_id "
            "WHERE m.guild_id = ? GROUP BY m.user_id, g.prompt_id", (guild_id,))
        mocks: dict[int, dict[str, int]] = {}
        for user_id, prompt_id, number in await cursor.fetchall():
            mocks.setdefault(user_id, {})[prompt_id] = number
        return mocks

    async def role_counts(self, conn: aiosqlite.Connection, guild_id: int) -> dict[int, tuple[int, int, str | None]]:
        """user -> (times interviewer, times candidate, last role), counting the interviews that may have taken
        place: not those the round's or the meeting's cancellation called off (unless the group said it met
        anyway), nor those reported missed or not attended. Nobody practised a part there, so alternating on them
        would move an interviewer to the candidate's chair without one question asked. A round that ended with
        no time agreed still counts: groups often meet at a time they settle elsewhere and report nothing."""
        cursor = await conn.execute(
            "SELECT m.user_id, m.role FROM mock_group_members m JOIN mock_rounds r ON r.id = m.round_id "
            "JOIN mock_groups g ON g.id = m.group_id "
            "WHERE m.guild_id = ? AND (g.outcome = 'met' OR (r.status <> 'cancelled' "
            "AND COALESCE(g.outcome, '') NOT IN ('noshow', 'missed') AND NOT EXISTS (SELECT 1 FROM mock_meetings mt "
            "WHERE mt.group_id = g.id AND mt.status = 'cancelled'))) ORDER BY r.number", (guild_id,))
        counts: dict[int, tuple[int, int, str | None]] = {}
        for user_id, role in await cursor.fetchall():
            asked, answered, _ = counts.get(user_id, (0, 0, None))
            counts[user_id] = (asked + (role == "interviewer"), answered + (role == "candidate"), role)
        return counts

    # -- reports ---------------------------------------------------------------------------------
    async def history_group_ids(self, guild_id: int, user_id: int | None, limit: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT DISTINCT g.id, r.number, g.position FROM mock_groups g JOIN mock_rounds r ON r.id = g.round_id "
            "JOIN mock_group_members m ON m.group_id = g.id WHERE g.guild_id = ? AND (? IS NULL OR m.user_id = ?) "
            "ORDER BY r.number DESC, g.position LIMIT ?", (guild_id, user_id, user_id, limit))
        return [row[0] for row in rows]

    async def stats_row(self, guild_id: int) -> aiosqlite.Row | None:
        return await self.db.fetchone(
            "SELECT (SELECT COUNT(*) FROM mock_rounds WHERE guild_id = :g AND status <> 'cancelled'), "
            "(SELECT COUNT(*) FROM mock_groups g JOIN mock_rounds r ON r.id = g.round_id WHERE g.guild_id = :g "
            "AND (r.status <> 'cancelled' OR g.outcome = 'met')), "  # a group that met before a cancel still did
            "(SELECT COUNT(*) FROM mock_groups WHERE guild_id = :g AND outcome = 'met'), "
            "(SELECT COUNT(*) FROM mock_noshows n JOIN mock_groups g ON g.id = n.group_id WHERE g.guild_id = :g), "
            "(SELECT AVG(communication) FROM mock_feedback WHERE guild_id = :g), "
            "(SELECT AVG(depth) FROM mock_feedback WHERE guild_id = :g), "
            "(SELECT AVG(tradeoffs) FROM mock_feedback WHERE guild_id = :g), "
            "(SELECT COUNT(*) FROM mock_feedback WHERE guild_id = :g)", {"g": guild_id})
