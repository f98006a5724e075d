"""Looking a card up: every word typed must match, fronts first, and a lookup by words names one card or
refuses with a reason (never a guess)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.activity import ActivityService
from bot.cards.service import StudyService
from bot.clock import ManualClock
from bot.content import ContentStore
from bot.errors import InvalidInput
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database
from bot.timezones import TimezoneResolver

USER = 42
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
CONTENT = ContentStore.load(SHIPPED_CONTENT_DIR)


def _service(db: Database) -> StudyService:
    clock = ManualClock(NOW)
    timezones = TimezoneResolver(db)
    return StudyService(db, clock, CONTENT, timezones, ActivityService(db, clock, timezones))


async def test_every_word_must_match_and_cards_matching_on_their_front_come_first(db: Database) -> None:
    found = await _service(db).find(None, "Memory AGENTS", 25)
    assert found, "the shipped pack has agent memory cards"
    texts = [f"{c.front} {c.back} {' '.join(c.tags)} {c.id}".lower() for c in found]
    assert all("memory" in text and "agents" in text for text in texts)
    on_front = [all(w in c.front.lower() for w in ("memory", "agents")) for c in found]
    assert on_front == sorted(on_front, reverse=True)  # fronts first, then the rest
    assert len(await _service(db).find(None, "memory agents", 2)) == 2


async def test_a_lookup_takes_the_picked_id_or_words_only_one_card_holds(db: Database) -> None:
    service = _service(db)
    info = await service.look_up(None, USER, "agent-loop-guard")
    assert (info.card.id, info.memory, info.recall_now) == ("agent-loop-guard", None, None)  # not started
    assert (await service.look_up(None, USER, "Refund times OUT")).card.id == "agent-idempotent-tools"


@pytest.mark.parametrize(("text", "reason"), [("agents", "More than one card"),
                                              ("zebra xylophone", "No card")])
async def test_words_matching_no_card_or_several_are_refused_with_a_way_forward(
        db: Database, text: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason) as refused:
        await _service(db).look_up(None, USER, text)
    assert "pick it from the list" in (refused.value.hint or "")
    assert text not in str(refused.value)  # what was typed is not echoed back
