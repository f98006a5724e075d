"""What daily delivery is built on: the Discord side it talks to (implemented by the daily cog), the names of its
scheduler jobs, a post's nonce and the pool a server's prompt is picked from. Kept apart from the delivery flow
(:mod:`bot.daily.delivery`) so the answers side uses them without the flow.
"""

from __future__ import annotations

import hashlib
from collections.abc import Set
from datetime import date, datetime
from typing import Protocol

from bot.content.loader import ContentLibrary
from bot.content.models import Prompt
from bot.daily.models import DailyPost, PostRecord, Published


class DailyPublisher(Protocol):
    """The Discord side of delivery, implemented by the daily cog."""

    async def find_published(self, channel_id: int, post: DailyPost, since: datetime) -> Published | None: ...

    async def publish(self, channel_id: int, post: DailyPost) -> Published: ...

    async def notify_moderators(self, guild_id: int, text: str, look_first: bool = False) -> bool:
        """Tell the server's moderators ``text``; with ``look_first``, not when it is among the notices the
        bot posted lately (it was stopped after posting and before marking it told). Whether it is there."""

    async def post_answer(self, thread_id: int, user_id: int, body: str, *, edited: bool,
                          existing_message_id: int | None, day: date | None = None, look_first: bool = False,
                          since: datetime | None = None) -> int:
        """Show the answer in the thread; ``since`` is when it was first saved (no message showing it is
        older), where a message an interrupted attempt sent is looked for."""

    async def start_thread(self, record: PostRecord, prompt: Prompt) -> int:
        """Start the discussion thread of a sent post that went without one; its id (:class:`DeliveryFailed`
        when Discord still refuses it)."""


NO_PROMPT_LEFT = ("no prompt is left for this server: its decks that are on hold none of the kinds it chose; "
                  "switch a deck on with /content decks or widen the kinds with /daily kinds")
JOB_PREFIX = "daily:post:"


def job_id(guild_id: int) -> str:
    """The scheduler job that posts this server's daily prompt: the only place the id is spelled."""
    return f"{JOB_PREFIX}{guild_id}"


RETRY_PREFIX = "daily:retry:"


def retry_job_id(guild_id: int) -> str:
    return f"{RETRY_PREFIX}{guild_id}"


def answer_retry_job_id(guild_id: int, day: date, user_id: int) -> str:
    """The retry of showing one member's answer of ``day`` that Discord failed to take for a moment."""
    return f"{answer_retries_of(guild_id)}{day.isoformat()}:{user_id}"


def answer_retries_of(guild_id: int) -> str:
    """The prefix of every answer retry of one server, so the bot leaving it removes them all."""
    return f"{RETRY_PREFIX}answer:{guild_id}:"


def post_nonce(guild_id: int, day: date) -> str:
    """A nonce of at most 25 characters, the same for every attempt at one guild's day."""
    return "d" + hashlib.sha256(f"{guild_id}:{day.isoformat()}".encode()).hexdigest()[:24]


def eligible_prompts(kinds: Set[str], library: ContentLibrary, custom: list[Prompt],
                     decks_off: Set[str]) -> dict[str, Prompt]:
    """The guild's pool: prompts of the kinds it wants from the shipped packs it has on and from its own
    prompts (already limited to its decks that are on). A pack switched off in ``/content decks`` leaves
    the rotation as it leaves study sessions and the quiz; the kinds chosen with ``/daily kinds`` hold for
    every deck, or a server asking for behavioral prompts would still be posted the design ones it wrote."""
    pool = {p.id: p for pack in library.packs if pack.name not in decks_off for p in pack.prompts}
    pool.update({p.id: p for p in custom})
    return {item_id: p for item_id, p in pool.items() if p.kind.value in kinds}
