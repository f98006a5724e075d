"""SQL for the daily feature; every statement is parameterised and every change is one transaction."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.content.models import Prompt
from bot.daily.answer_repository import AnswerRepository
from bot.daily.models import DailySchedule, PostRecord, PostStatus
from bot.storage import IN_PRESENT_GUILD, Database, Reader, epoch, from_epoch

# Read at every start; the partial index daily_posts_kindless keeps it to the few posts it is about.
KINDLESS_PROMPTS = "SELECT DISTINCT prompt_id FROM daily_posts WHERE prompt_kind IS NULL"


def _schedule(row: Any) -> DailySchedule:
    hour, minute = (int(part) for part in row["local_time"].split(":"))
    return DailySchedule(
        guild_id=row["guild_id"], channel_id=row["channel_id"], local_time=time(hour, minute),
        zone=ZoneInfo(row["timezone"]), role_id=row["role_id"], enabled=bool(row["enabled"]),
        kinds=frozenset(k for k in row["kinds"].split(",") if k), cycle=row["cycle"],
        cycle_seed=row["cycle_seed"], failure_notice=row["failure_notice"], updated_by=row["updated_by"],
        updated_at=datetime.fromtimestamp(row["updated_at"], UTC),
        starts_at=datetime.fromtimestamp(row["starts_at"], UTC) if row["starts_at"] is not None else None,
        failure_notice_told=bool(row["failure_notice_told"]),
    )


def _post(row: Any) -> PostRecord:
    return PostRecord(
        guild_id=row["guild_id"], local_date=date.fromisoformat(row["local_date"]), day_number=row["day_number"],
        cycle=row["cycle"], prompt_id=row["prompt_id"], status=PostStatus(row["status"]),
        channel_id=row["channel_id"], nonce=row["nonce"], message_id=row["message_id"], thread_id=row["thread_id"],
        claimed_at=datetime.fromtimestamp(row["claimed_at"], UTC), sent_at=from_epoch(row["sent_at"]),
        attempts=row["attempts"], failure=row["failure"],
        occurrence_at=datetime.fromtimestamp(row["occurrence_at"] or row["claimed_at"], UTC),
        prompt_kind=row["prompt_kind"],
    )


class DailyRepository(AnswerRepository):
    """Schedules, the server's own prompts and skips, and the ledger of posts (answers: :class:`AnswerRepository`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- schedules ------------------------------------------------------------------------
    async def schedule(self, guild_id: int, conn: aiosqlite.Connection | None = None) -> DailySchedule | None:
        return await self.db.reader(conn).run(self.schedule_in, guild_id)

    @staticmethod
    def schedule_in(conn: sqlite3.Connection, guild_id: int) -> DailySchedule | None:
        row = conn.execute("SELECT * FROM daily_schedule WHERE guild_id = ?", (guild_id,)).fetchone()
        return _schedule(row) if row else None

    async def schedules(self, *, enabled_only: bool = True) -> list[DailySchedule]:
        """The schedules to run (enabled, in a guild the bot has not left), or with ``enabled_only`` off all."""
        if enabled_only:
            sql = f"SELECT * FROM daily_schedule WHERE enabled = 1 AND {IN_PRESENT_GUILD} ORDER BY guild_id"  # noqa: S608
        else:
            sql = "SELECT * FROM daily_schedule ORDER BY guild_id"
        return [_schedule(row) for row in await self.db.fetchall(sql)]

    async def untold_notices(self) -> list[DailySchedule]:
        """The schedules whose notice for moderators was stored and not marked told (a stop came between).

        Paused ones too: the notice is about a post already missed, and a moderator who paused the feature
        meanwhile still needs to know why it was missed."""
        sql = (f"SELECT * FROM daily_schedule WHERE failure_notice IS NOT NULL AND failure_notice_told = 0 "  # noqa: S608
               f"AND {IN_PRESENT_GUILD} ORDER BY guild_id")
        return [_schedule(row) for row in await self.db.fetchall(sql)]

    async def delete_schedule(self, conn: aiosqlite.Connection, guild_id: int) -> None:
        await conn.execute("DELETE FROM daily_schedule WHERE guild_id = ?", (guild_id,))

    async def last_cycle(self, conn: aiosqlite.Connection, guild_id: int) -> int:
        """The latest rotation cycle a post or a skip of this server used (1 before any): the rotation's
        history outlives a removed schedule."""
        return int(await Reader(conn).fetchval(
            "SELECT MAX(cycle) FROM (SELECT cycle FROM daily_posts WHERE guild_id = ? "
            "UNION ALL SELECT cycle FROM daily_skips WHERE guild_id = ?)", (guild_id, guild_id), None) or 1)

    async def upsert_schedule(self, conn: aiosqlite.Connection, *, guild_id: int, channel_id: int,
                              local_time: str, timezone: str, role_id: int | None, actor_id: int,
                              cycle: int, seed: int, now: datetime, starts_at: datetime) -> None:
        """Create or change the schedule; ``starts_at`` is kept from its first setup (see ``starts_from``), and
        a changed schedule keeps its rotation (``cycle`` and ``seed`` are a new one's)."""
        await conn.execute(
            "INSERT INTO daily_schedule (guild_id, channel_id, local_time, timezone, role_id, enabled, cycle, "
            "cycle_seed, updated_by, updated_at, starts_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
            "local_time = excluded.local_time, timezone = excluded.timezone, role_id = excluded.role_id, "
            "enabled = 1, failure_notice = NULL, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (guild_id, channel_id, local_time, timezone, role_id, cycle, seed, actor_id, epoch(now),
             epoch(starts_at)),
        )
        await conn.execute(
            "INSERT INTO guild_settings (guild_id, timezone, joined_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone",
            (guild_id, timezone, epoch(now)),
        )

    async def update_schedule(self, conn: aiosqlite.Connection, guild_id: int, actor_id: int, now: datetime,
                              **values: Any) -> None:
        await Reader(conn).run(lambda sync: self.update_schedule_in(sync, guild_id, actor_id, now, **values))

    @staticmethod
    def update_schedule_in(conn: sqlite3.Connection, guild_id: int, actor_id: int, now: datetime,
                           **values: Any) -> None:
        allowed = {"enabled", "kinds", "cycle", "cycle_seed", "failure_notice"}
        assert set(values) <= allowed, f"unknown schedule columns {set(values) - allowed}"
        assignments = ", ".join(f"{column} = ?" for column in values)
        conn.execute(
            f"UPDATE daily_schedule SET {assignments}, updated_by = ?, updated_at = ? "  # noqa: S608 - fixed names
            "WHERE guild_id = ?",
            (*values.values(), actor_id, epoch(now), guild_id),
        )

    async def set_failure_notice(self, guild_id: int, notice: str | None) -> None:
        """Store the problem the moderators are about to be told (untold until :meth:`mark_notice_told`)."""
        await self.db.execute("UPDATE daily_schedule SET failure_notice = ?, failure_notice_told = 0 WHERE guild_id = ?",
                              (notice, guild_id))

    async def mark_notice_told(self, guild_id: int, notice: str) -> None:
        await self.db.execute("UPDATE daily_schedule SET failure_notice_told = 1 WHERE guild_id = ? AND failure_notice = ?",
                              (guild_id, notice))

    # -- the server's own prompts and skips --------------------------------------------------
    async def custom_prompts(self, guild_id: int, conn: aiosqlite.Connection | None = None, *,
                             decks_off_too: bool = False) -> list[Prompt]:
        """The server's own prompts (written, suggested or imported) in the decks it has on, or with
        ``decks_off_too`` in every deck: a day already posted keeps its prompt when its deck is switched off."""
        return await self.db.reader(conn).run(self.custom_prompts_in, guild_id, decks_off_too)

    async def content_version(self, guild_id: int) -> int | None:
        """The server's content version (migration 0018): it changes with every write to its items or decks."""
        value = await self.db.fetchval("SELECT version FROM content_versions WHERE guild_id = ?", (guild_id,))
        return int(value) if value is not None else None

    async def pool_sources(self, guild_id: int) -> tuple[list[Prompt], frozenset[str]]:
        """(The server's own prompts in decks that are on, every deck it switched off), in one trip: what
        :func:`~bot.daily.publishing.eligible_prompts` needs besides the shipped library."""
        sources: tuple[list[Prompt], frozenset[str]] = await self.db.read(self.pool_sources_in, guild_id)
        return sources

    @classmethod
    def pool_sources_in(cls, conn: sqlite3.Connection, guild_id: int) -> tuple[list[Prompt], frozenset[str]]:
        rows = conn.execute("SELECT deck FROM deck_switches WHERE guild_id = ? AND enabled = 0", (guild_id,))
        return cls.custom_prompts_in(conn, guild_id), frozenset(row[0] for row in rows)

    @staticmethod
    def custom_prompts_in(conn: sqlite3.Connection, guild_id: int, decks_off_too: bool = False) -> list[Prompt]:
        rows = conn.execute(
            "SELECT data FROM server_items WHERE guild_id = ? AND kind = 'prompt' AND (? OR deck NOT IN "
            "(SELECT deck FROM deck_switches WHERE guild_id = ? AND enabled = 0)) ORDER BY created_at, item_id",
            (guild_id, int(decks_off_too), guild_id))
        return [Prompt.model_validate(json.loads(row[0])) for row in rows]

    async def next_custom_number(self, conn: aiosqlite.Connection, guild_id: int) -> int:
        """The number of the server's next own prompt (``custom-<guild>-<n>``): one past any used before,
        kept or removed, so a new prompt never takes the id (and the history) of a removed one."""
        prefix = f"custom-{guild_id}-"
        ids = ("SELECT item_id AS id FROM server_items WHERE guild_id = :guild UNION ALL "
               "SELECT prompt_id FROM daily_posts WHERE guild_id = :guild UNION ALL "  # posted, maybe removed since
               "SELECT CASE WHEN json_valid(new_value) THEN json_extract(new_value, '$.id') END FROM audit_log "
               "WHERE guild_id = :guild "  # added, maybe removed since
               "AND action = 'daily.add-prompt'")
        used = await Reader(conn).fetchval(
            f"SELECT MAX(CAST(substr(id, :start) AS INTEGER)) FROM ({ids}) "  # noqa: S608 - fixed text
            "WHERE substr(id, 1, :length) = :prefix",
            {"guild": guild_id, "start": len(prefix) + 1, "length": len(prefix), "prefix": prefix}, None)
        return int(used or 0) + 1

    async def count_custom(self, conn: aiosqlite.Connection, guild_id: int) -> int:
        return int(await Reader(conn).fetchval(
            "SELECT COUNT(*) FROM server_items WHERE guild_id = ? AND kind = 'prompt'", (guild_id,), 0))

    async def add_custom(self, conn: aiosqlite.Connection, guild_id: int, prompt: Prompt, actor_id: int,
                         now: datetime) -> None:
        await conn.execute(
            "INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, author_id, approved_by, "
            "created_at, updated_at) VALUES (?, ?, 'prompt', 'server', ?, 'added', ?, ?, ?, ?)",
            (guild_id, prompt.id, prompt.model_dump_json(), actor_id, actor_id, epoch(now), epoch(now)),
        )

    async def used_in_cycle(self, conn: aiosqlite.Connection | None, guild_id: int, cycle: int) -> set[str]:
        """The prompts used or skipped in ``cycle``; without ``conn`` a plain read outside any write transaction."""
        return await self.db.reader(conn).run(self.used_in_cycle_in, guild_id, cycle)

    @staticmethod
    def used_in_cycle_in(conn: sqlite3.Connection, guild_id: int, cycle: int) -> set[str]:
        return {row[0] for row in conn.execute(
            "SELECT prompt_id FROM daily_posts WHERE guild_id = ? AND cycle = ? AND status != 'failed' "
            "UNION SELECT prompt_id FROM daily_skips WHERE guild_id = ? AND cycle = ?",
            (guild_id, cycle, guild_id, cycle))}

    async def add_skip(self, conn: aiosqlite.Connection, guild_id: int, cycle: int, prompt_id: str,
                       actor_id: int, now: datetime) -> None:
        await conn.execute(
            "INSERT OR IGNORE INTO daily_skips (guild_id, cycle, prompt_id, skipped_by, skipped_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (guild_id, cycle, prompt_id, actor_id, epoch(now)),
        )

    # -- the ledger -----------------------------------------------------------------------
    async def post(self, guild_id: int, day: date, conn: aiosqlite.Connection | None = None) -> PostRecord | None:
        return await self.db.reader(conn).run(self.post_in, guild_id, day)

    @staticmethod
    def post_in(conn: sqlite3.Connection, guild_id: int, day: date) -> PostRecord | None:
        row = conn.execute("SELECT * FROM daily_posts WHERE guild_id = ? AND local_date = ?",
                           (guild_id, day.isoformat())).fetchone()
        return _post(row) if row else None

    async def post_between(self, conn: aiosqlite.Connection, guild_id: int, start: datetime,
                           end: datetime) -> PostRecord | None:
        """The post that served an occurrence in [start, end): one local day of the current schedule."""
        return await Reader(conn).run(self.post_between_in, guild_id, start, end)

    @staticmethod
    def post_between_in(conn: sqlite3.Connection, guild_id: int, start: datetime, end: datetime) -> PostRecord | None:
        row = conn.execute(
            "SELECT * FROM daily_posts WHERE guild_id = ? AND occurrence_at >= ? AND occurrence_at < ? "
            "ORDER BY status = 'sent' DESC, occurrence_at DESC LIMIT 1",
            (guild_id, epoch(start), epoch(end))).fetchone()
        return _post(row) if row else None

    @staticmethod
    def labels_in(conn: sqlite3.Connection, guild_id: int, up_to: date) -> set[date]:
        return {date.fromisoformat(row[0]) for row in conn.execute(
            "SELECT local_date FROM daily_posts WHERE guild_id = ? AND local_date <= ?", (guild_id, up_to.isoformat()))}

    async def unfinished_before(self, guild_id: int, before: datetime) -> list[PostRecord]:
        """Rows an interrupted attempt left claimed for an occurrence before ``before``."""
        rows = await self.db.fetchall(
            "SELECT * FROM daily_posts WHERE guild_id = ? AND status = 'claimed' AND occurrence_at < ? "
            "ORDER BY occurrence_at", (guild_id, epoch(before)))
        return [_post(row) for row in rows]

    @staticmethod
    def post_count_in(conn: sqlite3.Connection, guild_id: int) -> int:
        """Days posted or being posted (a day that failed for good does not take a number)."""
        return int(conn.execute("SELECT COUNT(*) FROM daily_posts WHERE guild_id = ? AND status != 'failed'",
                                (guild_id,)).fetchone()[0])

    @staticmethod
    def insert_claim_in(conn: sqlite3.Connection, *, guild_id: int, day: date, day_number: int, cycle: int,
                        prompt_id: str, prompt_kind: str, channel_id: int, nonce: str, now: datetime,
                        occurrence_at: datetime, prompt_data: str | None = None) -> None:
        """Claim a day; ``prompt_data`` keeps the prompt as posted (see :meth:`posted_prompt`)."""
        conn.execute(
            "INSERT INTO daily_posts (guild_id, local_date, day_number, cycle, prompt_id, prompt_kind, prompt_data, "
            "status, channel_id, nonce, claimed_at, occurrence_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'claimed', ?, ?, ?, ?)",
            (guild_id, day.isoformat(), day_number, cycle, prompt_id, prompt_kind, prompt_data, channel_id, nonce,
             epoch(now), epoch(occurrence_at)),
        )

    @staticmethod
    def repick_in(conn: sqlite3.Connection, guild_id: int, day: date, cycle: int, prompt: Prompt) -> None:
        """Give a day whose post never reached Discord the prompt the rotation holds for it now."""
        conn.execute("UPDATE daily_posts SET cycle = ?, prompt_id = ?, prompt_kind = ?, prompt_data = ? "
                     "WHERE guild_id = ? AND local_date = ? AND status != 'sent'",
                     (cycle, prompt.id, prompt.kind.value, prompt.model_dump_json(), guild_id, day.isoformat()))

    @staticmethod
    def reclaim_in(conn: sqlite3.Connection, guild_id: int, day: date, channel_id: int) -> None:
        """Take over an unfinished day; ``claimed_at`` keeps the first attempt's time for the history search."""
        conn.execute(
            "UPDATE daily_posts SET status = 'claimed', attempts = attempts + 1, channel_id = ? "
            "WHERE guild_id = ? AND local_date = ? AND status != 'sent'",
            (channel_id, guild_id, day.isoformat()),
        )

    async def mark_sent(self, guild_id: int, day: date, message_id: int, thread_id: int | None,
                        now: datetime) -> PostRecord | None:
        """Record the post as sent and return its row, in one transaction and one trip."""
        return await self.db.run_transaction(self.mark_sent_in, guild_id, day, message_id, thread_id, now)

    @classmethod
    def mark_sent_in(cls, conn: sqlite3.Connection, guild_id: int, day: date, message_id: int,
                     thread_id: int | None, now: datetime) -> PostRecord | None:
        conn.execute(
            "UPDATE daily_posts SET status = 'sent', message_id = ?, thread_id = ?, sent_at = ?, failure = NULL "
            "WHERE guild_id = ? AND local_date = ?",
            (message_id, thread_id, epoch(now), guild_id, day.isoformat()),
        )
        return cls.post_in(conn, guild_id, day)

    async def mark_failed(self, guild_id: int, day: date, reason: str) -> None:
        await self.db.execute(
            "UPDATE daily_posts SET status = 'failed', failure = ? WHERE guild_id = ? AND local_date = ? "
            "AND status != 'sent'",
            (reason, guild_id, day.isoformat()),
        )

    async def posted_prompt(self, guild_id: int, day: date) -> Prompt | None:
        """The prompt as it was when the day was posted (None for a post made before it was kept): what the
        post's buttons show once the prompt left the server's content or the packs."""
        data = await self.db.fetchval("SELECT prompt_data FROM daily_posts WHERE guild_id = ? AND local_date = ?",
                                      (guild_id, day.isoformat()))
        return Prompt.model_validate(json.loads(data)) if data is not None else None

    async def set_thread(self, guild_id: int, day: date, thread_id: int) -> None:
        await self.db.execute(
            "UPDATE daily_posts SET thread_id = ? WHERE guild_id = ? AND local_date = ?",
            (thread_id, guild_id, day.isoformat()),
        )

    async def latest_post(self, guild_id: int, *, status: PostStatus | None = None) -> PostRecord | None:
        if status is None:
            row = await self.db.fetchone(
                "SELECT * FROM daily_posts WHERE guild_id = ? ORDER BY occurrence_at DESC LIMIT 1", (guild_id,))
        else:
            row = await self.db.fetchone(
                "SELECT * FROM daily_posts WHERE guild_id = ? AND status = ? ORDER BY occurrence_at DESC LIMIT 1",
                (guild_id, str(status)))
        return _post(row) if row else None

    async def prompts_without_kind(self) -> set[str]:
        """The prompts of posts made before their kind was kept with them (migration 0031 could not read the
        shipped packs), over every server."""
        rows = await self.db.fetchall(KINDLESS_PROMPTS)
        return {row[0] for row in rows}

    async def set_post_kinds(self, kinds: dict[str, str]) -> None:
        """Keep each prompt's kind with the posts of it that have none yet, in one transaction."""
        async with self.db.transaction() as conn:
            await conn.executemany(
                "UPDATE daily_posts SET prompt_kind = ? WHERE prompt_id = ? AND prompt_kind IS NULL",
                [(kind, prompt_id) for prompt_id, kind in kinds.items()])

    async def posted_prompts(self, guild_id: int, conn: aiosqlite.Connection | None = None) -> set[str]:
        """Every prompt a day here was given (posted or being posted): mock interviews prefer others."""
        rows = await self.db.reader(conn).fetchall("SELECT prompt_id FROM daily_posts WHERE guild_id = ?",
                                                   (guild_id,))
        return {row[0] for row in rows}

    async def posts(self, guild_id: int) -> list[PostRecord]:
        rows = await self.db.fetchall("SELECT * FROM daily_posts WHERE guild_id = ? ORDER BY local_date", (guild_id,))
        return [_post(row) for row in rows]
