"""What one server studies: the shipped packs and its own decks, each switched on or off.

Shipped packs stay read-only files (the :class:`~bot.content.ContentStore`); a server's own
prompts and cards live in ``server_items``. A deck is a shipped pack (by its name), the
server's own content (``server``) or one uploaded document (``doc-<name>``). Everything that
picks cards (study sessions, the quiz) asks this class, so a deck switched off disappears
from all of them at once and an approved card appears in all of them at once.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.content import ContentStore
from bot.content.models import Flashcard, Prompt
from bot.errors import InvalidInput
from bot.storage import Database, epoch

SERVER_DECK = "server"
DOCUMENT_PREFIX = "doc-"


@dataclass(frozen=True)
class Deck:
    key: str
    title: str
    origin: str                 # "pack", "server" or "document"
    enabled: bool
    prompts: tuple[Prompt, ...]
    cards: tuple[Flashcard, ...]


@dataclass(frozen=True)
class ServerItem:
    guild_id: int
    item: Prompt | Flashcard
    kind: str
    deck: str
    origin: str
    author_id: int | None


def deck_title(key: str) -> str:
    if key == SERVER_DECK:
        return "This server's own"
    if key.startswith(DOCUMENT_PREFIX):
        return f"Document: {key[len(DOCUMENT_PREFIX):]}"
    return key


def _item(row: aiosqlite.Row) -> ServerItem:
    model = Prompt if row["kind"] == "prompt" else Flashcard
    return ServerItem(row["guild_id"], model.model_validate(json.loads(row["data"])), row["kind"], row["deck"],
                      row["origin"], row["author_id"])


def cards_of(decks: list[Deck], deck: str | None = None) -> dict[str, Flashcard]:
    """The cards of every deck that is on among ``decks``, or of the one keyed ``deck``."""
    return {card.id: card for d in decks if d.enabled and (deck is None or d.key == deck) for card in d.cards}


class ServerContent:
    def __init__(self, db: Database, content: ContentStore) -> None:
        self.db = db
        self.content = content

    # -- reading --------------------------------------------------------------------------
    async def items(self, guild_id: int, *, kind: str | None = None) -> list[ServerItem]:
        rows = await self.db.fetchall("SELECT * FROM server_items WHERE guild_id = ? AND kind = COALESCE(?, kind) "
                                      "ORDER BY created_at, item_id", (guild_id, kind))
        return [_item(row) for row in rows]

    async def item(self, guild_id: int, item_id: str) -> ServerItem | None:
        row = await self.db.fetchone("SELECT * FROM server_items WHERE guild_id = ? AND item_id = ?",
                                     (guild_id, item_id))
        return _item(row) if row else None

    async def switched_off(self, guild_id: int) -> set[str]:
        rows = await self.db.fetchall("SELECT deck FROM deck_switches WHERE guild_id = ? AND enabled = 0",
                                      (guild_id,))
        return {row[0] for row in rows}

    async def decks(self, guild_id: int) -> list[Deck]:
        """Every deck the server could study, shipped packs first, with whether it is on."""
        decks: list[Deck] = await self.db.read(self.decks_in, guild_id)
        return decks

    def decks_in(self, conn: sqlite3.Connection, guild_id: int) -> list[Deck]:
        """:meth:`decks` read on the connection's own thread (both statements in one trip, or inside a caller's
        one-trip transaction)."""
        off = {row[0] for row in conn.execute("SELECT deck FROM deck_switches WHERE guild_id = ? AND enabled = 0",
                                              (guild_id,))}
        decks = [Deck(pack.name, pack.title, "pack", pack.name not in off, pack.prompts, pack.flashcards)
                 for pack in self.content.library.packs]
        grouped: dict[str, list[ServerItem]] = {}
        for row in conn.execute("SELECT * FROM server_items WHERE guild_id = ? ORDER BY created_at, item_id",
                                (guild_id,)):
            entry = _item(row)
            grouped.setdefault(entry.deck, []).append(entry)
        for key in sorted(grouped, key=lambda k: (k != SERVER_DECK, k)):
            entries = grouped[key]
            decks.append(Deck(key, deck_title(key), "server" if key == SERVER_DECK else "document", key not in off,
                              tuple(e.item for e in entries if isinstance(e.item, Prompt)),
                              tuple(e.item for e in entries if isinstance(e.item, Flashcard))))
        return decks

    async def cards(self, guild_id: int | None, deck: str | None = None) -> dict[str, Flashcard]:
        """The cards of every deck the server has on, or of one of them; outside a server, the shipped packs."""
        if guild_id is None:
            return {card.id: card for card in self.content.library.flashcards}
        return cards_of(await self.decks(guild_id), deck)

    async def card(self, card_id: str) -> Flashcard | None:
        """A card by id, shipped or any server's (memory is kept per person, whichever server they study in)."""
        found = self.content.library.flashcard(card_id)
        if found is not None:
            return found
        row = await self.db.fetchone("SELECT data FROM server_items WHERE item_id = ? AND kind = 'card'", (card_id,))
        return Flashcard.model_validate(json.loads(row[0])) if row else None

    async def credit(self, item_id: str) -> int | None:
        """Who a server item is credited to (0: an author who asked to be forgotten), None for pack items."""
        value = await self.db.fetchval("SELECT author_id FROM server_items WHERE item_id = ? AND origin = 'suggested'",
                                       (item_id,))
        return int(value) if value is not None else None

    @staticmethod
    def credit_in(conn: sqlite3.Connection, item_id: str) -> int | None:
        """:meth:`credit` on the connection's own thread."""
        row = conn.execute("SELECT author_id FROM server_items WHERE item_id = ? AND origin = 'suggested'",
                           (item_id,)).fetchone()
        return int(row[0]) if row is not None and row[0] is not None else None

    async def require_deck(self, guild_id: int, key: str, *, enabled: bool | None = None) -> Deck:
        decks = await self.decks(guild_id)
        for deck in decks:
            if deck.key == key and (enabled is None or deck.enabled == enabled):
                return deck
        names = ", ".join(f"`{d.key}`" for d in decks if enabled is None or d.enabled == enabled) or "none"
        state = {True: " that is on", False: " that is off", None: ""}[enabled]
        raise InvalidInput(f"This server has no deck `{key}`{state}.", hint=f"Decks: {names}.")

    # -- writing --------------------------------------------------------------------------
    async def switch(self, guild_id: int, key: str, enabled: bool, actor_id: int, now: datetime) -> Deck:
        await self.require_deck(guild_id, key)
        await self.db.execute(
            "INSERT INTO deck_switches (guild_id, deck, enabled, updated_by, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, deck) DO UPDATE SET enabled = excluded.enabled, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (guild_id, key, int(enabled), actor_id, epoch(now)))
        return await self.require_deck(guild_id, key)

    async def insert(self, conn: aiosqlite.Connection, guild_id: int, item: Prompt | Flashcard, *, deck: str,
                     origin: str, author_id: int | None, approved_by: int, now: datetime) -> None:
        kind = "prompt" if isinstance(item, Prompt) else "card"
        await conn.execute(
            "INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, author_id, approved_by, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, item.id, kind, deck, item.model_dump_json(), origin, author_id, approved_by, epoch(now),
             epoch(now)))
