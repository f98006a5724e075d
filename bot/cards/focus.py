"""What a member studies in a server: one deck or every deck on, and one topic or every topic.

A topic is a card tag (``retrieval``, ``agents``...), as Anki's study-by-tag: a member preparing for
a retrieval interview drills those cards and nothing else until they choose every topic again. Both
choices outlive what they name: a deck switched off or a topic no card of the deck holds any more
falls back to everything, and the member is shown what they actually study, never an empty session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bot.cards.models import TopicRecall
from bot.community import Deck, cards_of
from bot.content.models import Flashcard

# Topic maps by the deck map they filter: read on every flashcard click of a member with a topic. Each
# entry keeps its source map alive, so the id in its key cannot be reused by another map.
_TOPIC_MAPS: dict[tuple[int, str], tuple[Mapping[str, Flashcard], Mapping[str, Flashcard]]] = {}
_TOPIC_MAPS_LIMIT = 256
WEAK_TOPIC_SAMPLE = 5   # reviews of a topic's due cards before its recall says anything
WEAK_TOPICS_SHOWN = 3


@dataclass(frozen=True)
class Focus:
    deck: str | None                 # the deck studied; None: every deck the server has on
    topic: str | None                # the topic studied; None: every topic
    cards: Mapping[str, Flashcard]   # the cards in play for the two
    idle_topic: str | None = None    # the member's topic while no card of the deck holds it (kept for later)


def focus_of(decks: list[Deck], deck: str | None, topic: str | None) -> Focus:
    """The member's choices as they apply now: a deck that is no longer on or holds no card (a server's own deck
    left with prompts only), or a topic none of the deck's cards holds, is dropped (so the member studies
    everything rather than nothing)."""
    if deck is not None and not any(d.key == deck and d.enabled and d.cards for d in decks):
        deck = None
    cards = cards_of(decks, deck)
    if topic is None:
        return Focus(deck, None, cards)
    on_topic = _on_topic(cards, topic)
    return Focus(deck, topic, on_topic) if on_topic else Focus(deck, None, cards, idle_topic=topic)


def _on_topic(cards: Mapping[str, Flashcard], topic: str) -> Mapping[str, Flashcard]:
    key = (id(cards), topic)
    found = _TOPIC_MAPS.get(key)
    if found is not None and found[0] is cards:
        return found[1]
    on_topic = MappingProxyType({card_id: card for card_id, card in cards.items() if topic in card.tags})
    if len(_TOPIC_MAPS) >= _TOPIC_MAPS_LIMIT:
        _TOPIC_MAPS.clear()
    _TOPIC_MAPS[key] = (cards, on_topic)
    return on_topic


def topics_of(cards: Mapping[str, Flashcard]) -> list[tuple[str, int]]:
    """Every topic among ``cards`` with how many cards hold it, the largest first (then by name)."""
    counts = Counter(tag for card in cards.values() for tag in card.tags)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def weak_topics(cards: Mapping[str, Flashcard], recall: Mapping[str, tuple[int, int]],
                target: float) -> tuple[TopicRecall, ...]:
    """The topics of ``cards`` answered right less often than ``target`` (``recall`` is (right, asked) by card:
    a member's reviews of due cards, or a server's quiz answers), on at least :data:`WEAK_TOPIC_SAMPLE`
    answers, weakest first.

    A lapse is a fact about one card; the same topic lapsing across cards says the idea itself needs work."""
    totals: dict[str, list[int]] = {}
    for card_id, (recalled, asked) in recall.items():
        card = cards.get(card_id)
        for tag in card.tags if card is not None else ():
            total = totals.setdefault(tag, [0, 0])
            total[0] += recalled
            total[1] += asked
    weak = [TopicRecall(tag, recalled, asked) for tag, (recalled, asked) in totals.items()
            if asked >= WEAK_TOPIC_SAMPLE and recalled / asked < target]
    weak.sort(key=lambda t: (t.share, -t.asked, t.topic))
    return tuple(weak[:WEAK_TOPICS_SHOWN])
