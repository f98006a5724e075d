"""The rotation draws only from decks the server has on: a shipped pack switched off leaves it too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.community import ServerContent, SuggestionService
from bot.daily import DailyService, Outcome
from bot.errors import InvalidInput, NotFound
from bot.practice.service import PracticeService
from bot.scheduler import JobScheduler
from tests.bot.community.conftest import FakeDecisionPublisher, FakeQueuePublisher
from tests.bot.daily.conftest import GUILD, MOD, FakeDiscord

POST_TIME = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


async def _own_prompt(service: DailyService, title: str) -> str:
    prompt = await service.add_prompt(
        GUILD, MOD, kind="design", difficulty="medium", title=title,
        scenario="Design a retrieval service for a support team's runbooks, answering within two seconds.",
        constraints="Runbooks change weekly\nAnswers cite their source", follow_ups="How do you evaluate it?\nWhat do you cache?",
        rubric="Names an evaluation set\nExplains how stale runbooks are re-indexed")
    return prompt.id


async def _switch(service: DailyService, deck: str, enabled: bool) -> None:
    content = ServerContent(service.repo.db, service.content)
    suggestions = SuggestionService(service.repo.db, service.clock, service.audit, content, FakeQueuePublisher(),
                                    FakeDecisionPublisher(), JobScheduler(service.clock, manual=True))
    await suggestions.switch_deck(
        GUILD, deck, enabled, MOD, POST_TIME)


def _pack(service: DailyService) -> str:
    [pack] = service.content.library.packs
    return pack.name


async def test_a_shipped_pack_switched_off_mid_cycle_leaves_the_rotation_and_comes_back_when_on(
        service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    own = {await _own_prompt(service, f"Runbook search {n}") for n in (1, 2)}
    clock.set(POST_TIME)
    await service.delivery.deliver_due(GUILD)  # day 1 draws from the whole pool
    await _switch(service, _pack(service), False)
    status = await service.status(GUILD)
    assert status.cycle_size == 2 and status.next_prompt is not None and status.next_prompt.id in own
    for _ in range(4):
        clock.advance(timedelta(days=1))
        assert (await service.delivery.deliver_due(GUILD)).outcome is Outcome.POSTED
    assert {post.prompt.id for post in discord_stub.sent[1:]} == own  # only the server's own, a cycle each
    await _switch(service, _pack(service), True)
    assert (await service.status(GUILD)).cycle_size == 2 + len(service.content.library.prompts)


async def test_with_every_deck_off_the_post_fails_saying_how_to_fix_it(
        service: DailyService, clock: ManualClock, discord_stub: FakeDiscord) -> None:
    await _switch(service, _pack(service), False)
    clock.set(POST_TIME)
    result = await service.delivery.deliver_due(GUILD)
    assert result.outcome is Outcome.FAILED and discord_stub.sent == []
    assert result.reason is not None and "/content decks" in result.reason and "/daily kinds" in result.reason
    with pytest.raises(NotFound) as preview:
        await service.preview(GUILD)
    assert "/content decks" in (preview.value.hint or "")
    with pytest.raises(InvalidInput) as kinds:
        await service.set_kinds(GUILD, MOD, ["design"])
    assert "decks that are on" in str(kinds.value) and "/content decks" in (kinds.value.hint or "")
    assert (await service.configured(GUILD)).kinds != frozenset({"design"})  # nothing was changed


async def test_practice_offers_only_prompts_from_decks_that_are_on(service: DailyService) -> None:
    own = await _own_prompt(service, "Runbook search")
    await _switch(service, _pack(service), False)
    practice = PracticeService(service.repo.db, service.clock, service.content, service.activity)
    offer = await practice.offer(GUILD, 42)
    assert offer.prompt.id == own and offer.left == 1
