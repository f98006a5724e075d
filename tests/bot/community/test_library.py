"""Which cards a server studies: its decks, built once per content version, and the map of their cards."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.admin.retention import GuildRetention
from bot.audit import AuditLog
from bot.clock import ManualClock
from bot.community import Deck, SuggestionService, cards_of
from bot.community.library import ServerContent
from bot.content import ContentStore
from bot.errors import InvalidInput
from bot.scheduler import JobScheduler
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database
from tests.bot.community.conftest import FakeDecisionPublisher, FakeQueuePublisher

GUILD = 7
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _packs(*, enabled: bool = True) -> list[Deck]:
    library = ContentStore.load(SHIPPED_CONTENT_DIR).library
    return [Deck(p.name, p.title, "pack", enabled, p.prompts, p.flashcards) for p in library.packs]


def test_the_card_map_of_shipped_packs_is_built_once_and_follows_what_is_switched_on() -> None:
    decks = _packs()
    cards = cards_of(decks)
    assert len(cards) == sum(len(d.cards) for d in decks) and cards_of(list(decks)) is cards
    assert cards_of(_packs(enabled=False)) == {}  # a pack switched off is not in the map
    assert cards_of(decks, decks[0].key) is cards_of(decks, decks[0].key)
    assert cards_of(decks, "no-such-deck") == {}


def test_a_servers_own_deck_gets_a_new_map_when_its_cards_change() -> None:
    decks = _packs()
    first = decks[0].cards[0]
    own = Deck("server", "This server's own", "server", True, (), (first.model_copy(update={"id": "own-card"}),))
    with_own = cards_of([*decks, own])
    assert "own-card" in with_own and cards_of([*decks, own]) is with_own  # the same cards: the same map
    changed = Deck("server", "This server's own", "server", True, (), (first.model_copy(update={"id": "renamed"}),))
    assert "renamed" in cards_of([*decks, changed]) and "own-card" not in cards_of([*decks, changed])


def _write(path: Path, sql: str, params: tuple[object, ...]) -> None:
    """A write by another connection, as another process (a second shard, a maintenance script) makes it."""
    with sqlite3.connect(path) as conn:
        conn.execute(sql, params)


def _card_row(item_id: str, deck: str = "server") -> tuple[object, ...]:
    card = ContentStore.load(SHIPPED_CONTENT_DIR).library.flashcards[0].model_copy(update={"id": item_id})
    return (GUILD, item_id, "card", deck, card.model_dump_json(), "added", None, 1, 0, 0)


INSERT = ("INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, author_id, approved_by, "
          "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def _own_cards(decks: list[Deck]) -> set[str]:
    return {card.id for deck in decks if deck.origin != "pack" and deck.enabled for card in deck.cards}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "studybot.sqlite3"


@pytest.fixture
async def db(path: Path) -> AsyncIterator[Database]:
    database = Database(path)
    await database.open()
    yield database
    await database.close()


@pytest.fixture
def content(db: Database) -> ServerContent:
    return ServerContent(db, ContentStore.load(SHIPPED_CONTENT_DIR))


def _service(db: Database, content: ServerContent) -> SuggestionService:
    """What moderators switch decks through (``/content decks``), audited."""
    return SuggestionService(db, ManualClock(NOW), AuditLog(db, ManualClock(NOW)), content, FakeQueuePublisher(),
                             FakeDecisionPublisher(), JobScheduler(ManualClock(NOW), manual=True))


async def test_a_servers_decks_are_built_once_and_rebuilt_after_any_write_from_anywhere(
        path: Path, db: Database, content: ServerContent) -> None:
    assert _own_cards(await content.decks(GUILD)) == set()
    _write(path, INSERT, _card_row("own-1"))
    first = await content.decks(GUILD)
    assert _own_cards(first) == {"own-1"}
    again = await content.decks(GUILD)
    assert again == first and again[-1] is first[-1]  # nothing changed: the same decks, not parsed again
    _write(path, INSERT, _card_row("doc-card", "doc-notes"))
    assert _own_cards(await content.decks(GUILD)) == {"own-1", "doc-card"}
    _write(path, "UPDATE server_items SET deck = 'doc-notes' WHERE item_id = ?", ("own-1",))
    assert {d.key for d in await content.decks(GUILD) if "own-1" in {c.id for c in d.cards}} == {"doc-notes"}
    await _service(db, content).switch_deck(GUILD, "doc-notes", False, actor_id=1, now=NOW)
    assert _own_cards(await content.decks(GUILD)) == set()  # the document's deck is off
    _write(path, "UPDATE deck_switches SET enabled = 1 WHERE guild_id = ?", (GUILD,))
    assert _own_cards(await content.decks(GUILD)) == {"own-1", "doc-card"}
    _write(path, "DELETE FROM server_items WHERE item_id = ?", ("doc-card",))
    assert _own_cards(await content.decks(GUILD)) == {"own-1"}
    assert _own_cards(await content.decks(GUILD + 1)) == set()  # another server's decks are its own


async def test_a_purged_server_that_comes_back_is_not_given_its_old_decks(
        path: Path, db: Database, content: ServerContent) -> None:
    _write(path, INSERT, _card_row("before-purge"))
    assert _own_cards(await content.decks(GUILD)) == {"before-purge"}
    await GuildRetention(db, ManualClock(NOW), scheduler=None).purge(GUILD)  # type: ignore[arg-type]  # purge needs neither
    assert _own_cards(await content.decks(GUILD)) == set()
    assert await db.fetchall("SELECT * FROM content_versions WHERE guild_id = ?", (GUILD,)) == []
    _write(path, INSERT, _card_row("after-return"))
    assert _own_cards(await content.decks(GUILD)) == {"after-return"}


async def test_a_deck_can_be_switched_again_and_items_rewritten_through_an_upsert(
        path: Path, db: Database, content: ServerContent) -> None:
    # An upsert's DO UPDATE fires the UPDATE triggers under its own conflict policy, so a trigger that
    # relied on INSERT OR IGNORE for the version row failed the second switch of a deck.
    _write(path, INSERT, _card_row("own-1"))
    for enabled in (False, True, False, True):
        deck = await _service(db, content).switch_deck(GUILD, "server", enabled, actor_id=1, now=NOW)
        assert deck.enabled is enabled and (_own_cards(await content.decks(GUILD)) == {"own-1"}) is enabled
    moved = INSERT + " ON CONFLICT (guild_id, item_id) DO UPDATE SET deck = excluded.deck"
    _write(path, moved, _card_row("own-1", "doc-notes"))
    assert {d.key for d in await content.decks(GUILD) if "own-1" in {c.id for c in d.cards}} == {"doc-notes"}


async def test_choosing_decks_changes_only_the_decks_shown_audits_them_and_refuses_an_unknown_one_whole(
        path: Path, db: Database, content: ServerContent) -> None:
    _write(path, INSERT, _card_row("own-1"))
    _write(path, INSERT, _card_row("doc-card", "doc-notes"))
    service = _service(db, content)
    audit = service.audit
    pack = (await content.decks(GUILD))[0].key
    decks = await service.choose_decks(GUILD, [pack, "server"], {"server"}, actor_id=1, now=NOW)
    assert {d.key: d.enabled for d in decks} == {pack: False, "server": True, "doc-notes": True}  # not shown: kept
    [entry] = await audit.recent(GUILD)
    assert (entry.action, json.loads(entry.old_value or ""), json.loads(entry.new_value or "")) == (
        "content.decks", {pack: True}, {pack: False})  # only what changed
    with pytest.raises(InvalidInput, match="no deck `doc-gone`"):
        await service.choose_decks(GUILD, [pack, "server", "doc-gone"], {pack, "doc-gone"}, actor_id=1, now=NOW)
    assert {d.key: d.enabled for d in await content.decks(GUILD)} == {pack: False, "server": True, "doc-notes": True}
    assert (await service.switch_deck(GUILD, "doc-notes", False, actor_id=2, now=NOW)).enabled is False
    assert [e.action for e in await audit.recent(GUILD)] == ["content.decks", "content.decks"]
