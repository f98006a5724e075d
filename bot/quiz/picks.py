"""One member's pick of the day's quiz, as rules run on the database's thread inside the pick's transaction,
and where the answer it shows can be re-read.

Kept apart from the service so that the whole click is one function handed to the database thread in one
trip: the post, the member's earlier pick, the new row, its streak credit and whether to reveal at once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, datetime

from bot.activity import ActivityKind, ActivityRecorded, ActivityService
from bot.community import ServerContent
from bot.errors import NotFound
from bot.posting import crash_point
from bot.quiz.models import ANSWER_SHOWN, Pick, PickOutcome, QuizStatus
from bot.quiz.repository import QuizRepository
from bot.storage import Database


async def record_pick(db: Database, repo: QuizRepository, activity: ActivityService, server: ServerContent,
                      guild_id: int, day: date, user_id: int, choice: int,
                      now: datetime) -> tuple[Pick, ActivityRecorded | None]:
    """The pick and its credit committed in one trip: (the pick, the credit to announce once committed). A
    reply that shows the answer also says where to re-read it, right or wrong."""
    pick, event, added = await db.run_transaction(pick_in, repo, activity, guild_id, day, user_id, choice, now)
    if added:
        crash_point("pick.saved")
    if pick.outcome in ANSWER_SHOWN:
        pick = replace(pick, source=await answer_source(server, pick.post.card_id))
    return pick, event


async def answer_source(server: ServerContent, card_id: str) -> str | None:
    """The study document's section behind a quiz's card, None if the card was removed since."""
    card = await server.card(card_id)
    return str(card.source) if card is not None else None


def pick_in(conn: sqlite3.Connection, repo: QuizRepository, activity: ActivityService, guild_id: int, day: date,
            user_id: int, choice: int, now: datetime) -> tuple[Pick, ActivityRecorded | None, bool]:
    """The pick's rules, on the database thread inside its transaction: (the pick, its credit, whether added).

    A pick stored without its day's credit (written before both shared one transaction) gets it now. A quiz
    still ``claimed`` takes picks too: its buttons are only on the message Discord took, whose id is written
    once Discord's answer comes back (or a retry or the start-up pass finds it), and the members see it now."""
    post = repo.post_in(conn, guild_id, day)
    if post is None or post.status is QuizStatus.FAILED:
        raise NotFound("That quiz no longer exists.")
    counted = repo.pick_row_in(conn, guild_id, day, user_id)
    if post.status is QuizStatus.CLOSED or now >= post.closes_at:
        return Pick(PickOutcome.CLOSED, counted[0] if counted else None, post), None, False
    if counted is not None:
        event = activity.credit_in(conn, guild_id, user_id, ActivityKind.QUIZ, counted[1], repair=True)
        return Pick(PickOutcome.ALREADY, counted[0], post), event, False
    told = post.reveal_now  # the rule its post announced, whatever the schedule says since
    if not repo.add_pick_in(conn, guild_id, day, user_id, choice, now, told):  # not reached while we hold the lock
        counted = repo.pick_row_in(conn, guild_id, day, user_id)
        return Pick(PickOutcome.ALREADY, counted[0] if counted else None, post), None, False
    event = activity.credit_in(conn, guild_id, user_id, ActivityKind.QUIZ, now)
    if told:
        return Pick(PickOutcome.RIGHT if choice == post.correct else PickOutcome.WRONG, choice, post), event, True
    return Pick(PickOutcome.LOCKED, choice, post), event, True
