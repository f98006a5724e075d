"""The suggestion's message in the moderators' review channel, posted exactly once.

The steps are: claim (the channel and the time are written), send, record the message id.
A process can die between any two. A claim left without a message id is finished by the next
start: it looks in the channel for the message and records it, or sends it only when it is not
there (the Discord side re-sends with the first attempt's nonce too, so Discord itself answers
with a message it did take). A suggestion decided meanwhile gets its found message updated and
is never posted afresh: the decision already said everything. A claim Discord failed to finish
for now (a server error, a rate limit, a timeout) is finished the same way by another attempt after
a pause, while the bot runs: the service schedules it when asked through ``later``.

What is Discord's (sending, searching the channel, editing a message) is behind
:class:`ReviewQueuePublisher`; the rules of the flow are here, with its crash points.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.clock import Clock
from bot.community.models import Status, Suggestion
from bot.community.repository import SuggestionRepository
from bot.posting import crash_point, publish_once

log = logging.getLogger(__name__)

CLAIMS_PER_START = 200  # unfinished claims a start finishes; more than a few would mean Discord was down long


class QueuePostUnknown(Exception):
    """Discord did not answer (5xx, 429, a timeout): whether the message went out is unknown, so the claim stays."""


class ReviewQueuePublisher(Protocol):
    """What the review queue needs from Discord; every method is about one suggestion's queue message."""

    def has_channel(self, channel_id: int) -> bool:
        """Whether ``channel_id`` is a text channel this process may post in (a channel gone is not)."""
        ...

    def in_outage(self, guild_id: int) -> bool:
        """Whether Discord lists the server as unavailable: it then shows none of its channels, gone or not."""
        ...

    async def send(self, channel_id: int, suggestion: Suggestion, warnings: list[str]) -> int | None:
        """Send the message with its review buttons, with the same nonce on every attempt; its id, or None
        when Discord refused it for good. Raises :class:`QueuePostUnknown` when the outcome is unknown."""
        ...

    async def find(self, channel_id: int, suggestion: Suggestion) -> int | None:
        """The id of the bot's message for ``suggestion`` sent since its claim, if the channel holds one.
        Raises :class:`QueuePostUnknown` when Discord could not show the channel."""
        ...

    async def show_decided(self, channel_id: int, message_id: int, suggestion: Suggestion) -> None:
        """Show a decided suggestion's decision on its message, without buttons (best effort)."""
        ...


class ReviewQueue:
    """Claims, sends (or adopts) and records each suggestion's queue message; a part of the suggestion service."""

    def __init__(self, repo: SuggestionRepository, clock: Clock, publisher: ReviewQueuePublisher,
                 alike: Callable[[Suggestion], Awaitable[list[str]]], later: Callable[[], None]) -> None:
        self.repo = repo
        self.clock = clock
        self.publisher = publisher
        self.alike = alike  # the near-duplicate warnings the reviewers see on the message
        self.later = later  # asks for another attempt at the claims Discord failed to finish for now
        # Claims Discord failed to finish for now, for :meth:`try_again`. Only these: a claim being sent
        # right now by a member's form is not taken from under it.
        self.unfinished: set[int] = set()

    async def post(self, suggestion: Suggestion) -> bool:
        """Put a new suggestion in the moderators' channel, if the server chose one; False if it could not."""
        channel_id = await self.repo.review_channel(suggestion.guild_id)
        if channel_id is None or not self.publisher.has_channel(channel_id):
            return False
        if not await self.claim(suggestion.id, channel_id):
            return True  # posted already, or being posted
        return await self._finish(suggestion, channel_id, fresh=True)

    async def finish_claims(self, owns: Callable[[int], bool]) -> int:
        """After a restart: finish every queue message a stopped process claimed, for the servers ``owns``
        says this process serves (another shard's process cannot see their channels); return how many."""
        finished = 0
        for suggestion in await self.repo.queue_claims(CLAIMS_PER_START, owns):
            channel_id = suggestion.queue_channel_id
            if self._out_of_sight(suggestion):
                continue
            if channel_id is None or not self.publisher.has_channel(channel_id):
                log.info("the review channel of suggestion %s is gone or closed to the bot; its queue message is not "
                         "posted", suggestion.id)
                await self.repo.drop_queue_claim(suggestion.id)
                continue
            if await self._finish(suggestion, channel_id, fresh=False):
                finished += 1
        return finished

    async def try_again(self) -> None:
        """Another attempt at each queue message Discord failed to take for now (the claim stays until then)."""
        waiting, self.unfinished = self.unfinished, set()
        if not waiting:
            return
        for suggestion in await self.repo.claimed_among(waiting):
            channel_id = suggestion.queue_channel_id
            if self._out_of_sight(suggestion):
                continue
            if channel_id is None or not self.publisher.has_channel(channel_id):
                await self.repo.drop_queue_claim(suggestion.id)  # gone meanwhile: it waits in /review queue
                continue
            await self._finish(suggestion, channel_id, fresh=False)

    def _out_of_sight(self, suggestion: Suggestion) -> bool:
        """During an outage the server's review channel reads as missing though it is not: the claim is kept
        and tried again after a pause, rather than dropped as if the channel were deleted (the message would
        then never be posted)."""
        if not self.publisher.in_outage(suggestion.guild_id):
            return False
        self.unfinished.add(suggestion.id)
        self.later()
        return True

    async def claim(self, suggestion_id: int, channel_id: int) -> bool:
        """Write down that the queue message is about to be sent, before sending it: a process that dies
        after the send leaves a claim, and the next start finds the message instead of losing or
        repeating it. False when the message was already posted or is being posted."""
        claimed = await self.repo.claim_queue_post(suggestion_id, channel_id, self.clock.now())
        if claimed:
            crash_point("review.queue-claimed")
        return claimed

    async def record(self, suggestion_id: int, channel_id: int, message_id: int) -> None:
        """Record the sent (or found) queue message, so every later decision updates it."""
        await self.repo.set_queue_message(suggestion_id, channel_id, message_id)
        crash_point("review.queue-recorded")

    async def _finish(self, suggestion: Suggestion, channel_id: int, *, fresh: bool) -> bool:
        """Send the claimed message (or adopt the copy an earlier attempt sent) and record it."""
        async def find() -> int | None:
            return await self.publisher.find(channel_id, suggestion)

        async def send() -> int | None:
            if suggestion.status is not Status.PENDING:
                return None  # decided while the message was unposted: the decision already said everything
            message_id = await self.publisher.send(channel_id, suggestion, await self.alike(suggestion))
            if message_id is not None:
                crash_point("review.queue-posted")
            return message_id

        try:
            message_id = await publish_once(fresh=fresh, find_earlier=find, publish=send)
        except QueuePostUnknown as error:
            log.warning("suggestion %s: %s; it is looked for and sent again in a while", suggestion.id, error)
            self.unfinished.add(suggestion.id)
            self.later()
            return False
        if message_id is None:  # refused for good, or decided meanwhile: nothing was posted, nothing will be
            await self.repo.drop_queue_claim(suggestion.id)
            return False
        if not fresh and suggestion.status is not Status.PENDING:
            await self.publisher.show_decided(channel_id, message_id, suggestion)
        await self.record(suggestion.id, channel_id, message_id)
        return True

