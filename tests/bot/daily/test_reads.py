"""What other features read of the daily posts and answers, through the daily repository."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import ManualClock
from bot.daily import DailyService, Outcome
from tests.bot.daily.conftest import GUILD


async def test_the_prompts_posted_here_and_those_a_member_answered_on_their_day(
        service: DailyService, clock: ManualClock) -> None:
    posted = []
    for day in (2, 3):
        clock.set(datetime(2026, 3, day, 8, 0, tzinfo=UTC))  # 09:00 in Berlin
        assert (await service.delivery.deliver_due(GUILD)).outcome is Outcome.POSTED
        posted.append((await service.repo.posts(GUILD))[-1])
    await service.submit_answer(GUILD, posted[1].local_date, 42, "An answer on the second day")

    assert await service.repo.posted_prompts(GUILD) == {p.prompt_id for p in posted}
    assert await service.repo.posted_prompts(GUILD + 1) == set()
    assert await service.repo.answered_prompts(GUILD, 42) == {posted[1].prompt_id}
    assert await service.repo.answered_prompts(GUILD, 43) == set()
    assert await service.repo.answered_prompts(GUILD + 1, 42) == set()
