"""Which card a study session shows next, read through the indexes, against the rule read whole.

The service reads only the rows each step needs (due cards, the day's new-card count, the ids
started). The reference below reads every card state the member has and applies the rule as
written: due cards first (soonest first), then a new card while the day's cap allows (in a
server, the latest card the member missed in its quiz and has been shown the answer of, first),
then, on request, a learning card due within LEARN_AHEAD. Both must agree for any set of states.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.activity import ActivityService
from bot.cards.models import CardKind, NothingToStudy, StudyCard
from bot.cards.service import LEARN_AHEAD, LEARNING_STATES, StudyService
from bot.clock import ManualClock
from bot.content import ContentStore
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database
from bot.timezones import TimezoneResolver

USER = 42
GUILD = 1001
NOW = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
CONTENT = ContentStore.load(SHIPPED_CONTENT_DIR)
CARD_IDS = [card.id for card in CONTENT.library.flashcards]

states = st.lists(
    st.tuples(st.sampled_from(CARD_IDS[:40]), st.sampled_from([1, 2, 3]),
              st.integers(-3 * 86400, 3 * 86400),        # due, seconds from now
              st.integers(-3 * 86400, 0),                # introduced, seconds from now
              st.integers(1, 9)),                        # reps
    max_size=30, unique_by=lambda s: s[0])
# The server's quizzes the member answered, one a day going back from yesterday: (card, right, shown).
quiz_days = st.lists(st.tuples(st.sampled_from(CARD_IDS[:40]), st.booleans(), st.booleans()), max_size=8)


def _reference(rows: list[sqlite3.Row], zone: ZoneInfo, cap: int, learn_ahead: bool,
               quizzes: Sequence[tuple[str, bool, bool]] = ()) -> tuple[object, ...]:
    """The rule over every state the member has: (kind, card, due count, new left) or what the end shows."""
    cards = {card.id: card for card in CONTENT.library.flashcards}
    now = int(NOW.timestamp())
    day_start = int(datetime.combine(NOW.astimezone(zone).date(), time(0), tzinfo=zone).timestamp())
    new_left = max(0, cap - sum(r["introduced_at"] >= day_start for r in rows))
    due = sorted((r for r in rows if r["due"] <= now and r["card_id"] in cards), key=lambda r: (r["due"], r["card_id"]))
    if due:
        return ("due", due[0]["card_id"], len(due), new_left)
    known = {r["card_id"] for r in rows}
    fresh = next((card_id for card_id in cards if card_id not in known), None)
    if fresh is not None and new_left > 0:
        missed = [card_id for card_id, right, shown in quizzes if shown and not right and card_id not in known]
        return ("new", missed[0] if missed else fresh, 0, new_left)
    upcoming = sorted((r for r in rows if r["card_id"] in cards), key=lambda r: (r["due"], r["card_id"]))
    soon = [r for r in upcoming if r["state"] in LEARNING_STATES and r["due"] <= now + LEARN_AHEAD.total_seconds()]
    if learn_ahead and soon:
        return ("early", soon[0]["card_id"], len(soon), new_left)
    learning_due = next((r["due"] for r in upcoming if r["state"] in LEARNING_STATES), None)
    return ("nothing", learning_due, fresh is not None and new_left == 0, len(soon))


def _seen(study: StudyCard | NothingToStudy) -> tuple[object, ...]:
    if isinstance(study, NothingToStudy):
        return ("nothing", int(study.learning_due.timestamp()) if study.learning_due else None, study.new_cap_reached,
                study.coming_soon)
    kind = "early" if study.early else ("due" if study.kind is CardKind.DUE else "new")
    return (kind, study.card.id, study.due_left, study.new_left)


async def _compare(rows: list[tuple[str, int, int, int, int]], zone: str, cap: int, learn_ahead: bool,
                   quizzes: Sequence[tuple[str, bool, bool]] | None = None) -> None:
    """The service against the reference; with ``quizzes`` (latest first), studying in a server that has them."""
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "studybot.sqlite3")
        await db.open()
        try:
            now = int(NOW.timestamp())
            for card_id, state, due, introduced, reps in rows:
                await db.execute(
                    "INSERT INTO card_states (user_id, card_id, state, step, stability, difficulty, due, last_review, "
                    "reps, lapses, introduced_at) VALUES (?, ?, ?, 0, 2.5, 5.0, ?, ?, ?, 0, ?)",
                    (USER, card_id, state, now + due, now + introduced, reps, now + introduced))
            await db.execute("INSERT INTO card_settings (user_id, new_per_day) VALUES (?, ?)", (USER, cap))
            await db.execute("INSERT INTO user_settings (user_id, timezone) VALUES (?, ?)", (USER, zone))
            for days_ago, (card_id, right, shown) in enumerate(quizzes or (), start=1):
                day = (NOW.date() - timedelta(days=days_ago)).isoformat()
                await db.execute(
                    "INSERT INTO quiz_posts (guild_id, local_date, number, cycle, card_id, question, options, correct, "
                    "status, nonce, channel_id, claimed_at, closes_at) VALUES (?, ?, ?, 1, ?, 'Q?', '[]', 2, ?, ?, 55, "
                    "0, 1)", (GUILD, day, days_ago, card_id, "closed" if shown else "sent", day))
                await db.execute("INSERT INTO quiz_answers (guild_id, local_date, user_id, choice, answered_at) "
                                 "VALUES (?, ?, ?, ?, 0)", (GUILD, day, USER, 2 if right else 0))
            clock = ManualClock(NOW)
            timezones = TimezoneResolver(db)
            service = StudyService(db, clock, CONTENT, timezones, ActivityService(db, clock, timezones))
            stored = await db.fetchall("SELECT * FROM card_states WHERE user_id = ?", (USER,))
            expected = _reference(stored, ZoneInfo(zone), cap, learn_ahead, quizzes or ())
            guild = None if quizzes is None else GUILD
            assert _seen(await service.next_card(guild, USER, learn_ahead=learn_ahead)) == expected
        finally:
            await db.close()


@settings(max_examples=40, deadline=None)
@given(states, st.sampled_from(["UTC", "Asia/Tokyo", "America/Los_Angeles"]), st.integers(0, 12), st.booleans())
def test_the_next_card_read_through_the_indexes_follows_the_rule_read_whole(
        rows: list[tuple[str, int, int, int, int]], zone: str, cap: int, learn_ahead: bool) -> None:
    asyncio.run(_compare(rows, zone, cap, learn_ahead))


@settings(max_examples=40, deadline=None)
@given(states, quiz_days, st.integers(0, 12), st.booleans())
def test_in_a_server_the_latest_quiz_miss_shown_takes_the_new_card_slot(
        rows: list[tuple[str, int, int, int, int]], quizzes: list[tuple[str, bool, bool]], cap: int,
        learn_ahead: bool) -> None:
    asyncio.run(_compare(rows, "UTC", cap, learn_ahead, quizzes))


def test_a_member_with_every_card_started_and_none_due_sees_when_the_next_one_is() -> None:
    rows = [(card_id, 2, 3600 + i, -86400, 3) for i, card_id in enumerate(CARD_IDS)]
    asyncio.run(_compare(rows, "UTC", 10, False))


def test_due_cards_come_soonest_first_and_ties_by_card() -> None:
    tied = sorted(CARD_IDS[:3])
    rows = [(tied[2], 2, -7200, -86400, 2), (tied[0], 2, -7200, -86400, 2), (tied[1], 2, -60, -86400, 2)]
    asyncio.run(_compare(rows, "UTC", 10, False))


def test_a_card_started_at_local_midnight_counts_against_that_days_cap() -> None:
    midnight = int(datetime.combine(NOW.date(), time(0), tzinfo=UTC).timestamp()) - int(NOW.timestamp())
    rows = [(CARD_IDS[0], 1, 3600, midnight, 1), (CARD_IDS[1], 1, 3600, midnight - 1, 1)]
    asyncio.run(_compare(rows, "UTC", 2, False))  # one started today: one new card left, not two


assert timedelta(minutes=20) == LEARN_AHEAD  # the window the reference mirrors
