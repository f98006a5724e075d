"""What one server studies: the shipped packs and its own decks, each switched on or off.

Shipped packs stay read-only files (the :class:`~bot.content.ContentStore`); a server's own
prompts and cards live in ``server_items``. A deck is a shipped pack (by its name), the
server's own content (``server``) or one uploaded document (``doc-<name>``). Everything that
picks cards (study sessions, the quiz) asks this class, so a deck switched off disappears
from all of them at once and an approved card appears in all of them at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping
from datetime import datetime
from types import MappingProxyType

import aiosqlite

from bot.community.models import SERVER_DECK, Deck, ServerItem, deck_title
from bot.community.repository import ServerItemRepository
from bot.content import ContentStore
from bot.content.loader import ContentLibrary
from bot.content.models import Flashcard, Prompt
from bot.errors import InvalidInput
from bot.storage import Database

# Card maps by which decks are on (and the one deck chosen): read on every flashcard click. A
# deck's cards are one tuple that never changes (shipped packs are loaded once; a server's decks are
# rebuilt only when its content version changes), so a map built from the same tuples stays right;
# each entry keeps its tuples alive, so their ids in the key cannot be reused by other tuples.
_DeckKey = tuple[tuple[tuple[str, bool, int], ...], str | None]
_CARD_MAPS: dict[_DeckKey, tuple[tuple[tuple[Flashcard, ...], ...], Mapping[str, Flashcard]]] = {}
_CARD_MAPS_LIMIT = 256
DECKS_NAMED = 20  # decks an error lists by name; the rest are counted (a reply holds 2,000 characters)
DECKS_CACHED = 1024  # servers whose decks one process keeps built (a shard's active servers)


def cards_of(decks: list[Deck], deck: str | None = None) -> Mapping[str, Flashcard]:
    """The cards of every deck that is on among ``decks``, or of the one keyed ``deck`` (read-only)."""
    key = (tuple((d.key, d.enabled, id(d.cards)) for d in decks), deck)
    found = _CARD_MAPS.get(key)  # one lookup: the database's thread uses it too
    if found is not None:
        return found[1]
    cards = MappingProxyType({card.id: card for d in decks if d.enabled and (deck is None or d.key == deck)
                              for card in d.cards})
    if len(_CARD_MAPS) >= _CARD_MAPS_LIMIT:
        _CARD_MAPS.clear()
    _CARD_MAPS[key] = (tuple(d.cards for d in decks), cards)
    return cards


class ServerContent:
    def __init__(self, db: Database, content: ContentStore) -> None:
        self.db = db
        self.repo = ServerItemRepository(db)
        self.content = content
        # guild -> (its content version, the shipped library, its decks built from both). Read and filled
        # on the database's thread; a Deck is frozen and its items immutable, so callers may share them.
        # A reload of the shipped packs is a new library object, so it rebuilds every server's decks.
        self._decks: dict[int, tuple[int | None, ContentLibrary, list[Deck]]] = {}

    # -- reading --------------------------------------------------------------------------
    async def items(self, guild_id: int, *, kind: str | None = None) -> list[ServerItem]:
        return await self.repo.items(guild_id, kind)

    async def item(self, guild_id: int, item_id: str, conn: aiosqlite.Connection | None = None) -> ServerItem | None:
        return await self.repo.item(guild_id, item_id, conn)

    async def removed(self, guild_id: int, item_ids: Collection[str]) -> dict[str, str]:
        """Of ``item_ids``, those a moderator removed from this server's content for good, with their titles
        then: what the archive names for a posted prompt that is no longer the server's."""
        return await self.repo.removed(guild_id, item_ids)

    async def switched_off(self, guild_id: int) -> set[str]:
        return await self.repo.switched_off(guild_id)

    async def decks(self, guild_id: int) -> list[Deck]:
        """Every deck the server could study, shipped packs first, with whether it is on."""
        decks: list[Deck] = await self.db.read(self.decks_in, guild_id)
        return decks

    def decks_in(self, conn: sqlite3.Connection, guild_id: int) -> list[Deck]:
        """:meth:`decks` read on the connection's own thread (in one trip, or inside a caller's one-trip
        transaction). The decks built for the server's current content version (and the shipped packs
        as loaded) are used again: one indexed read instead of parsing every item the server has
        (migration 0018 keeps the version)."""
        version, shipped = self.repo.content_version_in(conn, guild_id), self.content.library
        cached = self._decks.get(guild_id)
        if cached is not None and cached[0] == version and cached[1] is shipped:
            return list(cached[2])  # a list of its own: the caller may not change the cached one
        decks = self._build_decks_in(conn, guild_id, shipped)
        if len(self._decks) >= DECKS_CACHED and guild_id not in self._decks:
            self._decks.pop(next(iter(self._decks)), None)  # the oldest entry: a server not seen for long
        self._decks[guild_id] = (version, shipped, decks)
        return list(decks)

    def _build_decks_in(self, conn: sqlite3.Connection, guild_id: int, shipped: ContentLibrary) -> list[Deck]:
        off = self.repo.switched_off_in(conn, guild_id)
        decks = [Deck(pack.name, pack.title, "pack", pack.name not in off, pack.prompts, pack.flashcards)
                 for pack in shipped.packs]
        grouped: dict[str, list[ServerItem]] = {}
        for entry in self.repo.items_in(conn, guild_id):
            grouped.setdefault(entry.deck, []).append(entry)
        for key in sorted(grouped, key=lambda k: (k != SERVER_DECK, k)):
            entries = grouped[key]
            decks.append(Deck(key, deck_title(key), "server" if key == SERVER_DECK else "document", key not in off,
                              tuple(e.item for e in entries if isinstance(e.item, Prompt)),
                              tuple(e.item for e in entries if isinstance(e.item, Flashcard))))
        return decks

    async def cards(self, guild_id: int | None, deck: str | None = None) -> Mapping[str, Flashcard]:
        """The cards of every deck the server has on, or of one of them; outside a server, the shipped packs."""
        if guild_id is None:
            return {card.id: card for card in self.content.library.flashcards}
        return cards_of(await self.decks(guild_id), deck)

    async def card(self, card_id: str) -> Flashcard | None:
        """A card by id, shipped or any server's (memory is kept per person, whichever server they study in)."""
        found = self.content.library.flashcard(card_id)
        if found is not None:
            return found
        return await self.repo.server_card(card_id)

    async def credit(self, item_id: str) -> int | None:
        """Who a server item is credited to (0: an author who asked to be forgotten), None for pack items."""
        return await self.repo.credited_author(item_id)

    def credit_in(self, conn: sqlite3.Connection, item_id: str) -> int | None:
        """:meth:`credit` on the connection's own thread."""
        return self.repo.credited_author_in(conn, item_id)

    async def require_deck(self, guild_id: int, key: str, *, enabled: bool | None = None) -> Deck:
        decks = await self.decks(guild_id)
        for deck in decks:
            if deck.key == key and (enabled is None or deck.enabled == enabled):
                return deck
        keys = [d.key for d in decks if enabled is None or d.enabled == enabled]
        names = ", ".join(f"`{k}`" for k in keys[:DECKS_NAMED]) or "none"
        if len(keys) > DECKS_NAMED:
            names += f" and {len(keys) - DECKS_NAMED} more (start typing the name and pick one from the list)"
        state = {True: " that is on", False: " that is off", None: ""}[enabled]
        raise InvalidInput(f"This server has no deck `{' '.join(key.split())[:60]}`{state}.", hint=f"Decks: {names}.")

    # -- writing --------------------------------------------------------------------------
    async def switch_in(self, conn: aiosqlite.Connection, guild_id: int, states: Mapping[str, bool], actor_id: int,
                        now: datetime) -> None:
        """Switch decks inside the caller's transaction; the caller checked that they exist."""
        await self.repo.switch_in(conn, guild_id, states, actor_id, now)

    async def forget_switch_in(self, conn: aiosqlite.Connection, guild_id: int, key: str) -> None:
        """Forget whether a deck that no longer exists was on, inside the caller's transaction: a new deck
        given its name starts on, like any new deck."""
        await self.repo.forget_switch_in(conn, guild_id, key)

    async def update_in(self, conn: aiosqlite.Connection, guild_id: int, item: Prompt | Flashcard,
                        now: datetime) -> bool:
        """Store an edited item under its own id inside the caller's transaction (its decks are rebuilt)."""
        return await self.repo.update_in(conn, guild_id, item, now)

    async def delete_in(self, conn: aiosqlite.Connection, guild_id: int, item_id: str) -> bool:
        """Remove one of the server's items inside the caller's transaction (its decks are rebuilt)."""
        return await self.repo.delete_in(conn, guild_id, item_id)

    async def insert(self, conn: aiosqlite.Connection, guild_id: int, item: Prompt | Flashcard, *, deck: str,
                     origin: str, author_id: int | None, approved_by: int, now: datetime) -> None:
        await self.repo.insert(conn, guild_id, item, deck=deck, origin=origin, author_id=author_id,
                               approved_by=approved_by, now=now)
