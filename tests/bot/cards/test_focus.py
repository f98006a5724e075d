"""Studying one topic: only its cards come up, the topic belongs to the deck studied, and a topic that no
card holds any more falls back to every topic rather than an empty session."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cards import Grade, NothingToStudy, StudyCard
from bot.cards.focus import WEAK_TOPIC_SAMPLE, WEAK_TOPICS_SHOWN, focus_of, topics_of, weak_topics
from bot.cards.service import StudyService
from bot.community import Deck
from bot.errors import InvalidInput
from tests.bot.cards.conftest import CONTENT

GUILD, USER = 7, 42


async def test_a_topic_narrows_every_card_offered_until_every_topic_is_chosen_again(study: StudyService) -> None:
    await study.set_new_per_day(USER, 100)
    assert (await study.choose(GUILD, USER, topic=" Memory ")).topic == "memory"
    offered = []
    shown = await study.next_card(GUILD, USER)
    while isinstance(shown, StudyCard):
        assert shown.topic == "memory" and "memory" in shown.card.tags
        offered.append(shown.card.id)
        graded = await study.grade(GUILD, USER, shown.card.id, shown.rep, Grade.EASY)
        assert graded.next is not None
        shown = graded.next
    assert isinstance(shown, NothingToStudy) and shown.topic == "memory"
    tagged = [card.id for card in CONTENT.library.flashcards if "memory" in card.tags]
    assert sorted(offered) == sorted(tagged)  # all of them, and nothing else

    assert (await study.choose(GUILD, USER, topic="all")).topic is None
    other = await study.next_card(GUILD, USER)
    assert isinstance(other, StudyCard) and other.topic is None and other.card.id not in offered


async def test_an_unknown_topic_is_refused_and_the_choices_kept(study: StudyService) -> None:
    await study.choose(GUILD, USER, topic="agents")
    with pytest.raises(InvalidInput, match="No card in the decks you study has that topic") as refused:
        await study.choose(GUILD, USER, deck="ai-native-careers", topic="astrology")
    assert "all" in (refused.value.hint or "")
    focus = await study.focus(GUILD, USER)
    assert (focus.deck, focus.topic) == (None, "agents")  # the deck chosen with the refused topic was not saved
    both = await study.choose(GUILD, USER, deck="ai-native-careers", topic="retrieval")
    assert (both.deck, both.topic) == ("ai-native-careers", "retrieval")
    assert (await study.choose(GUILD, USER, deck="all")).topic == "retrieval"  # one choice leaves the other


async def test_the_topics_offered_are_the_decks_tags_largest_first(study: StudyService) -> None:
    topics = await study.topics(GUILD, USER)
    counts = [count for _, count in topics]
    assert counts == sorted(counts, reverse=True) and ("agents", sum(
        "agents" in card.tags for card in CONTENT.library.flashcards)) in topics


def test_a_topic_no_card_holds_any_more_falls_back_to_every_topic() -> None:
    cards = CONTENT.library.flashcards
    decks = [Deck("notes", "Notes", "document", True, (), tuple(c for c in cards if "memory" not in c.tags))]
    focus = focus_of(decks, None, "memory")
    assert focus.topic is None and len(focus.cards) == len(decks[0].cards)
    assert focus.idle_topic == "memory"  # kept, and named, for when a deck that has it returns
    assert focus_of(decks, None, "agents").idle_topic is None
    switched_off = focus_of([Deck("notes", "Notes", "document", False, (), tuple(cards))], "notes", "agents")
    assert (switched_off.deck, switched_off.topic, len(switched_off.cards)) == (None, None, 0)
    assert topics_of({}) == []


@given(st.dictionaries(st.sampled_from([c.id for c in CONTENT.library.flashcards[:30]]),
                       st.tuples(st.integers(0, 12), st.integers(1, 12)).map(lambda t: (min(t), t[1])), max_size=30),
       st.sampled_from([0.75, 0.9, 0.97]))
def test_weak_topics_are_only_those_below_the_aim_on_enough_reviews_weakest_first(
        recall: dict[str, tuple[int, int]], target: float) -> None:
    cards = {card.id: card for card in CONTENT.library.flashcards}
    shown = weak_topics(cards, recall, target)
    assert len(shown) <= WEAK_TOPICS_SHOWN
    assert [weak.share for weak in shown] == sorted(weak.share for weak in shown)
    for weak in shown:
        held = [recall[card_id] for card_id in recall if weak.topic in cards[card_id].tags]
        assert (weak.recalled, weak.asked) == (sum(r for r, _ in held), sum(a for _, a in held))
        assert weak.asked >= WEAK_TOPIC_SAMPLE and weak.share < target
    if len(shown) < WEAK_TOPICS_SHOWN:  # room left: no other topic qualified
        for topic in {tag for card_id in recall for tag in cards[card_id].tags} - {weak.topic for weak in shown}:
            held = [recall[card_id] for card_id in recall if topic in cards[card_id].tags]
            asked = sum(a for _, a in held)
            assert asked < WEAK_TOPIC_SAMPLE or sum(r for r, _ in held) / asked >= target


DECK_CARDS = CONTENT.library.flashcards[:60]
TOPICS = sorted({tag for card in DECK_CARDS for tag in card.tags})[:8] + ["astrology"]


@given(st.lists(st.tuples(st.sets(st.integers(0, len(DECK_CARDS) - 1), max_size=20), st.booleans()), max_size=3),
       st.sampled_from(["d0", "d1", "d2", "gone", None]), st.sampled_from([*TOPICS, None]))
def test_a_focus_studies_what_exists_and_names_a_topic_it_cannot_apply(
        shapes: list[tuple[set[int], bool]], deck: str | None, topic: str | None) -> None:
    decks = [Deck(f"d{i}", f"Deck {i}", "document", on, (), tuple(DECK_CARDS[j] for j in sorted(picked)))
             for i, (picked, on) in enumerate(shapes)]
    focus = focus_of(decks, deck, topic)
    studied = [d for d in decks if d.enabled and (focus.deck is None or d.key == focus.deck)]
    in_play = {card.id: card for d in studied for card in d.cards}
    # the deck choice holds only while that deck is on and holds cards; otherwise every deck on
    assert focus.deck == (deck if any(d.key == deck and d.enabled and d.cards for d in decks) else None)
    holders = {card_id for card_id, card in in_play.items() if topic is not None and topic in card.tags}
    if holders:  # the topic applies: exactly its cards, and nothing is idle
        assert (focus.topic, set(focus.cards), focus.idle_topic) == (topic, holders, None)
    else:  # no card holds it (or none was chosen): every card in play, and a chosen topic is named as idle
        assert (focus.topic, set(focus.cards), focus.idle_topic) == (None, set(in_play), topic)
