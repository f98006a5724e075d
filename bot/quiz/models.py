"""What the quiz stores and returns."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.cards import TopicRecall


class QuizStatus(StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    CLOSED = "closed"


@dataclass(frozen=True)
class QuizSchedule:
    guild_id: int
    channel_id: int
    local_time: time
    zone: ZoneInfo
    close_hours: int
    reveal_now: bool
    enabled: bool
    cycle: int
    cycle_seed: int
    failure_notice: str | None
    starts_at: datetime | None = None  # first set up then: earlier occurrences are not owed
    failure_notice_told: bool = True  # False between storing the notice and telling it (a crash may come)

    @classmethod
    def of(cls, row: Any) -> QuizSchedule:
        hour, minute = (int(x) for x in row["local_time"].split(":"))
        return cls(row["guild_id"], row["channel_id"], time(hour, minute), ZoneInfo(row["timezone"]),
                   row["close_hours"], bool(row["reveal_now"]), bool(row["enabled"]), row["cycle"],
                   row["cycle_seed"], row["failure_notice"],
                   datetime.fromtimestamp(row["starts_at"], UTC) if row["starts_at"] is not None else None,
                   bool(row["failure_notice_told"]))


@dataclass(frozen=True)
class QuizPost:
    guild_id: int
    local_date: date
    number: int
    cycle: int
    card_id: str
    question: str
    options: tuple[str, ...]
    correct: int
    status: QuizStatus
    nonce: str
    channel_id: int
    message_id: int | None
    claimed_at: datetime
    closes_at: datetime
    failure: str | None
    occurrence_at: datetime          # the scheduled instant this quiz served (see bot.posting.occurrence)
    revealed_at: datetime | None     # when the close's results were edited into the post
    reveal_now: bool = False         # members are told right or wrong as they answer (the post says which)

    @classmethod
    def of(cls, row: Any) -> QuizPost:
        return cls(row["guild_id"], date.fromisoformat(row["local_date"]), row["number"], row["cycle"],
                   row["card_id"], row["question"], tuple(json.loads(row["options"])), row["correct"],
                   QuizStatus(row["status"]), row["nonce"], row["channel_id"], row["message_id"],
                   datetime.fromtimestamp(row["claimed_at"], UTC), datetime.fromtimestamp(row["closes_at"], UTC),
                   row["failure"], datetime.fromtimestamp(row["occurrence_at"] or row["claimed_at"], UTC),
                   datetime.fromtimestamp(row["revealed_at"], UTC) if row["revealed_at"] else None,
                   bool(row["reveal_now"]))


@dataclass(frozen=True)
class QuizResults:
    post: QuizPost
    counts: tuple[int, ...]  # how many picked each option
    source: str | None = None  # where the card's answer is in the study document (None: the card is gone)

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def right(self) -> int:
        return self.counts[self.post.correct]


class PickOutcome(StrEnum):
    """What a member's click on a quiz option did (and so what their reply shows)."""

    LOCKED = "locked"          # recorded; right or wrong is told at the close
    RIGHT = "right"            # recorded and told now (the guild chose that), or after the close
    WRONG = "wrong"
    ALREADY = "already"        # a second click: the first one counts
    CLOSED = "closed"          # too late to answer; shows the answer


ANSWER_SHOWN = (PickOutcome.RIGHT, PickOutcome.WRONG, PickOutcome.CLOSED)  # replies that show the right answer


@dataclass(frozen=True)
class Pick:
    outcome: PickOutcome
    choice: int | None         # the member's counted choice
    post: QuizPost
    source: str | None = None  # where to re-read the answer, once it is shown (right, wrong or closed)


RECORD_LATEST = 10  # a member's latest quiz answers their profile shows, right or wrong


@dataclass(frozen=True)
class QuizRecord:
    """A member's answers to a server's quizzes whose answer they were shown, for their own profile."""

    answered: int
    right: int
    latest: tuple[bool, ...]       # whether each of their latest answers was right, oldest first


@dataclass(frozen=True)
class QuizOverview:
    schedule: QuizSchedule
    next_posts: list[datetime]
    left_in_cycle: int
    last: QuizPost | None
    posts_now: bool = False  # a changed schedule whose time today passed without today's quiz: it goes out now
    hard_topics: tuple[TopicRecall, ...] = ()  # topics members answered worst (30 days), for moderators
