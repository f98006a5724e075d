"""Where the progress charts' numbers come from: flashcard reviews, activity and interviews held since a date,
read through the features that keep them (the charts keep no tables, and run no SQL, of their own)."""

from __future__ import annotations

from datetime import date, datetime

from bot.activity import ActivityReads
from bot.cards import CardRepository
from bot.mock import OutcomeRepository
from bot.stats.models import Review


class ProgressRepository:
    def __init__(self, cards: CardRepository, activity: ActivityReads, interviews: OutcomeRepository) -> None:
        self._cards = cards
        self._activity = activity
        self._interviews = interviews

    async def reviews_since(self, user_id: int, since: datetime) -> list[Review]:
        """Every review ``user_id`` made at or after ``since``, in every server."""
        return [Review(reviewed_at, rating, state_before)
                for reviewed_at, rating, state_before in await self._cards.reviews_since(user_id, since=since)]

    async def active_dates(self, guild_id: int, user_id: int, since: date) -> list[date]:
        """The member's distinct local dates with any activity here, from ``since`` on."""
        return await self._activity.active_dates_since(guild_id, user_id, since)

    async def actions_per_day(self, guild_id: int, since: date) -> list[tuple[date, str, int]]:
        """(local date, kind, actions) summed over the server's members, from ``since`` on."""
        return await self._activity.actions_per_day(guild_id, since)

    async def interviews_since(self, guild_id: int, since: datetime) -> list[datetime]:
        """When each of the server's interviews reported held since ``since`` took place, once per group."""
        return await self._interviews.held_since(guild_id, since)
