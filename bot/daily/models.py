"""The daily feature's plain data: a guild's schedule, a ledger entry, an answer, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.content.models import Prompt, PromptKind

ALL_KINDS: tuple[str, ...] = tuple(sorted(kind.value for kind in PromptKind))
ANSWER_LIMIT = 4000  # the modal's maximum; Discord's text-input cap



@dataclass(frozen=True)
class DailySchedule:
    guild_id: int
    channel_id: int
    local_time: time
    zone: ZoneInfo
    role_id: int | None
    enabled: bool
    kinds: frozenset[str]
    cycle: int
    cycle_seed: int
    failure_notice: str | None
    updated_by: int
    updated_at: datetime
    starts_at: datetime | None = None  # first set up then: earlier occurrences are not owed
    failure_notice_told: bool = True  # False between storing the notice and telling it (a crash may come)


class PostStatus(StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class PostRecord:
    """One row of the delivery ledger: the guild's post for one occurrence, filed under a local date."""

    guild_id: int
    local_date: date
    day_number: int
    cycle: int
    prompt_id: str
    status: PostStatus
    channel_id: int
    nonce: str
    message_id: int | None
    thread_id: int | None
    claimed_at: datetime
    sent_at: datetime | None
    attempts: int
    failure: str | None
    occurrence_at: datetime  # the scheduled instant this post served (see bot.posting.occurrence)
    prompt_kind: str | None = None  # the prompt's kind when posted: what /archive filters a gone prompt by


@dataclass(frozen=True)
class DailyPost:
    """Everything the Discord side needs to render and send one day's post."""

    guild_id: int
    local_date: date
    day_number: int
    prompt: Prompt
    role_id: int | None
    nonce: str
    remaining_in_cycle: int
    low_warning: bool


@dataclass(frozen=True)
class Published:
    message_id: int
    thread_id: int | None
    problems: tuple[str, ...] = ()   # e.g. "could not start the discussion thread: ..."


class DeliveryFailed(Exception):
    """Discord refused the post (missing permission, deleted channel); ``reason`` says how to fix it.

    ``transient`` failures (Discord's 5xx, timeouts) are retried within the occurrence's window.
    """

    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class Outcome(StrEnum):
    POSTED = "posted"
    ALREADY_POSTED = "already posted"
    NOT_DUE = "not due"
    NOT_CONFIGURED = "not configured"
    PAUSED = "paused"
    FAILED = "failed"
    RETRYING = "retrying"


@dataclass(frozen=True)
class DeliveryResult:
    outcome: Outcome
    record: PostRecord | None = None
    reason: str | None = None


@dataclass(frozen=True)
class StoredAnswer:
    guild_id: int
    local_date: date
    user_id: int
    body: str
    submitted_at: datetime
    edited_at: datetime | None
    thread_message_id: int | None


@dataclass(frozen=True)
class SavedAnswer:
    answer: StoredAnswer
    edited: bool                    # a re-submission that replaced an earlier answer
    thread_id: int | None           # the discussion thread it is to be shown in, if the post has one


@dataclass(frozen=True)
class AnswerResult:
    answer: StoredAnswer
    edited: bool                    # a re-submission that replaced an earlier answer
    thread_posted: bool
    problem: str | None = None      # why it could not be shown in the thread (it is stored anyway)
    retrying: bool = False          # Discord failed for a moment: it is shown after a pause, not left unshown


@dataclass(frozen=True)
class DailyStatus:
    schedule: DailySchedule
    next_posts: list[datetime]
    remaining_in_cycle: int
    cycle_size: int
    low_warning: bool
    last_post: PostRecord | None
    last_failure: PostRecord | None
    next_prompt: Prompt | None
    problems: list[str] = field(default_factory=list)
