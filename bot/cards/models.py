"""What a study session shows: the next card or why there is none, a grade's result, the day and the stats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.cards.srs import Memory
from bot.content.models import Flashcard

# Forgotten this often after it was learned, a card is worth re-reading at its source (what Anki calls a leech):
# /cards stats names it, and its back offers to set it aside.
HARD_LAPSES = 2


def forgotten(memory: Memory | None) -> int:
    """How often the member forgot a card once they had learned it, if that makes it a leech, else 0."""
    lapses = memory.lapses if memory is not None else 0
    return lapses if lapses >= HARD_LAPSES else 0


class CardKind(StrEnum):
    DUE = "due"
    NEW = "new"


@dataclass(frozen=True)
class StudyCard:
    card: Flashcard
    kind: CardKind
    rep: int                       # the repetition a grade will record; buttons carry it
    memory: Memory | None
    due_left: int                  # due cards waiting, this one included
    new_left: int                  # new cards still allowed today
    credit: int | None = None      # the member a server card is credited to ("suggested by")
    early: bool = False            # a learning card shown before its step ends, on request
    retention: float | None = None  # the member's desired retention (None: the default): the buttons' intervals
    topic: str | None = None       # the topic the member studies (None: every topic)
    idle_topic: str | None = None  # the member's topic while no card in play holds it (so every topic)
    missed_in_quiz: date | None = None  # a new card first because the member missed it in that day's quiz

    @property
    def forgotten(self) -> int:
        """How often the member forgot this card once they had learned it, if that makes it a leech, else 0."""
        return forgotten(self.memory)


@dataclass(frozen=True)
class NothingToStudy:
    # The earliest due time among cards still in FSRS Learning or Relearning: what "cards you are still
    # learning come back ..." names. A card in Review that falls due sooner is not one of them.
    learning_due: datetime | None
    new_cap_reached: bool
    coming_soon: int = 0           # cards still being learned that fall due within LEARN_AHEAD
    no_decks: bool = False         # the server has every deck switched off: there are no cards at all
    topic: str | None = None       # the topic the member studies: caught up on it, not on everything
    idle_topic: str | None = None  # the member's topic while no card in play holds it (so every topic)


@dataclass(frozen=True)
class DaySummary:
    """The member's study today (their own day): what a session's end shows."""

    reviewed: int
    again: int
    retention: float | None        # recalled share of today's reviews of cards already learned
    retention_sample: int
    next_due: datetime | None


@dataclass(frozen=True)
class Graded:
    recorded: bool                 # False: a stale or double click (or a card set aside), nothing recorded
    card: Flashcard | None
    memory: Memory | None
    next: StudyCard | NothingToStudy | None = None  # what the session shows next, read in the grade's transaction
    undoable: bool = False         # not recorded because this very grade is: it is the last, so it can be undone
    capped: bool = False           # not recorded: a new card, and the day's new cards were used up meanwhile


@dataclass(frozen=True)
class CardInfo:
    """One card looked up by the member: the card, and what studybot knows of their memory of it."""

    card: Flashcard
    memory: Memory | None          # None: the member has not started it
    recall_now: float | None       # FSRS's chance they recall it now (None: not started)
    credit: int | None             # the member who suggested it, for a server's own card


@dataclass(frozen=True)
class Undone:
    undone: bool                   # False: that grade is no longer the member's last (or was undone already)
    study: StudyCard | None        # the card to grade again; None if it left the member's reviews meanwhile


@dataclass(frozen=True)
class CardStats:
    due_today: int                 # overdue included
    due_week: int                  # today and the next six days
    reviewed_today: int
    total_reviews: int
    retention: float | None        # over the last 30 days, None without reviews to judge
    retention_sample: int
    next_due: datetime | None
    learned: int
    total_cards: int
    new_per_day: int
    retention_target: float        # the desired retention the member's cards are scheduled for
    hardest: tuple[HardCard, ...] = ()  # the cards the member forgets most, to re-read at their source
    set_aside: int = 0             # cards the member set aside, left out of every count above but ``learned``
    # Cards falling due on each of the member's next days, today (overdue included) first; ``today`` is its date
    forecast: tuple[int, ...] = ()
    today: date | None = None
    # The cards started and in reviews by how well established they are (Anki's card counts): still learning,
    # young (next interval under MATURE_DAYS) and mature.
    learning: int = 0
    young: int = 0
    mature: int = 0
    # Topics recalled below the member's aim, weakest first: what `/cards study topic` is for.
    weak_topics: tuple[TopicRecall, ...] = ()
    deck: str | None = None        # the deck these stats cover (None: every deck on)
    topic: str | None = None       # the topic they cover (None: every topic)


MATURE_DAYS = 21  # a card whose interval is this long or longer is mature (Anki's threshold)


@dataclass(frozen=True)
class TopicRecall:
    """How often one topic's cards were answered right: a member's reviews of them when due (a weak topic to
    drill), or a server's quiz answers on them (what the server should study next)."""

    topic: str
    recalled: int
    asked: int

    @property
    def share(self) -> float:
        return self.recalled / self.asked


@dataclass(frozen=True)
class HardCard:
    """A card the member forgot (graded Again once it was learned) at least :data:`HARD_LAPSES` times."""

    card: Flashcard
    lapses: int


@dataclass(frozen=True)
class SetAsideCard:
    """A card the member took out of their reviews, and when: ``/cards set-aside`` lists them to bring back."""

    card: Flashcard
    lapses: int
    since: datetime
