"""What the archive and practice return: a page of past days, an offered prompt, a saved answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.content.models import Prompt


@dataclass(frozen=True)
class ArchiveEntry:
    day_number: int
    local_date: date
    prompt: Prompt | None            # None: the prompt has left the packs, or a moderator removed it, since
    prompt_id: str
    channel_id: int
    message_id: int | None
    thread_id: int | None
    # A server's own prompt still kept, in a deck this server switched off: that deck's key. Such a prompt
    # did not leave any pack; a moderator can switch its deck back on.
    switched_off_deck: str | None = None
    # A server's own prompt a moderator removed with ``/content remove`` (no prompt any more): its title then.
    # It did not leave any pack, and switching a deck on does not bring it back.
    removed_title: str | None = None
    # The prompt's kind: the prompt's own, or the one stored with the post when the prompt is gone (None for a
    # day posted before kinds were stored whose prompt left before they could be filled in).
    kind: str | None = None
    answered: bool = False           # the member asking answered this prompt, on its day or in practice


@dataclass(frozen=True)
class ArchivePage:
    entries: list[ArchiveEntry]
    page: int
    pages: int
    total: int
    answered: int = 0                # of ``total``, how many the member asking answered


@dataclass(frozen=True)
class PracticeOffer:
    prompt: Prompt
    left: int                        # unanswered prompts matching the filters, this one included
    position: int                    # which of them (for "another prompt")


@dataclass(frozen=True)
class PracticeResult:
    prompt: Prompt
    replaced: bool                   # a second submission replaces the first and credits nothing
