"""The claim of a day's quiz: which card it asks and the question built from it, stored before any post.

Storing the question with the claim is what makes a retried or crashed post exactly once: the retry finds
the row and posts what it holds, never a second draw from the rotation.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.community import ServerContent
from bot.posting import day_bounds, free_label
from bot.posting.rotation import cycle_seed_after, state_of
from bot.quiz.builder import TooFewOptions, build_question, question_seed
from bot.quiz.models import QuizPost, QuizSchedule
from bot.quiz.publishing import QuizDeliveryFailed
from bot.quiz.repository import QuizRepository
from bot.storage import Database


async def claim_day(db: Database, repo: QuizRepository, server: ServerContent, schedule: QuizSchedule, day: date,
                    occurrence_at: datetime, now: datetime) -> tuple[QuizPost, bool]:
    """Claim the day's quiz in one transaction: the day's existing row (reclaimed for the schedule's channel,
    ``fresh`` False), or a new row with the next card of the rotation and its question built and stored, so a
    retry posts the very question the first attempt chose."""
    cards = await server.cards(schedule.guild_id)  # every deck the server has on, its own included
    deck = tuple(cards.values())
    start, end = day_bounds(day, schedule.zone)
    async with db.transaction() as conn:
        existing = await repo.post_between(conn, schedule.guild_id, start, end)
        if existing is not None:
            await repo.reclaim(conn, schedule.guild_id, existing.local_date, schedule.channel_id)
            post = await repo.post(schedule.guild_id, existing.local_date, conn)
            assert post is not None
            return post, False
        if len(deck) < 4:
            raise QuizDeliveryFailed("this server's decks that are on hold fewer than 4 flashcards, too few "
                                     "for a quiz; switch a deck on with /content decks")
        cycle, seed = schedule.cycle, schedule.cycle_seed
        state = state_of(cycle, seed, [c.id for c in deck], await repo.used_in_cycle(conn, schedule.guild_id, cycle))
        if not state.remaining:
            cycle, seed = cycle + 1, cycle_seed_after(state)
            await repo.new_cycle(conn, schedule.guild_id, cycle, seed)
            state = state_of(cycle, seed, [c.id for c in deck], set())
        card = cards[state.remaining[0]]
        label = free_label(day, await repo.labels(conn, schedule.guild_id, day))
        try:
            question = build_question(card, deck, question_seed(schedule.guild_id, label.isoformat()))
        except TooFewOptions:  # told like too few cards: a content problem only moderators can fix
            raise QuizDeliveryFailed("this server's decks that are on hold too few different answers for a "
                                     "four-option question; switch a deck on with /content decks") from None
        number = await repo.count(conn, schedule.guild_id) + 1
        await repo.insert_claim(conn, guild_id=schedule.guild_id, day=label, number=number, cycle=cycle,
                                question=question, channel_id=schedule.channel_id,
                                nonce=f"q{schedule.guild_id % 10**12}{label:%Y%m%d}", now=now,
                                closes_at=now + timedelta(hours=schedule.close_hours),
                                occurrence_at=occurrence_at, reveal_now=schedule.reveal_now)
        post = await repo.post(schedule.guild_id, label, conn)
    assert post is not None
    return post, True
