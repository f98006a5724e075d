"""SQL for suggestions and the review settings; the rules that decide what may be written are in the service."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime

import aiosqlite

from bot.community.models import ServerItem, Status, Suggestion
from bot.content.models import Flashcard, Prompt
from bot.storage import IN_PRESENT_GUILD, Database, Reader, epoch, from_epoch


def _suggestion(row: aiosqlite.Row) -> Suggestion:
    model = Prompt if row["kind"] == "prompt" else Flashcard
    return Suggestion(
        id=row["id"], guild_id=row["guild_id"], author_id=row["author_id"], kind=row["kind"], deck=row["deck"],
        item=model.model_validate(json.loads(row["data"])), status=Status(row["status"]),
        reviewer_id=row["reviewer_id"], reason=row["reason"], item_id=row["item_id"],
        queue_channel_id=row["queue_channel_id"], queue_message_id=row["queue_message_id"],
        created_at=datetime.fromtimestamp(row["created_at"], UTC), decided_at=from_epoch(row["decided_at"]),
        queue_claimed_at=from_epoch(row["queue_claimed_at"]))


def _item(row: aiosqlite.Row) -> ServerItem:
    model = Prompt if row["kind"] == "prompt" else Flashcard
    return ServerItem(row["guild_id"], model.model_validate(json.loads(row["data"])), row["kind"], row["deck"],
                      row["origin"], row["author_id"])


class SuggestionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    async def pending_by(conn: aiosqlite.Connection, guild_id: int, author_id: int, deck: str) -> int:
        """The member's suggestions to ``deck`` still waiting (the cards a moderator's document upload drafted
        are queued under its own deck, and do not use up that moderator's suggestions)."""
        return int(await Reader(conn).fetchval("SELECT COUNT(*) FROM suggestions WHERE guild_id = ? AND author_id = ? "
                                               "AND deck = ? AND status = 'pending'", (guild_id, author_id, deck), 0))

    @staticmethod
    async def server_items(conn: aiosqlite.Connection, guild_id: int) -> int:
        return int(await Reader(conn).fetchval("SELECT COUNT(*) FROM server_items WHERE guild_id = ?",
                                               (guild_id,), 0))

    @staticmethod
    async def insert(conn: aiosqlite.Connection, guild_id: int, author_id: int, item: Prompt | Flashcard,
                     deck: str, now: datetime) -> int:
        kind = "prompt" if isinstance(item, Prompt) else "card"
        cursor = await conn.execute(
            "INSERT INTO suggestions (guild_id, author_id, kind, deck, data, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, author_id, kind, deck, item.model_dump_json(), epoch(now)))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    @staticmethod
    async def deck_in_use(conn: aiosqlite.Connection, guild_id: int, deck: str) -> bool:
        """Whether the server owns items in ``deck`` or has suggestions for it waiting."""
        taken = await Reader(conn).fetchval(
            "SELECT (SELECT COUNT(*) FROM server_items WHERE guild_id = ? AND deck = ?) + "
            "(SELECT COUNT(*) FROM suggestions WHERE guild_id = ? AND deck = ? AND status = 'pending')",
            (guild_id, deck, guild_id, deck), 0)
        return bool(int(taken))

    async def by_author(self, guild_id: int, author_id: int, limit: int) -> list[Suggestion]:
        rows = await self.db.fetchall("SELECT * FROM suggestions WHERE guild_id = ? AND author_id = ? "
                                      "ORDER BY id DESC LIMIT ?", (guild_id, author_id, limit))
        return [_suggestion(row) for row in rows]

    async def get(self, guild_id: int, suggestion_id: int, conn: aiosqlite.Connection | None = None) -> Suggestion | None:
        row = await self.db.reader(conn).fetchone("SELECT * FROM suggestions WHERE id = ? AND guild_id = ?",
                                                  (suggestion_id, guild_id))
        return None if row is None else _suggestion(row)

    async def pending(self, guild_id: int, offset: int, limit: int) -> tuple[list[Suggestion], int]:
        rows = await self.db.fetchall("SELECT * FROM suggestions WHERE guild_id = ? AND status = 'pending' "
                                      "ORDER BY id LIMIT ? OFFSET ?", (guild_id, limit, offset))
        total = await self.db.fetchval("SELECT COUNT(*) FROM suggestions WHERE guild_id = ? AND status = 'pending'",
                                       (guild_id,), default=0)
        return [_suggestion(row) for row in rows], int(total)

    @staticmethod
    async def decide(conn: aiosqlite.Connection, current: Suggestion, status: Status, moderator_id: int,
                     now: datetime, *, item_id: str | None, reason: str | None, data: str | None) -> bool:
        """Record the decision if the suggestion is still pending; False when someone decided first."""
        cursor = await conn.execute(
            "UPDATE suggestions SET status = ?, reviewer_id = ?, decided_at = ?, item_id = ?, reason = ?, "
            "data = COALESCE(?, data) WHERE id = ? AND guild_id = ? AND status = 'pending'",
            (str(status), moderator_id, epoch(now), item_id, reason, data, current.id, current.guild_id))
        return cursor.rowcount == 1

    @staticmethod
    async def revise_pending(conn: aiosqlite.Connection, current: Suggestion, data: str) -> bool:
        """Replace a waiting suggestion's content; False when someone decided it first."""
        cursor = await conn.execute("UPDATE suggestions SET data = ? WHERE id = ? AND guild_id = ? "
                                    "AND status = 'pending'", (data, current.id, current.guild_id))
        return cursor.rowcount == 1

    @staticmethod
    async def decided_by(conn: aiosqlite.Connection, suggestion_id: int) -> tuple[str, int | None] | None:
        """(status, reviewer) of a suggestion, read inside the deciding transaction."""
        row = await (await conn.execute("SELECT status, reviewer_id FROM suggestions WHERE id = ?",
                                        (suggestion_id,))).fetchone()
        return None if row is None else (row["status"], row["reviewer_id"])

    async def untold(self, limit: int, owns: Callable[[int], bool]) -> list[tuple[Suggestion, bool]]:
        """The first ``limit`` decided suggestions of the servers ``owns`` whose author was not told, each with
        whether it was approved with edits (the audit entry of the decision says so: the notice says it too).

        Filtered before the limit, so other processes' unfinished work never crowds out this one's."""
        mine = [row for row in await self._untold(None) if owns(row["guild_id"])][:limit]
        return [(_suggestion(row), bool(row["edited"])) for row in mine]

    async def untold_among(self, suggestion_ids: Collection[int]) -> list[tuple[Suggestion, bool]]:
        """:meth:`untold`, of ``suggestion_ids`` only (those whose DM Discord failed to take for now)."""
        rows = await self._untold(json.dumps(sorted(suggestion_ids)))
        return [(_suggestion(row), bool(row["edited"])) for row in rows]

    async def _untold(self, ids: str | None) -> list[aiosqlite.Row]:
        """Decided rows whose author was not told, oldest decision first: all of them, or those whose id is in the JSON list ``ids``.

        A server that removed the bot is left out while its data is kept: a DM Discord refuses for want of a shared
        server would count as told, and the author would never hear of it once the server adds the bot back."""
        return await self.db.fetchall(
            "SELECT s.*, EXISTS (SELECT 1 FROM audit_log a WHERE a.guild_id = s.guild_id "  # noqa: S608
            "AND a.action = 'review.edit-approve' AND json_extract(a.new_value, '$.suggestion') = s.id) AS edited "
            f"FROM suggestions s WHERE s.status != 'pending' AND s.author_told_at IS NULL AND {IN_PRESENT_GUILD} "
            "AND (? IS NULL OR s.id IN (SELECT value FROM json_each(?))) ORDER BY s.decided_at, s.id", (ids, ids))

    async def mark_told(self, suggestion_id: int, now: datetime) -> None:
        await self.db.execute("UPDATE suggestions SET author_told_at = ? WHERE id = ? AND author_told_at IS NULL",
                              (epoch(now), suggestion_id))

    async def claim_queue_post(self, suggestion_id: int, channel_id: int, now: datetime) -> bool:
        """Note that the queue message is about to be sent in ``channel_id``; False when it was posted or
        claimed already (a second attempt must not post it again)."""
        return await self.db.execute(
            "UPDATE suggestions SET queue_channel_id = ?, queue_claimed_at = ? WHERE id = ? "
            "AND queue_message_id IS NULL AND queue_claimed_at IS NULL", (channel_id, epoch(now), suggestion_id)) == 1

    async def set_queue_message(self, suggestion_id: int, channel_id: int, message_id: int) -> None:
        """Record the queue message, which ends its claim."""
        await self.db.execute("UPDATE suggestions SET queue_channel_id = ?, queue_message_id = ?, "
                              "queue_claimed_at = NULL WHERE id = ?", (channel_id, message_id, suggestion_id))

    async def drop_queue_claim(self, suggestion_id: int) -> None:
        """Forget a claim whose message was refused for good (or is not needed): nothing was posted."""
        await self.db.execute("UPDATE suggestions SET queue_channel_id = NULL, queue_claimed_at = NULL "
                              "WHERE id = ? AND queue_message_id IS NULL", (suggestion_id,))

    async def queue_claims(self, limit: int, owns: Callable[[int], bool]) -> list[Suggestion]:
        """The first ``limit`` suggestions of the servers ``owns`` whose queue message was claimed but never
        recorded, oldest claim first (filtered before the limit, as :meth:`untold`), as :meth:`claimed_among`."""
        rows = await self.db.fetchall("SELECT * FROM suggestions WHERE queue_claimed_at IS NOT NULL "  # noqa: S608
                                      f"AND queue_message_id IS NULL AND {IN_PRESENT_GUILD} ORDER BY queue_claimed_at, id")
        return [_suggestion(row) for row in rows if owns(row["guild_id"])][:limit]

    async def claimed_among(self, suggestion_ids: Collection[int]) -> list[Suggestion]:
        """Which of ``suggestion_ids`` still have a queue message claimed but never recorded, oldest claim first;
        not those of a server that removed the bot (its channel is out of sight, and the claim would be dropped)."""
        rows = await self.db.fetchall("SELECT * FROM suggestions WHERE queue_claimed_at IS NOT NULL AND "  # noqa: S608
                                      f"queue_message_id IS NULL AND {IN_PRESENT_GUILD} AND id IN "
                                      "(SELECT value FROM json_each(?)) ORDER BY queue_claimed_at, id",
                                      (json.dumps(sorted(suggestion_ids)),))
        return [_suggestion(row) for row in rows]

    async def review_channel(self, guild_id: int) -> int | None:
        value = await self.db.fetchval("SELECT review_channel_id FROM content_settings WHERE guild_id = ?",
                                       (guild_id,))
        return int(value) if value is not None else None

    @staticmethod
    async def set_review_channel(conn: aiosqlite.Connection, guild_id: int, actor_id: int, channel_id: int | None,
                                 now: datetime) -> None:
        await conn.execute(
            "INSERT INTO content_settings (guild_id, review_channel_id, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET review_channel_id = "
            "excluded.review_channel_id, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (guild_id, channel_id, actor_id, epoch(now)))


class ServerItemRepository:
    """A server's own prompts and cards, and which decks it switched off."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def items(self, guild_id: int, kind: str | None) -> list[ServerItem]:
        rows = await self.db.fetchall("SELECT * FROM server_items WHERE guild_id = ? AND kind = COALESCE(?, kind) "
                                      "ORDER BY created_at, item_id", (guild_id, kind))
        return [_item(row) for row in rows]

    async def item(self, guild_id: int, item_id: str, conn: aiosqlite.Connection | None = None) -> ServerItem | None:
        row = await self.db.reader(conn).fetchone("SELECT * FROM server_items WHERE guild_id = ? AND item_id = ?",
                                                  (guild_id, item_id))
        return _item(row) if row else None

    @staticmethod
    async def update_in(conn: aiosqlite.Connection, guild_id: int, item: Prompt | Flashcard, now: datetime) -> bool:
        """Store an edited item under its own id inside the caller's transaction; False when it is gone."""
        cursor = await conn.execute("UPDATE server_items SET data = ?, updated_at = ? WHERE guild_id = ? AND item_id = ?",
                                    (item.model_dump_json(), epoch(now), guild_id, item.id))
        return cursor.rowcount > 0

    @staticmethod
    async def delete_in(conn: aiosqlite.Connection, guild_id: int, item_id: str) -> bool:
        """Remove one of the server's items inside the caller's transaction; False when it had none."""
        cursor = await conn.execute("DELETE FROM server_items WHERE guild_id = ? AND item_id = ?", (guild_id, item_id))
        return cursor.rowcount > 0

    async def removed(self, guild_id: int, item_ids: Collection[str]) -> dict[str, str]:
        """Which of ``item_ids`` a moderator removed from the server's content (``/content remove``), with the
        title each had then. The removal deletes the item's row; its audit entry is the record that stays."""
        if not item_ids:
            return {}
        rows = await self.db.fetchall(
            "SELECT json_extract(old_value, '$.item') AS item, json_extract(old_value, '$.title') AS title "
            "FROM audit_log WHERE guild_id = ? AND action = 'content.remove' AND json_valid(old_value) "
            "ORDER BY created_at, id", (guild_id,))
        wanted = set(item_ids)
        return {row["item"]: str(row["title"] or row["item"]) for row in rows if row["item"] in wanted}

    @staticmethod
    def switched_off_in(conn: sqlite3.Connection, guild_id: int) -> set[str]:
        """The decks the server switched off, read on the connection's own thread (one trip with others)."""
        rows = conn.execute("SELECT deck FROM deck_switches WHERE guild_id = ? AND enabled = 0", (guild_id,))
        return {row[0] for row in rows}

    @staticmethod
    def content_version_in(conn: sqlite3.Connection, guild_id: int) -> int | None:
        """The server's content version: it changes with every write to its items or deck switches."""
        row = conn.execute("SELECT version FROM content_versions WHERE guild_id = ?", (guild_id,)).fetchone()
        return int(row[0]) if row is not None else None

    @staticmethod
    def items_in(conn: sqlite3.Connection, guild_id: int) -> list[ServerItem]:
        """Every item of the server, oldest first, read on the connection's own thread."""
        rows = conn.execute("SELECT * FROM server_items WHERE guild_id = ? ORDER BY created_at, item_id",
                            (guild_id,))
        return [_item(row) for row in rows]

    @staticmethod
    def credited_author_in(conn: sqlite3.Connection, item_id: str) -> int | None:
        """:meth:`credited_author` on the connection's own thread (inside a one-trip transaction)."""
        row = conn.execute("SELECT author_id FROM server_items WHERE item_id = ? AND origin = 'suggested'",
                           (item_id,)).fetchone()
        return int(row[0]) if row is not None and row[0] is not None else None

    async def switched_off(self, guild_id: int) -> set[str]:
        rows = await self.db.fetchall("SELECT deck FROM deck_switches WHERE guild_id = ? AND enabled = 0",
                                      (guild_id,))
        return {row[0] for row in rows}

    async def server_card(self, card_id: str) -> Flashcard | None:
        """Any server's card by id."""
        row = await self.db.fetchone("SELECT data FROM server_items WHERE item_id = ? AND kind = 'card'", (card_id,))
        return Flashcard.model_validate(json.loads(row[0])) if row else None

    async def credited_author(self, item_id: str) -> int | None:
        value = await self.db.fetchval("SELECT author_id FROM server_items WHERE item_id = ? AND origin = 'suggested'",
                                       (item_id,))
        return int(value) if value is not None else None

    @staticmethod
    async def switch_in(conn: aiosqlite.Connection, guild_id: int, states: Mapping[str, bool], actor_id: int,
                        now: datetime) -> None:
        """Switch each deck in ``states`` on or off inside the caller's transaction (with its audit entry)."""
        await conn.executemany(
            "INSERT INTO deck_switches (guild_id, deck, enabled, updated_by, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, deck) DO UPDATE SET enabled = excluded.enabled, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            [(guild_id, key, int(enabled), actor_id, epoch(now)) for key, enabled in states.items()])

    @staticmethod
    async def forget_switch_in(conn: aiosqlite.Connection, guild_id: int, deck: str) -> None:
        """Drop the server's switch of ``deck`` inside the caller's transaction."""
        await conn.execute("DELETE FROM deck_switches WHERE guild_id = ? AND deck = ?", (guild_id, deck))

    @staticmethod
    async def insert(conn: aiosqlite.Connection, guild_id: int, item: Prompt | Flashcard, *, deck: str,
                     origin: str, author_id: int | None, approved_by: int, now: datetime) -> None:
        kind = "prompt" if isinstance(item, Prompt) else "card"
        await conn.execute(
            "INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, author_id, approved_by, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, item.id, kind, deck, item.model_dump_json(), origin, author_id, approved_by, epoch(now),
             epoch(now)))
