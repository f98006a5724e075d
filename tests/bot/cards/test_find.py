"""Looking a card up: every word typed must match, fronts first, and a lookup by words names one card or
refuses with a reason (never a guess)."""

from __future__ import annotations

import pytest

from bot.cards.service import StudyService
from bot.errors import InvalidInput

USER = 42


async def test_every_word_must_match_and_cards_matching_on_their_front_come_first(study: StudyService) -> None:
    found = await study.find(None, "Memory AGENTS", 25)
    assert found, "the shipped pack has agent memory cards"
    texts = [f"{c.front} {c.back} {' '.join(c.tags)} {c.id}".lower() for c in found]
    assert all("memory" in text and "agents" in text for text in texts)
    on_front = [all(w in c.front.lower() for w in ("memory", "agents")) for c in found]
    assert on_front == sorted(on_front, reverse=True)  # fronts first, then the rest
    assert len(await study.find(None, "memory agents", 2)) == 2


async def test_a_lookup_takes_the_picked_id_or_words_only_one_card_holds(study: StudyService) -> None:
    info = await study.look_up(None, USER, "agent-loop-guard")
    assert (info.card.id, info.memory, info.recall_now) == ("agent-loop-guard", None, None)  # not started
    assert (await study.look_up(None, USER, "Refund times OUT")).card.id == "agent-idempotent-tools"


@pytest.mark.parametrize(("text", "reason"), [("agents", "More than one card"),
                                              ("zebra xylophone", "No card")])
async def test_words_matching_no_card_or_several_are_refused_with_a_way_forward(
        study: StudyService, text: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason) as refused:
        await study.look_up(None, USER, text)
    assert "pick it from the list" in (refused.value.hint or "")
    assert text not in str(refused.value)  # what was typed is not echoed back
