"""What community content is made of: decks, server items, suggestions and their decisions (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.content.items import ItemKind
from bot.content.loader import Problem
from bot.content.models import DOCUMENT_PREFIX, SERVER_DECK, Flashcard, Prompt


@dataclass(frozen=True)
class Deck:
    key: str
    title: str
    origin: str                 # "pack", "server" or "document"
    enabled: bool
    prompts: tuple[Prompt, ...]
    cards: tuple[Flashcard, ...]


@dataclass(frozen=True)
class ServerItem:
    guild_id: int
    item: Prompt | Flashcard
    kind: str
    deck: str
    origin: str
    author_id: int | None


def deck_title(key: str) -> str:
    if key == SERVER_DECK:
        return "This server's own"
    if key.startswith(DOCUMENT_PREFIX):
        return f"Document: {key[len(DOCUMENT_PREFIX):]}"
    return key


def item_summary(item: Prompt | Flashcard) -> str:
    """How an item is named in lists and messages: a prompt's title, a card's front."""
    return item.title if isinstance(item, Prompt) else item.front


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Suggestion:
    id: int
    guild_id: int
    author_id: int
    kind: ItemKind
    deck: str
    item: Prompt | Flashcard
    status: Status
    reviewer_id: int | None
    reason: str | None
    item_id: str | None
    queue_channel_id: int | None
    queue_message_id: int | None
    created_at: datetime
    decided_at: datetime | None
    queue_claimed_at: datetime | None = None   # a queue message being posted: sent or not, not recorded yet

    @property
    def summary(self) -> str:
        return item_summary(self.item)


@dataclass(frozen=True)
class Decision:
    suggestion: Suggestion
    item_id: str | None     # the server item an approval created


@dataclass(frozen=True)
class ImportResult:
    deck: str
    document: str
    queued: list[int]             # suggestion ids, in document order
    skipped: list[Problem]        # drafted cards the validator refused
