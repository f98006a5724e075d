"""Stand-ins for the review channel and the authors' DMs (they keep what was 'sent' and can be down, refuse, or
time out), and the suggestion service built on them over a real SQLite file."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.audit import AuditLog
from bot.clock import ManualClock
from bot.community import (
    DecisionNoticeUnknown,
    QueuePostUnknown,
    ServerContent,
    Status,
    Suggestion,
    SuggestionService,
)
from bot.content import ContentStore
from bot.scheduler import JobScheduler
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database

REVIEW_CHANNEL = 9001
GUILD = 7
MOD = 11
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
CARD = {
    "front": "What does a reranker add after vector search?",
    "back": "It re-scores the top candidates with a slower cross-encoder, trading latency for precision.",
    "topic": "Retrieval, Ranking",
    "wrong_answers": "It embeds the query a second time with a larger model, trading index size for recall.\n"
                     "It swaps the vector index for a keyword index, trading meaning for exact terms.\n"
                     "It caches answers per user, trading freshness for speed on repeated questions.",
}


def every_server(guild_id: int) -> bool:
    """A process that serves every server (one shard)."""
    return True


@pytest.fixture
def publisher() -> FakeQueuePublisher:
    """The review channel's stand-in."""
    return FakeQueuePublisher()


@pytest.fixture
def dms() -> FakeDecisionPublisher:
    """The stand-in for queue message edits and the authors' DMs."""
    return FakeDecisionPublisher()


@pytest.fixture
async def service(tmp_path: Path, publisher: FakeQueuePublisher,
                  dms: FakeDecisionPublisher) -> AsyncIterator[SuggestionService]:
    """The service over a fresh database, sending through the stand-ins, with ``GUILD``'s review channel chosen."""
    db = Database(tmp_path / "studybot.sqlite3")
    await db.open()
    clock = ManualClock(NOW)
    built = SuggestionService(db, clock, AuditLog(db, clock), ServerContent(db, ContentStore.load(SHIPPED_CONTENT_DIR)),
                              publisher, dms, JobScheduler(clock, manual=True))
    await built.set_review_channel(GUILD, MOD, REVIEW_CHANNEL)
    try:
        yield built
    finally:
        await db.close()


@dataclass
class FakeQueuePublisher:
    """Records every attempt to send a suggestion's queue message and every decision shown on one.

    ``down``: Discord answers 5xx and takes nothing. ``lost_answer``: Discord takes the message but the
    answer never arrives (a timeout after the send), so whether it went out is unknown to the bot."""

    channels: set[int] = field(default_factory=lambda: {REVIEW_CHANNEL})
    messages: dict[int, tuple[int, int]] = field(default_factory=dict)  # message id -> (channel, suggestion)
    attempts: list[int] = field(default_factory=list)                   # suggestion ids, one per send
    searches: list[int] = field(default_factory=list)                   # suggestion ids, one per search
    shown: list[tuple[int, Status]] = field(default_factory=list)       # (message id, decision shown on it)
    down: bool = False
    lost_answer: bool = False
    refuse: bool = False
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(5000))

    def has_channel(self, channel_id: int) -> bool:
        return channel_id in self.channels

    def in_outage(self, guild_id: int) -> bool:
        return False

    async def send(self, channel_id: int, suggestion: Suggestion, warnings: list[str]) -> int | None:
        self.attempts.append(suggestion.id)
        if self.down:
            raise QueuePostUnknown("Discord could not take the queue message (503)")
        if self.refuse:
            return None
        message_id = next(self.ids)
        self.messages[message_id] = (channel_id, suggestion.id)
        if self.lost_answer:
            raise QueuePostUnknown("Discord did not answer in time")
        return message_id

    async def find(self, channel_id: int, suggestion: Suggestion) -> int | None:
        self.searches.append(suggestion.id)
        if self.down:
            raise QueuePostUnknown("Discord could not show the review channel's history")
        return next((message_id for message_id, posted in self.messages.items()
                     if posted == (channel_id, suggestion.id)), None)

    async def show_decided(self, channel_id: int, message_id: int, suggestion: Suggestion) -> None:
        self.shown.append((message_id, suggestion.status))

    def posted(self, suggestion_id: int) -> list[int]:
        """The ids of the messages in the channel for one suggestion."""
        return [message_id for message_id, (_, posted) in self.messages.items() if posted == suggestion_id]


@dataclass
class FakeDecisionPublisher:
    """Records every decision shown on a queue message and every DM to an author.

    ``closed``: authors whose DMs refuse the bot for good. ``down``: Discord does not answer at all.
    ``inbox`` holds what each author's DMs hold, as (suggestion id, edited)."""

    shown: list[int] = field(default_factory=list)                          # suggestion ids, one per edit
    sends: list[tuple[int, bool, bool]] = field(default_factory=list)       # (suggestion, edited, unless_sent)
    inbox: dict[int, list[tuple[int, bool]]] = field(default_factory=dict)  # author -> notices received
    closed: set[int] = field(default_factory=set)
    down: bool = False

    async def show_decision(self, suggestion: Suggestion) -> None:
        if suggestion.queue_message_id is None:
            return  # no queue message: nothing is asked of Discord
        if self.down:
            raise DecisionNoticeUnknown("Discord did not answer in time")
        self.shown.append(suggestion.id)

    async def tell_author(self, suggestion: Suggestion, *, edited: bool, unless_sent: bool) -> bool:
        self.sends.append((suggestion.id, edited, unless_sent))
        if self.down:
            raise DecisionNoticeUnknown("Discord did not answer in time")
        if suggestion.author_id in self.closed:
            return False
        received = self.inbox.setdefault(suggestion.author_id, [])
        if unless_sent and (suggestion.id, edited) in received:
            return True
        received.append((suggestion.id, edited))
        return True
