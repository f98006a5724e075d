"""Weekly numbers behind the progress charts: a member's reviews and retention, their active days, and a
server's participation. Weeks are Monday to Sunday in the member's zone (the server's for the server)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.stats.charts import WEEKS, week_starts
from bot.storage import Database
from bot.timezones import TimezoneResolver

KINDS = (("answer", "daily answers"), ("review", "flashcard reviews"), ("quiz", "quiz answers"),
         ("mock", "mock interviews"))


@dataclass(frozen=True)
class ReviewWeeks:
    weeks: list[date]
    reviews: list[int]
    retention: list[float | None]   # recalled share of reviews of learned cards, per week


@dataclass(frozen=True)
class ActiveWeeks:
    weeks: list[date]
    active_days: list[int]


@dataclass(frozen=True)
class ParticipationWeeks:
    weeks: list[date]
    counts: dict[str, list[int]]    # activity kind -> actions per week


def _index(weeks: list[date], day: date) -> int | None:
    offset = (day - weeks[0]).days
    return offset // 7 if 0 <= offset < 7 * len(weeks) else None


class ProgressService:
    def __init__(self, db: Database, clock: Clock, timezones: TimezoneResolver) -> None:
        self._db = db
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
        rows = await self._db.fetchall(
            "SELECT reviewed_at, rating, state_before FROM card_reviews WHERE user_id = ? AND reviewed_at >= ?",
            (user_id, int(since.timestamp()) - 86400))
        reviews = [0] * len(weeks)
        asked = [0] * len(weeks)
        recalled = [0] * len(weeks)
        for reviewed_at, rating, state_before in rows:
            day = datetime.fromtimestamp(reviewed_at, UTC).astimezone(zone).date()
            week = _index(weeks, day)
            if week is None:
                continue
            reviews[week] += 1
            if state_before == 2:
                asked[week] += 1
                recalled[week] += int(rating > 1)
        retention = [r / a if a else None for r, a in zip(recalled, asked, strict=True)]
        return ReviewWeeks(weeks, reviews, retention)

    async def active_days(self, guild_id: int, user_id: int) -> ActiveWeeks:
        weeks, _zone = await self._weeks(guild_id, user_id)
        rows = await self._db.fetchall(
            "SELECT DISTINCT local_date FROM activity WHERE guild_id = ? AND user_id = ? AND local_date >= ?",
            (guild_id, user_id, weeks[0].isoformat()))
        days = [0] * len(weeks)
        for (text,) in rows:
            week = _index(weeks, date.fromisoformat(text))
            if week is not None:
                days[week] += 1
        return ActiveWeeks(weeks, days)

    async def participation(self, guild_id: int) -> ParticipationWeeks:
        """Actions per week in the server, by kind, on members' own local dates."""
        weeks, _zone = await self._weeks(guild_id, None)
        rows = await self._db.fetchall(
            "SELECT local_date, kind, SUM(count) FROM activity WHERE guild_id = ? AND local_date >= ? "
            "GROUP BY local_date, kind", (guild_id, (weeks[0] - timedelta(days=1)).isoformat()))
        totals: Counter[tuple[str, int]] = Counter()
        for text, kind, count in rows:
            week = _index(weeks, date.fromisoformat(text))
            if week is not None:
                totals[(kind, week)] += int(count)
        return ParticipationWeeks(weeks, {kind: [totals[(kind, w)] for w in range(len(weeks))]
                                          for kind, _label in KINDS})
