"""A member's flashcard stats: what is due on each of their next days, how well they recall, their leeches
and weak topics, over what they study now or one deck.

Part of :class:`bot.cards.service.StudyService`; days are the member's own calendar days, so a day that
changes the clock is still one day.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.cards.focus import Focus, weak_topics
from bot.cards.models import HARD_LAPSES, MATURE_DAYS, CardStats, HardCard
from bot.cards.repository import CardRepository
from bot.cards.srs import DEFAULT_RETENTION
from bot.clock import Clock
from bot.community import ServerContent
from bot.timezones import TimezoneResolver

LEARNING_STATES = (1, 3)              # FSRS Learning and Relearning
HARDEST_SHOWN = 3                     # leeches /cards stats names, worst first
FORECAST_DAYS = 7                     # /cards stats shows the cards due on each of the member's next days


class StudyStats:
    repo: CardRepository
    server: ServerContent
    _clock: Clock
    _timezones: TimezoneResolver

    async def focus(self, guild_id: int | None, user_id: int) -> Focus:
        """What the member studies now: :meth:`bot.cards.service.StudyService.focus`."""
        raise NotImplementedError

    async def stats(self, guild_id: int | None, user_id: int, deck: str | None = None) -> CardStats:
        """Stats over ``deck`` (or the member's chosen deck, else every deck on); reviews count everywhere."""
        now = self._clock.now()
        if guild_id is not None and deck is not None:  # a deck switched off has no cards in play here
            await self.server.require_deck(guild_id, deck, enabled=True)
        # An explicit deck is shown whole; otherwise what the member studies (their deck and topic).
        focus = Focus(deck, None, await self.server.cards(guild_id, deck)) if deck is not None else \
            await self.focus(guild_id, user_id)
        cards = focus.cards
        started = [m for m in await self.repo.all_memories(user_id) if m.card_id in cards]
        memories = [m for m in started if m.set_aside_at is None]
        zone = await self._timezones.zone_for(guild_id, user_id)
        today = now.astimezone(zone).date()
        day_start = datetime.combine(today, time(0), tzinfo=zone)
        # By the member's calendar days, not 24-hour steps: a day that changes the clock is still one day.
        forecast = [0] * FORECAST_DAYS
        for memory in memories:
            offset = max(0, (memory.due.astimezone(zone).date() - today).days)
            if offset < FORECAST_DAYS:
                forecast[offset] += 1
        reviewed_today, total = await self.repo.review_counts(user_id, since=day_start)
        recall = await self.repo.retention_by_card(user_id, since=now - timedelta(days=30))
        recalled, asked = sum(r for r, _ in recall.values()), sum(a for _, a in recall.values())
        future = [max(m.due, now) for m in memories]
        # Forgetting one card again and again is a sign the card (or the idea) needs reading at its source, which
        # a review cannot give: Anki calls these leeches. The member sees where each comes from.
        hard = sorted((m for m in memories if m.lapses >= HARD_LAPSES), key=lambda m: (-m.lapses, m.card_id))
        new_per_day, retention_target = await self.repo.settings(user_id)
        learning = sum(m.state in LEARNING_STATES for m in memories)
        mature = sum(m.state not in LEARNING_STATES and m.last_review is not None
                     and m.due - m.last_review >= timedelta(days=MATURE_DAYS) for m in memories)
        return CardStats(
            due_today=forecast[0], due_week=sum(forecast),
            reviewed_today=reviewed_today, total_reviews=total,
            retention=recalled / asked if asked else None, retention_sample=asked,
            next_due=min(future) if future else None, learned=len(started), total_cards=len(cards),
            new_per_day=new_per_day, retention_target=retention_target or DEFAULT_RETENTION,
            hardest=tuple(HardCard(cards[m.card_id], m.lapses) for m in hard[:HARDEST_SHOWN]),
            set_aside=len(started) - len(memories), forecast=tuple(forecast), today=today,
            learning=learning, young=len(memories) - learning - mature, mature=mature,
            weak_topics=weak_topics(cards, recall, retention_target or DEFAULT_RETENTION),
            deck=focus.deck, topic=focus.topic)
