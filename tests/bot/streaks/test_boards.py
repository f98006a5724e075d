"""Leaderboards rank the members still in the server."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.activity import ActivityKind

from .conftest import Streaks

GUILD = 1


async def test_members_who_left_are_left_off_and_the_page_is_filled_from_the_rest(streaks: Streaks) -> None:
    """Twelve members, member n active for n days up to today; the top three left. The first page holds the nine
    others, ranked 1 to 9 among themselves, on one page; their summaries are kept."""
    s = streaks
    now = s.clock.now()
    for user in range(1, 13):
        for days_ago in range(user):
            await s.activity.record(GUILD, user, ActivityKind.ANSWER, now - timedelta(days=days_ago))
    await asyncio.gather(*s.service._tasks)
    s.discord.gone |= {10, 11, 12}
    page = await s.service.leaderboard(GUILD, "current", 5)
    assert [(e.rank, e.user_id, e.score) for e in page.entries] == [(10 - n, n, n) for n in range(9, 0, -1)]
    assert page.pages == 1 and (page.caller_rank, page.caller_score) == (5, 5)
    assert (await s.service.repo.get(GUILD, 12)) is not None
    s.discord.gone.discard(12)
    assert (await s.service.leaderboard(GUILD, "best", 12)).caller_rank == 1  # back: they asked for a board
