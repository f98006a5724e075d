"""Personal flashcard review: which card comes next, and recording a grade once (the member's stats are
:mod:`bot.cards.stats`'s).

Cards come from the content packs and memory is keyed on their stable ids, so an edited
card keeps its history and a removed card is simply never offered again (its history
stays). "Today" for the new-card cap is the member's own day. A grade is recorded only
for the repetition it was shown for: a double click or a click on an old message finds
the repetition already used and records nothing.

A session does not end while cards the member is still learning come back within a few
minutes (FSRS learning steps): like Anki's learn-ahead limit, those cards may be studied
a little early on request, so a card marked Again is seen again before the session ends.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta

from bot.activity import ActivityKind, ActivityRecorded, ActivityService
from bot.cards.focus import Focus, focus_of, topics_of
from bot.cards.models import (
    CardInfo,
    CardKind,
    DaySummary,
    Graded,
    NothingToStudy,
    SetAsideCard,
    StudyCard,
    Undone,
)
from bot.cards.repository import CardRepository
from bot.cards.srs import RETENTION_RANGE, Grade, Scheduler
from bot.cards.stats import LEARNING_STATES, StudyStats
from bot.clock import Clock
from bot.community import Deck, ServerContent, cards_of
from bot.content import ContentStore
from bot.content.models import EVERY_DECK, Flashcard
from bot.errors import InvalidInput
from bot.posting import crash_point
from bot.storage import Database
from bot.timezones import TimezoneResolver, zone_in

log = logging.getLogger(__name__)

LEARN_AHEAD = timedelta(minutes=20)   # learning cards due this soon may be studied now
EVERY = EVERY_DECK                    # a deck or topic choice meaning every one


class StudyService(StudyStats):
    def __init__(self, db: Database, clock: Clock, content: ContentStore, timezones: TimezoneResolver,
                 activity: ActivityService, *, fuzzing: bool = True, server: ServerContent | None = None) -> None:
        self.repo = CardRepository(db)
        self.server = server or ServerContent(db, content)
        self._db = db
        self._clock = clock
        self._content = content
        self._timezones = timezones
        self._activity = activity
        self.scheduler = Scheduler(fuzzing=fuzzing)

    async def _day_start(self, guild_id: int | None, user_id: int) -> datetime:
        zone = await self._timezones.zone_for(guild_id, user_id)
        local = self._clock.now().astimezone(zone)
        return datetime.combine(local.date(), time(0), tzinfo=zone)

    async def _cards(self, guild_id: int | None, user_id: int, deck: str | None = None) -> Mapping[str, Flashcard]:
        """The cards in play: ``deck`` (every topic), else what the member chose to study (:meth:`focus`)."""
        if deck is not None:
            return await self.server.cards(guild_id, deck)
        return (await self.focus(guild_id, user_id)).cards

    async def choose(self, guild_id: int, user_id: int, *, deck: str | None = None,
                     topic: str | None = None) -> Focus:
        """Change what the member studies from now on: one deck and one topic (a card tag), or :data:`EVERY` one;
        None leaves that choice as it is. The topic must be held by a card of the deck studied with it, so a
        session is never empty. Both are checked before either is saved: a refusal changes nothing."""
        current = await self.focus(guild_id, user_id)
        studied = current.deck
        if deck is not None:
            studied = None if deck == EVERY else (await self._deck_with_cards(guild_id, deck)).key
        focused = topic.strip().lower() if topic is not None else None
        if focused == EVERY:
            focused = None
        elif focused is not None and focused not in dict(topics_of(await self.server.cards(guild_id, studied))):
            raise InvalidInput("No card in the decks you study has that topic.",
                               hint="Pick a topic from the list as you type, or `all` for every topic.")
        if deck is not None:
            await self.repo.set_deck_choice(guild_id, user_id, studied)
        if topic is not None:
            await self.repo.set_topic_choice(guild_id, user_id, focused)
        return await self.focus(guild_id, user_id)

    async def _deck_with_cards(self, guild_id: int, key: str) -> Deck:
        """The deck ``key`` if it is on and holds cards: one with prompts only (the server's own, say) would
        leave nothing to study."""
        deck = await self.server.require_deck(guild_id, key, enabled=True)
        if not deck.cards:
            raise InvalidInput(f"The deck `{deck.key}` holds no flashcards, only prompts.",
                               hint="Pick a deck from the list as you type, or `all` for every deck.")
        return deck

    async def topics(self, guild_id: int, user_id: int, deck: str | None = None) -> list[tuple[str, int]]:
        """The topics of the deck the member studies, with their card counts, largest first; of ``deck`` (or of
        every deck, :data:`EVERY`) when they are choosing it with the topic, since :meth:`choose` checks the topic
        against that deck. A deck that names none on (one only partly typed) leaves the deck studied now."""
        cards = await self.server.cards(guild_id, None if deck == EVERY else deck) if deck is not None else {}
        if not cards:
            cards = await self.server.cards(guild_id, (await self.focus(guild_id, user_id)).deck)
        return topics_of(cards)

    async def decks(self, guild_id: int) -> list[Deck]:
        """Every deck the server could study, shipped packs first, with whether it is on."""
        return await self.server.decks(guild_id)

    async def focus(self, guild_id: int | None, user_id: int) -> Focus:
        """What the member studies: their deck while it is on, and their topic while a card of it holds it;
        else everything (and each screen says which). One trip to the database's thread."""
        focus: Focus = await self._db.read(self._focus_in, guild_id, user_id)
        return focus

    async def next_card(self, guild_id: int | None, user_id: int, *,
                        learn_ahead: bool = False) -> StudyCard | NothingToStudy:
        """Due cards first (most overdue first), then new cards up to the member's daily cap; with
        ``learn_ahead``, then the learning card that falls due soonest within LEARN_AHEAD.

        Every read it needs is made in one trip to the database's thread."""
        study: StudyCard | NothingToStudy = await self._db.read(self._next_in, guild_id, user_id, self._clock.now(),
                                                                learn_ahead)
        return study

    def _focus_in(self, conn: sqlite3.Connection, guild_id: int | None, user_id: int,
                  decks: list[Deck] | None = None) -> Focus:
        """:meth:`focus` on the database's thread; ``decks`` if the caller has read them."""
        if guild_id is None:
            return Focus(None, None, {card.id: card for card in self._content.library.flashcards})
        if decks is None:
            decks = self.server.decks_in(conn, guild_id)
        return focus_of(decks, *self.repo.focus_in(conn, guild_id, user_id))

    def _next_in(self, conn: sqlite3.Connection, guild_id: int | None, user_id: int, now: datetime,
                 learn_ahead: bool, decks: list[Deck] | None = None,
                 settings: tuple[int, float | None] | None = None) -> StudyCard | NothingToStudy:
        """:meth:`next_card`'s reads and rules, on the database's thread (alone, or at the end of a grade, which
        passes the server's ``decks`` and the member's ``settings`` it has already read)."""
        # Each step reads only what it needs, through the indexes: a member who has started hundreds of
        # cards is not parsed whole on every click. Everything they started is read only when nothing is
        # due and no new card is left (the end of a session).
        focus = self._focus_in(conn, guild_id, user_id, decks)
        cards, topic, idle = focus.cards, focus.topic, focus.idle_topic
        if not cards:
            return NothingToStudy(None, False, no_decks=True)
        new_per_day, retention = settings or self.repo.settings_in(conn, user_id)
        new_left = self._new_left_in(conn, guild_id, user_id, now, new_per_day)
        due = [m for m in self.repo.due_in(conn, user_id, now) if m.card_id in cards]  # soonest first
        if due:
            first = due[0]
            return StudyCard(cards[first.card_id], CardKind.DUE, first.reps, first, len(due), new_left,
                             self.server.credit_in(conn, first.card_id), retention=retention, topic=topic,
                             idle_topic=idle)
        known = self.repo.card_ids_in(conn, user_id)
        fresh = next((card for card_id, card in cards.items() if card_id not in known), None)
        if fresh is not None and new_left > 0:
            missed = self._missed_in_quiz(conn, guild_id, user_id, cards, known)
            if missed is not None:
                fresh = cards[missed[0]]
            return StudyCard(fresh, CardKind.NEW, 0, None, 0, new_left, self.server.credit_in(conn, fresh.id),
                             retention=retention, topic=topic, idle_topic=idle,
                             missed_in_quiz=missed[1] if missed else None)
        memories = self.repo.memories_in(conn, user_id)
        upcoming = sorted((m for m in memories if m.card_id in cards and m.set_aside_at is None),
                          key=lambda m: (m.due, m.card_id))
        soon = [m for m in upcoming if m.state in LEARNING_STATES and m.due <= now + LEARN_AHEAD]
        if learn_ahead and soon:
            first = soon[0]
            return StudyCard(cards[first.card_id], CardKind.DUE, first.reps, first, len(soon), new_left,
                             self.server.credit_in(conn, first.card_id), early=True, retention=retention,
                             topic=topic, idle_topic=idle)
        learning_due = next((m.due for m in upcoming if m.state in LEARNING_STATES), None)
        return NothingToStudy(learning_due, fresh is not None and new_left == 0, len(soon), topic=topic,
                              idle_topic=idle)

    def _new_left_in(self, conn: sqlite3.Connection, guild_id: int | None, user_id: int, now: datetime,
                     new_per_day: int) -> int:
        """How many new cards the member may still start on their own day (every server counts)."""
        zone = zone_in(conn, guild_id, user_id)
        day_start = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
        return max(0, new_per_day - self.repo.introduced_since_in(conn, user_id, day_start))

    def _missed_in_quiz(self, conn: sqlite3.Connection, guild_id: int | None, user_id: int,
                        cards: Mapping[str, Flashcard], known: set[str]) -> tuple[str, date] | None:
        """The latest card of this server's quiz the member got wrong and has not started, if one is in play:
        a quiz answer missed is what to learn next, so it takes the next new-card slot."""
        if guild_id is None:
            return None
        return next(((card_id, day) for card_id, day in self.repo.missed_in_quiz_in(conn, guild_id, user_id)
                     if card_id in cards and card_id not in known), None)

    async def shown_card(self, guild_id: int | None, user_id: int, card_id: str, rep: int) -> StudyCard | None:
        """The card a Reveal button was made for, if it is still in play at that repetition."""
        study = await self.next_card(guild_id, user_id, learn_ahead=True)
        if isinstance(study, StudyCard) and study.card.id == card_id and study.rep == rep:
            return study
        focus = await self.focus(guild_id, user_id)
        cards = focus.cards
        memory = await self.repo.memory(user_id, card_id)
        if card_id not in cards or (memory.reps if memory else 0) != rep:
            return None
        if memory is not None and memory.set_aside_at is not None:
            return None  # set aside from another session message since this one was shown
        if memory is None and (isinstance(study, NothingToStudy) or study.new_left == 0):
            return None  # a new card, and today's new cards are used up
        left = study.new_left if isinstance(study, StudyCard) else 0
        return StudyCard(cards[card_id], CardKind.DUE if memory else CardKind.NEW, rep, memory,
                         study.due_left if isinstance(study, StudyCard) else 0, left,
                         await self.server.credit(card_id), retention=(await self.repo.settings(user_id))[1],
                         topic=focus.topic, idle_topic=focus.idle_topic)

    async def never_studied(self, user_id: int, card_id: str) -> bool:
        return await self.repo.memory(user_id, card_id) is None

    async def in_play(self, guild_id: int | None, card_id: str) -> bool:
        """Whether the card is still in one of the server's decks that are on (not removed or switched off)."""
        if guild_id is None:
            return self._content.library.flashcard(card_id) is not None
        return card_id in cards_of(await self.server.decks(guild_id))

    async def day_summary(self, guild_id: int | None, user_id: int) -> DaySummary:
        """Reviews and Again grades today, today's retention and when the next card falls due."""
        day_start = await self._day_start(guild_id, user_id)
        reviewed, again = await self.repo.day_counts(user_id, since=day_start)
        recalled, asked = await self.repo.retention(user_id, since=day_start)
        cards = await self._cards(guild_id, user_id)
        now = self._clock.now()
        dues = [m.due for m in await self.repo.all_memories(user_id) if m.card_id in cards and m.set_aside_at is None]
        return DaySummary(reviewed, again, recalled / asked if asked else None, asked,
                          max(min(dues), now) if dues else None)

    async def card(self, card_id: str) -> Flashcard:
        card = await self.server.card(card_id)
        if card is None:
            raise InvalidInput("That card is no longer in the pack.", hint="Run `/cards study` for the next one.")
        return card

    def preview_of(self, study: StudyCard, user_id: int = 0) -> dict[Grade, timedelta]:
        """The interval each grade button shows for the card a session shows, from the memory and desired
        retention it was read with (no read)."""
        return self.scheduler.preview(study.memory, self._clock.now(), user_id, study.card.id, study.retention)

    async def grade(self, guild_id: int | None, user_id: int, card_id: str, rep: int, grade: Grade) -> Graded:
        """Record ``grade`` for repetition ``rep`` of the card, unless that repetition is already recorded.

        The grade, its streak credit and the card that comes next are one transaction and one trip to the
        database's thread; the next card is :meth:`next_card` (without learning ahead) as of the commit."""
        card = await self.server.card(card_id)
        if card is None:
            return Graded(False, None, None)
        graded, event = await self._db.run_transaction(self._grade_in, guild_id, user_id, card, rep, grade,
                                                       self._clock.now())
        if graded.recorded:
            crash_point("grade.saved")
        await self._activity.announce(event)
        return graded

    def _grade_in(self, conn: sqlite3.Connection, guild_id: int | None, user_id: int, card: Flashcard, rep: int,
                  grade: Grade, now: datetime) -> tuple[Graded, ActivityRecorded | None]:
        """:meth:`grade`'s rules inside its transaction, on the database's thread: (the result, a credit to announce)."""
        memory = self.repo.memory_in(conn, user_id, card.id)
        decks = self.server.decks_in(conn, guild_id) if guild_id is not None else None
        if decks is not None and card.id not in cards_of(decks):
            return Graded(False, None, memory), None  # its deck was switched off, like a removed card: not studied
        if memory is not None and memory.set_aside_at is not None:
            return Graded(False, card, memory), None  # set aside from another message: out of reviews
        if (memory.reps if memory else 0) != rep:
            repaired = None
            if guild_id is not None and memory is not None and memory.reps == rep + 1 and memory.last_review:
                # This very grade is stored: a retry. Its streak credit is added if it is missing.
                repaired = self._activity.credit_in(conn, guild_id, user_id, ActivityKind.REVIEW, memory.last_review,
                                                    repair=True)
            # While that grade is the member's last, the screen keeps its Undo (a misclick is often a double click).
            undoable = memory is not None and self.repo.undoable_in(conn, user_id, card.id, rep + 1)
            return Graded(False, card, memory, undoable=undoable), repaired
        settings = self.repo.settings_in(conn, user_id)
        if memory is None and self._new_left_in(conn, guild_id, user_id, now, settings[0]) == 0:
            # Another session message started the day's last new card since this one was shown: like its Reveal,
            # this new card waits for another day, or two windows would start more than the day's new cards.
            return Graded(False, card, None, capped=True), None
        updated = self.scheduler.review(memory, user_id, card.id, grade, now, settings[1])
        try:
            review_id = self.repo.save_review_in(conn, updated, guild_id=guild_id, grade=int(grade),
                                                 state_before=memory.state if memory else None, now=now)
        except sqlite3.IntegrityError:  # the same repetition raced in from a second click
            return Graded(False, card, memory), None
        # The grade and its streak credit commit together, or neither does.
        credit = (self._activity.credit_in(conn, guild_id, user_id, ActivityKind.REVIEW, now)
                  if guild_id is not None else None)
        self.repo.remember_undo_in(conn, memory, updated, review_id, now, credit.local_date if credit else None)
        return Graded(True, card, updated, self._next_in(conn, guild_id, user_id, now, False, decks, settings)), credit

    async def find(self, guild_id: int | None, text: str, limit: int) -> list[Flashcard]:
        """Cards of the decks the server has on whose front, answer or tags hold every word of ``text``
        (fronts first, then answers), up to ``limit``: a member looking up what they half remember."""
        return _matching((await self.server.cards(guild_id)).values(), text, limit)

    async def look_up(self, guild_id: int | None, user_id: int, text: str) -> CardInfo:
        """The card the member picked (its id) or described (words only one card holds), with their memory."""
        cards = await self.server.cards(guild_id)
        card = cards.get(text)
        if card is None:
            matches = _matching(cards.values(), text, 2)
            if len(matches) != 1:
                raise InvalidInput(f"{'No card' if not matches else 'More than one card'} here matches that.",
                                   hint="Type a few words of the card and pick it from the list.")
            card = matches[0]
        memory = await self.repo.memory(user_id, card.id)
        now = self._clock.now()
        return CardInfo(card, memory, self.scheduler.recall_chance(memory, now) if memory else None,
                        await self.server.credit(card.id))

    async def undo(self, guild_id: int | None, user_id: int, card_id: str, rep: int) -> Undone:
        """Take back the member's last grade (a misclick, or a second thought), as Anki's Undo does, if it was of
        ``card_id`` and left it at ``rep`` repetitions: the card is as it was, to be graded again.

        Only the last grade can be undone, and only while the card is neither graded again nor set aside. The
        day's streak credit stays: the member did study. One transaction, so a crash leaves the grade either
        whole or gone."""
        if not await self._db.run_transaction(self._undo_in, user_id, card_id, rep):
            return Undone(False, None)
        crash_point("grade.undone")
        log.info("member %s undid their grade of card %s", user_id, card_id)
        return Undone(True, await self.shown_card(guild_id, user_id, card_id, rep - 1))

    def _undo_in(self, conn: sqlite3.Connection, user_id: int, card_id: str, rep: int) -> bool:
        """:meth:`undo`'s transaction: the grade taken back, and with it the review it counted in its server's
        participation (the day itself stays active for the streak)."""
        review = self.repo.undo_in(conn, user_id, card_id, rep)
        if review is None:
            return False
        guild_id, reviewed_at, credited_on = review
        if guild_id is not None and reviewed_at is not None:
            self._activity.uncount_in(conn, guild_id, user_id, ActivityKind.REVIEW, reviewed_at, credited_on)
        return True

    async def set_aside(self, user_id: int, card_id: str) -> Flashcard:
        """Take a card the member has started out of their reviews until they bring it back (its memory kept,
        so it resumes where it was). A second click changes nothing."""
        card = await self.server.card(card_id)
        if card is None or await self.repo.memory(user_id, card_id) is None:
            raise InvalidInput("That card is not one you have started, so there is nothing to set aside.",
                               hint="Run `/cards study` for your next card.")
        if await self.repo.set_aside(user_id, card_id, self._clock.now()):
            log.info("member %s set card %s aside", user_id, card_id)
        return card

    async def set_aside_cards(self, guild_id: int | None, user_id: int) -> list[SetAsideCard]:
        """The cards the member set aside that are still in this server's decks, longest aside first."""
        cards = await self.server.cards(guild_id)
        aside = sorted((m.set_aside_at, m.card_id, m.lapses) for m in await self.repo.all_memories(user_id)
                       if m.set_aside_at is not None and m.card_id in cards)
        return [SetAsideCard(cards[card_id], lapses, when) for when, card_id, lapses in aside]

    async def bring_back(self, user_id: int, card_ids: list[str]) -> int:
        """Put set-aside cards back in the member's reviews; a card overdue meanwhile is due at once."""
        return await self.repo.bring_back(user_id, sorted(set(card_ids)))

    async def set_desired_retention(self, user_id: int, percent: int) -> None:
        """Schedule the member's cards for ``percent`` recall when each falls due: from their next review of
        each card on (intervals already set stay, as in Anki)."""
        low, high = (round(bound * 100) for bound in RETENTION_RANGE)
        if not low <= percent <= high:
            raise InvalidInput(f"{percent}% retention is out of range.",
                               hint=f"Pick {low}-{high}; 90 is FSRS's default, higher means more reviews.")
        await self.repo.set_desired_retention(user_id, percent)

    async def set_new_per_day(self, user_id: int, value: int) -> None:
        if not 0 <= value <= 100:
            raise InvalidInput(f"{value} new cards a day is out of range.", hint="Pick 0-100; 10 is a good start.")
        await self.repo.set_new_per_day(user_id, value)


def _matching(cards: Iterable[Flashcard], text: str, limit: int) -> list[Flashcard]:
    """The cards whose front, answer, tags or id hold every word of ``text``, fronts first (deck order within
    each), up to ``limit``."""
    words = text.lower().split()
    found = [c for c in cards if all(w in f"{c.front} {c.back} {' '.join(c.tags)} {c.id}".lower() for w in words)]
    found.sort(key=lambda c: not all(w in c.front.lower() for w in words))  # stable sort
    return found[:limit]
