"""Suggestions and their review: SQL and the rules, with no Discord in sight.

A suggestion is validated before it is stored, so the queue only ever holds items a pack
could ship. Deciding one is a single conditional UPDATE (``… WHERE status = 'pending'``)
in the transaction that creates the server item: of two moderators clicking at once,
exactly one wins and the other is told who decided first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import aiosqlite

from bot.audit import AuditLog
from bot.clock import Clock
from bot.community.forms import build_item, form_fields
from bot.community.library import SERVER_DECK, Deck, ServerContent
from bot.content.items import ItemKind, alike_problems
from bot.content.models import Flashcard, Prompt
from bot.errors import Conflict, InvalidInput, NotFound, bounded_text
from bot.storage import Database, Reader, epoch, from_epoch

PENDING_PER_AUTHOR = 10     # one member cannot bury the queue
SERVER_ITEM_LIMIT = 2000    # prompts and cards a server can own, all decks together
REASON_LIMIT = 500


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Suggestion:
    id: int
    guild_id: int
    author_id: int
    kind: ItemKind
    deck: str
    item: Prompt | Flashcard
    status: Status
    reviewer_id: int | None
    reason: str | None
    item_id: str | None
    queue_channel_id: int | None
    queue_message_id: int | None
    created_at: datetime
    decided_at: datetime | None

    @property
    def summary(self) -> str:
        return self.item.title if isinstance(self.item, Prompt) else self.item.front


@dataclass(frozen=True)
class Decision:
    suggestion: Suggestion
    item_id: str | None     # the server item an approval created


def _suggestion(row: aiosqlite.Row) -> Suggestion:
    model = Prompt if row["kind"] == "prompt" else Flashcard
    return Suggestion(
        id=row["id"], guild_id=row["guild_id"], author_id=row["author_id"], kind=row["kind"], deck=row["deck"],
        item=model.model_validate(json.loads(row["data"])), status=Status(row["status"]),
        reviewer_id=row["reviewer_id"], reason=row["reason"], item_id=row["item_id"],
        queue_channel_id=row["queue_channel_id"], queue_message_id=row["queue_message_id"],
        created_at=datetime.fromtimestamp(row["created_at"], UTC), decided_at=from_epoch(row["decided_at"]))


def item_id_for(suggestion: Suggestion) -> str:
    """Unique across servers (memory of a card is keyed on its id alone) and stable."""
    return f"g{suggestion.guild_id}-{suggestion.kind[0]}{suggestion.id}"


class SuggestionService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, content: ServerContent) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.content = content

    async def decks(self, guild_id: int) -> list[Deck]:
        """Every deck the server could study, shipped packs first, with whether it is on."""
        return await self.content.decks(guild_id)

    # -- members ---------------------------------------------------------------------------
    async def suggest(self, guild_id: int, author_id: int, kind: ItemKind, fields: dict[str, str]) -> Suggestion:
        """Validate a member's form with the pack rules, then queue it; a bad form stores nothing."""
        item = build_item(kind, fields)
        async with self.db.transaction() as conn:
            pending = await self._count(conn, "SELECT COUNT(*) FROM suggestions WHERE guild_id = ? AND author_id = ? "
                                        "AND status = 'pending'", (guild_id, author_id))
            if pending >= PENDING_PER_AUTHOR:
                raise InvalidInput(f"You already have {pending} suggestions waiting for review.",
                                   hint="Once moderators have looked at them you can suggest more "
                                        "(`/suggest mine` shows where they are).")
            suggestion_id = await self.queue_item(conn, guild_id, author_id, item, deck=SERVER_DECK)
        return await self.get(guild_id, suggestion_id)

    async def queue_item(self, conn: aiosqlite.Connection, guild_id: int, author_id: int,
                         item: Prompt | Flashcard, *, deck: str) -> int:
        """Insert one validated item as a pending suggestion (also used for a document's drafted cards)."""
        kind = "prompt" if isinstance(item, Prompt) else "card"
        cursor = await conn.execute(
            "INSERT INTO suggestions (guild_id, author_id, kind, deck, data, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, author_id, kind, deck, item.model_dump_json(), epoch(self.clock.now())))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def mine(self, guild_id: int, author_id: int, limit: int = 15) -> list[Suggestion]:
        rows = await self.db.fetchall("SELECT * FROM suggestions WHERE guild_id = ? AND author_id = ? "
                                      "ORDER BY id DESC LIMIT ?", (guild_id, author_id, limit))
        return [_suggestion(row) for row in rows]

    # -- moderators ------------------------------------------------------------------------
    async def get(self, guild_id: int, suggestion_id: int) -> Suggestion:
        """A suggestion of *this* server: an id from another server is simply not found."""
        row = await self.db.fetchone("SELECT * FROM suggestions WHERE id = ? AND guild_id = ?",
                                     (suggestion_id, guild_id))
        if row is None:
            raise NotFound(f"There is no suggestion #{suggestion_id} in this server.",
                           hint="`/review queue` lists the ones waiting.")
        return _suggestion(row)

    async def pending(self, guild_id: int, *, offset: int = 0, limit: int = 10) -> tuple[list[Suggestion], int]:
        rows = await self.db.fetchall("SELECT * FROM suggestions WHERE guild_id = ? AND status = 'pending' "
                                      "ORDER BY id LIMIT ? OFFSET ?", (guild_id, limit, offset))
        total = await self.db.fetchval("SELECT COUNT(*) FROM suggestions WHERE guild_id = ? AND status = 'pending'",
                                       (guild_id,), default=0)
        return [_suggestion(row) for row in rows], int(total)

    async def approve(self, guild_id: int, suggestion_id: int, moderator_id: int,
                      edited: dict[str, str] | None = None) -> Decision:
        """Approve as suggested, or with a moderator's edits (validated the same way); once only."""
        current = await self.get(guild_id, suggestion_id)
        item = current.item
        if edited is not None:
            source = current.item.source.model_dump()
            item = build_item(current.kind, {**form_fields(item), **edited}, source)  # fields not on the form stay
        final = item.model_copy(update={"id": item_id_for(current)})
        now = self.clock.now()
        async with self.db.transaction() as conn:
            owned = await self._count(conn, "SELECT COUNT(*) FROM server_items WHERE guild_id = ?", (guild_id,))
            if owned >= SERVER_ITEM_LIMIT:
                raise InvalidInput(f"This server already owns {SERVER_ITEM_LIMIT} prompts and cards.",
                                   hint="That is the most a server can keep; export and prune some first.")
            await self._decide(conn, current, Status.APPROVED, moderator_id, now, item_id=final.id,
                               data=final.model_dump_json())
            origin = "imported" if current.deck != SERVER_DECK else "suggested"
            await self.content.insert(conn, guild_id, final, deck=current.deck, origin=origin,
                                      author_id=current.author_id, approved_by=moderator_id, now=now)
            await self.audit.record(conn, guild_id=guild_id, actor_id=moderator_id,
                                    action="review.edit-approve" if edited is not None else "review.approve",
                                    target_id=current.author_id, new={"suggestion": current.id, "item": final.id})
        return Decision(await self.get(guild_id, suggestion_id), final.id)

    async def reject(self, guild_id: int, suggestion_id: int, moderator_id: int, reason: str) -> Decision:
        text = bounded_text(reason, what="The reason", limit=REASON_LIMIT, required=True,
                            empty_hint="Say what would make it acceptable; the author is told.")
        current = await self.get(guild_id, suggestion_id)
        async with self.db.transaction() as conn:
            await self._decide(conn, current, Status.REJECTED, moderator_id, self.clock.now(), reason=text)
            await self.audit.record(conn, guild_id=guild_id, actor_id=moderator_id, action="review.reject",
                                    target_id=current.author_id, new={"suggestion": current.id}, reason=text)
        return Decision(await self.get(guild_id, suggestion_id), None)

    async def _decide(self, conn: aiosqlite.Connection, current: Suggestion, status: Status, moderator_id: int,
                      now: datetime, *, item_id: str | None = None, reason: str | None = None,
                      data: str | None = None) -> None:
        cursor = await conn.execute(
            "UPDATE suggestions SET status = ?, reviewer_id = ?, decided_at = ?, item_id = ?, reason = ?, "
            "data = COALESCE(?, data) WHERE id = ? AND guild_id = ? AND status = 'pending'",
            (str(status), moderator_id, epoch(now), item_id, reason, data, current.id, current.guild_id))
        if cursor.rowcount == 1:
            return
        row = await (await conn.execute("SELECT status, reviewer_id FROM suggestions WHERE id = ?",
                                        (current.id,))).fetchone()
        who = f" by <@{row['reviewer_id']}>" if row and row["reviewer_id"] else ""
        raise Conflict(f"Suggestion #{current.id} was already {row['status'] if row else 'decided'}{who}.",
                       hint="A suggestion is decided once; nothing was changed.")

    async def alike(self, suggestion: Suggestion) -> list[str]:
        """The validator's near-duplicate warnings against what the server already uses (for reviewers)."""
        if suggestion.status is not Status.PENDING:
            return []
        item = suggestion.item
        if isinstance(item, Prompt):
            own = await self.content.items(suggestion.guild_id, kind="prompt")
            others: list[Prompt] | list[Flashcard] = [
                *self.content.content.library.prompts, *(e.item for e in own if isinstance(e.item, Prompt))]
        else:
            others = list((await self.content.cards(suggestion.guild_id)).values())
        return [p.message for p in alike_problems(item, others, f"suggestion #{suggestion.id}")]

    async def untold(self, limit: int = 200) -> list[Suggestion]:
        """Decided suggestions whose author was not told yet (the process stopped before the DM)."""
        rows = await self.db.fetchall("SELECT * FROM suggestions WHERE status != 'pending' AND author_told_at IS NULL "
                                      "ORDER BY decided_at, id LIMIT ?", (limit,))
        return [_suggestion(row) for row in rows]

    async def mark_told(self, suggestion_id: int) -> None:
        await self.db.execute("UPDATE suggestions SET author_told_at = ? WHERE id = ? AND author_told_at IS NULL",
                              (epoch(self.clock.now()), suggestion_id))

    async def set_queue_message(self, suggestion_id: int, channel_id: int, message_id: int) -> None:
        await self.db.execute("UPDATE suggestions SET queue_channel_id = ?, queue_message_id = ? WHERE id = ?",
                              (channel_id, message_id, suggestion_id))

    # -- settings --------------------------------------------------------------------------
    async def review_channel(self, guild_id: int) -> int | None:
        value = await self.db.fetchval("SELECT review_channel_id FROM content_settings WHERE guild_id = ?",
                                       (guild_id,))
        return int(value) if value is not None else None

    async def set_review_channel(self, guild_id: int, actor_id: int, channel_id: int | None) -> None:
        now = self.clock.now()
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO content_settings (guild_id, review_channel_id, updated_by, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET review_channel_id = "
                "excluded.review_channel_id, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                (guild_id, channel_id, actor_id, epoch(now)))
            await self.audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="review.channel",
                                    new=channel_id)

    @staticmethod
    async def _count(conn: aiosqlite.Connection, sql: str, params: tuple[object, ...]) -> int:
        return int(await Reader(conn).fetchval(sql, params, 0))
