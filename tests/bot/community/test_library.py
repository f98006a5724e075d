"""Which cards a server studies: the map of its decks' cards, shared while only shipped packs are in play."""

from __future__ import annotations

from bot.community import Deck, cards_of
from bot.content import ContentStore
from bot.settings import SHIPPED_CONTENT_DIR


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


def test_a_servers_own_deck_is_read_fresh_every_time() -> None:
    decks = _packs()
    first = decks[0].cards[0]
    own = Deck("server", "This server's own", "server", True, (), (first.model_copy(update={"id": "own-card"}),))
    with_own = cards_of([*decks, own])
    assert "own-card" in with_own and cards_of([*decks, own]) is not with_own
    changed = Deck("server", "This server's own", "server", True, (), (first.model_copy(update={"id": "renamed"}),))
    assert "renamed" in cards_of([*decks, changed]) and "own-card" not in cards_of([*decks, changed])
