"""Weekly numbers behind the progress charts: a member's reviews and retention, their active days, and a
server's participation. Weeks are Monday to Sunday in the member's zone (the server's for the server)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.activity import ActivityKind, ActivityReads
from bot.cards import CardRepository
from bot.clock import Clock
from bot.mock import OutcomeRepository
from bot.stats.charts import WEEKS, week_starts
from bot.stats.models import KINDS, ActiveWeeks, ParticipationWeeks, ReviewWeeks
from bot.stats.repository import ProgressRepository
from bot.storage import Database
from bot.timezones import TimezoneResolver


def _index(weeks: list[date], day: date) -> int | None:
    offset = (day - weeks[0]).days
    return offset // 7 if 0 <= offset < 7 * len(weeks) else None


class ProgressService:
    def __init__(self, db: Database, clock: Clock, timezones: TimezoneResolver) -> None:
        # The reviews, the activity and the interviews are the flashcards', activity's and mock interviews' tables:
        # read through their interfaces.
        self.repo = ProgressRepository(CardRepository(db), ActivityReads(db), OutcomeRepository(db))
        self._clock = clock
        self._timezones = timezones

    async def _weeks(self, guild_id: int | None, user_id: int | None) -> tuple[list[date], ZoneInfo]:
        if user_id is None:
            assert guild_id is not None
            zone = await self._timezones.guild_zone(guild_id)
        else:
            zone = await self._timezones.zone_for(guild_id, user_id)
        today = self._clock.now().astimezone(zone).date()
        return week_starts(today, WEEKS), zone

    async def reviews(self, guild_id: int | None, user_id: int) -> ReviewWeeks:
        """Flashcard reviews per week (everywhere the member studies, as /cards stats counts them)."""
        weeks, zone = await self._weeks(guild_id, user_id)
        since = datetime.combine(weeks[0], time(0), tzinfo=zone).astimezone(UTC)
        rows = await self.repo.reviews_since(user_id, since - timedelta(days=1))
        reviews = [0] * len(weeks)
        asked = [0] * len(weeks)
        recalled = [0] * len(weeks)
        for review in rows:
            day = datetime.fromtimestamp(review.reviewed_at, UTC).astimezone(zone).date()
            week = _index(weeks, day)
            if week is None:
                continue
            reviews[week] += 1
            if review.state_before == 2:
                asked[week] += 1
                recalled[week] += int(review.rating > 1)
        retention = [r / a if a else None for r, a in zip(recalled, asked, strict=True)]
        return ReviewWeeks(weeks, reviews, retention)

    async def active_days(self, guild_id: int, user_id: int) -> ActiveWeeks:
        """Active days per week, up to the member's streak "today": after a move west, a day they were already
        active on can lie ahead of their clock, and the heatmap shown beside this chart counts it as today."""
        weeks, _zone = await self._weeks(guild_id, user_id)
        active = await self.repo.active_dates(guild_id, user_id, weeks[0])
        latest = max(active, default=weeks[-1])
        if latest >= weeks[-1] + timedelta(weeks=1):
            weeks = week_starts(latest, WEEKS)
        days = [0] * len(weeks)
        for day in active:
            week = _index(weeks, day)
            if week is not None:
                days[week] += 1
        return ActiveWeeks(weeks, days)

    async def participation(self, guild_id: int) -> ParticipationWeeks:
        """Actions per week in the server, by kind, on members' own local dates; interviews once each, on the
        server's date: every member of a group is credited for its interview, but it is one interview. A member
        east of the server can already be on the server's tomorrow: that action is counted in this week rather
        than missing until the server's date catches up."""
        weeks, zone = await self._weeks(guild_id, None)
        last_day = weeks[-1] + timedelta(days=6)
        totals: Counter[tuple[str, int]] = Counter()
        for day, kind, count in await self.repo.actions_per_day(guild_id, weeks[0] - timedelta(days=1)):
            week = _index(weeks, min(day, last_day))
            if week is not None and kind != ActivityKind.MOCK:
                totals[(kind, week)] += count
        since = datetime.combine(weeks[0], time(0), tzinfo=zone).astimezone(UTC)
        for held in await self.repo.interviews_since(guild_id, since):
            week = _index(weeks, held.astimezone(zone).date())
            if week is not None:
                totals[(ActivityKind.MOCK, week)] += 1
        return ParticipationWeeks(weeks, {kind: [totals[(kind, w)] for w in range(len(weeks))]
                                          for kind, _label in KINDS})
