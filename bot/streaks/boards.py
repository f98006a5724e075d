"""Leaderboard pages: ranked from the streak summaries, showing only members still in the server.

The bot has no member intent, so it is not told when someone leaves. A page's members are asked of Discord
when it is shown; those no longer there are marked gone on their summary and the page is read again, so ranks
and page counts are among the members still there. Nothing is deleted: their history is kept (for the
retention period), and a credit here (they are back and active) puts them on the boards again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.clock import Clock
from bot.errors import InvalidInput
from bot.streaks.models import Board, BoardEntry, LeaderboardPage
from bot.streaks.repository import StreakRepository
from bot.timezones import TimezoneResolver, local_date

log = logging.getLogger(__name__)

PAGE_SIZE = 10
# A page read again after its gone members are hidden can name more who left; a few looks are enough for a
# page to be shown well inside the interaction's time, and the next showing carries on.
MAX_LOOKS = 3


class MemberDirectory(Protocol):
    async def members_present(self, guild_id: int, user_ids: Sequence[int]) -> set[int]:
        """Which of ``user_ids`` are members of the server now (asked of Discord)."""


class Leaderboards:
    def __init__(self, repo: StreakRepository, clock: Clock, timezones: TimezoneResolver,
                 members: MemberDirectory) -> None:
        self._repo = repo
        self._clock = clock
        self._timezones = timezones
        self._members = members
        # (guild, member) marked gone, read at start and kept here: every credit asks whether its member is back,
        # and a study click must not pay a database trip for the rare one who is.
        self._gone: set[tuple[int, int]] = set()

    async def load(self) -> None:
        """At start: the members marked gone (each server's marks are made by the process serving it)."""
        self._gone = await self._repo.gone_members()

    async def back_in(self, guild_id: int, user_id: int) -> None:
        """The member is in the server (they studied here, or asked for a board): on the boards again."""
        if (guild_id, user_id) in self._gone:
            await self._repo.back_in(guild_id, user_id)
            self._gone.discard((guild_id, user_id))

    async def page(self, guild_id: int, board: str, caller_id: int, page: int = 0) -> LeaderboardPage:
        """One page of ``board`` and the caller's own rank and score.

        The month board shows the server's current month (in the server's zone), and each member counts
        the active days they have in it by their own local dates, the dates their activity was recorded
        on. Members and the server can be on different days around a month's end, so the two months can
        differ: a member already in the next month (Tokyo, while the server is on the 31st in Los
        Angeles) keeps every day they had in the month shown, and their first day of the new month
        counts once the server reaches it; a member still in the previous month (Los Angeles, while
        the server in Tokyo is on the 1st) counts that day for the month it is theirs, not the new one.

        Each summary holds its member's latest month and the month before it, which is enough: a
        member's dates are never more than a day or two ahead of the server's (no two zones are more
        than 26 hours apart, and a move west keeps days already recorded), so whoever has a day in the
        month shown has their latest day in it or in the month after.
        """
        if board not in (Board.CURRENT, Board.BEST, Board.MONTH):
            raise InvalidInput(f"`{board}` is not a leaderboard.", hint="Pick `current`, `best` or `month`.")
        now = int(self._clock.now().timestamp())
        month = local_date(self._clock.now(), await self._timezones.guild_zone(guild_id)).strftime("%Y-%m")
        await self.back_in(guild_id, caller_id)  # whoever asks is in the server
        for look in range(1, MAX_LOOKS + 1):
            total = await self._repo.count_ranked(guild_id, board, now=now, month=month)
            pages = max(1, -(-total // PAGE_SIZE))
            page = min(max(page, 0), pages - 1)
            entries = await self._repo.leaderboard(guild_id, board, now=now, month=month, limit=PAGE_SIZE,
                                                   offset=page * PAGE_SIZE)
            if look == MAX_LOOKS or not await self._hide_gone(guild_id, entries, now):
                break
        score = await self._repo.score_of(guild_id, caller_id, board, now=now, month=month)
        rank = 1 + await self._repo.count_above(guild_id, board, score, now=now, month=month) if score > 0 else None
        return LeaderboardPage(board, page, pages, entries, rank, score, month)

    async def scored(self, guild_id: int, board: str, scores: Mapping[int, int], caller_id: int, month: str,
                     page: int = 0) -> LeaderboardPage:
        """One page of a board another feature scores (the Contributors board's Helpful marks), ranked as the
        streak boards are: among the members still in the server, ties sharing a rank."""
        now = int(self._clock.now().timestamp())
        await self.back_in(guild_id, caller_id)  # whoever asks is in the server
        for look in range(1, MAX_LOOKS + 1):
            gone = await self._repo.gone_among(guild_id, scores)
            present = {user_id: score for user_id, score in scores.items() if user_id not in gone}
            ordered = sorted(present.items(), key=lambda item: (-item[1], item[0]))
            pages = max(1, -(-len(ordered) // PAGE_SIZE))
            page = min(max(page, 0), pages - 1)
            entries = [BoardEntry(1 + sum(other > score for other in present.values()), user_id, score)
                       for user_id, score in ordered[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]]
            if look == MAX_LOOKS or not await self._hide_gone(guild_id, entries, now):
                break
        own = present.get(caller_id, 0)
        rank = 1 + sum(other > own for other in present.values()) if own else None
        return LeaderboardPage(board, page, pages, entries, rank, own, month)

    async def _hide_gone(self, guild_id: int, entries: list[BoardEntry], now: int) -> bool:
        """Mark the page's members who left the server; True when there were any (the page is read again)."""
        named = [entry.user_id for entry in entries]
        if not named:
            return False
        try:
            gone = set(named) - await self._members.members_present(guild_id, named)
        except Exception:
            log.warning("guild %s: could not ask Discord which leaderboard members are still there; the page is "
                        "shown as it is", guild_id, exc_info=True)
            return False
        if gone:
            await self._repo.mark_gone(guild_id, gone, now)
            self._gone.update((guild_id, user_id) for user_id in gone)
        return bool(gone)
