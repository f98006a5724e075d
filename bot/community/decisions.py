"""Telling a suggestion's author about the decision, and finishing decisions a restart cut off.

A decision commits first; then its queue message shows it, the author gets a DM, and only then is
the suggestion marked told. A process can die anywhere in between, so each start finishes every
decision not marked told, of the servers this process serves (another shard's process finishes the
others: only it sees their channels and names): the queue message shows the decision (an edit, harmless
twice), and the DM goes out unless the author's latest DMs already hold it (the process may have died
after sending it, before marking it told).

A card drafted from a moderator's uploaded document (queued in the document's deck) has no author to tell:
its "author" is the moderator who uploaded it, nothing is credited to them, and one DM per card of a
document (up to 200) would bury their DMs. Its decision is marked told without one.

A DM Discord refuses (the member's DMs are closed, the member is gone) still marks the decision told:
the author sees the outcome in ``/suggest mine``, and asking again at every start would change nothing.
When Discord does not answer at all (a timeout, a dropped connection) or cannot take the DM for now (a
server error, a rate limit), the author may not have it: the decision stays untold, and it (with those a
start's pass had still to tell) is tried again after a pause, looking among the author's DMs first, for as
long as the bot runs; the service schedules the attempt when asked through ``later``.

What is Discord's (editing the queue message, wording and sending the DM, reading the author's DMs) is
behind :class:`DecisionPublisher`; the rules are here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from bot.clock import Clock
from bot.community.models import SERVER_DECK, Suggestion
from bot.community.repository import SuggestionRepository
from bot.posting import crash_point

log = logging.getLogger(__name__)

UNTOLD_PER_START = 200  # decisions a start finishes; more than a few would mean the bot was down mid-review


class DecisionNoticeUnknown(Exception):
    """Discord did not answer (a timeout, a dropped connection) or could not take the message for now (a server
    error, a rate limit): the author may not have been told, so the decision stays untold."""


class DecisionPublisher(Protocol):
    """What telling a decision needs from Discord; every method is about one decided suggestion."""

    async def show_decision(self, suggestion: Suggestion) -> None:
        """Show the decision on the suggestion's queue message, without buttons. Nothing happens when it has
        none, or the channel is gone, or Discord refuses the edit (best effort). Raises
        :class:`DecisionNoticeUnknown` when Discord did not answer."""
        ...

    async def tell_author(self, suggestion: Suggestion, *, edited: bool, unless_sent: bool) -> bool:
        """DM the author the decision (``edited``: approved with a moderator's edits, which the notice says);
        with ``unless_sent``, not when the author's latest DMs already hold that notice. True when the
        author has it, False when Discord refused for good. Raises :class:`DecisionNoticeUnknown` when
        Discord did not answer."""
        ...


def has_author(suggestion: Suggestion) -> bool:
    """Whether a member suggested it (the server's deck), rather than it was drafted from an uploaded document."""
    return suggestion.deck == SERVER_DECK


class DecisionNotices:
    """Marks decisions told and finishes the untold ones at start-up; a part of the suggestion service."""

    def __init__(self, repo: SuggestionRepository, clock: Clock, publisher: DecisionPublisher,
                 later: Callable[[], None]) -> None:
        self.repo = repo
        self.clock = clock
        self.publisher = publisher
        self.later = later  # asks for another attempt at the decisions Discord failed to tell for now
        # Decisions Discord failed to tell for now, for :meth:`try_again`. Only these: a decision being told
        # right now by a moderator's click is not taken from under it (its author would get the DM twice).
        self.untold: set[int] = set()

    async def finish_untold(self, owns: Callable[[int], bool]) -> int:
        """After a restart: show each decision the author was not told about on its queue message and DM the
        author once, for the servers ``owns`` says this process serves; return how many authors have the DM."""
        # Another shard's process tells the others, with the server's name it alone knows.
        return await self._finish(await self.repo.untold(UNTOLD_PER_START, owns))

    async def try_again(self) -> None:
        """Another attempt at each decision Discord failed to tell for now (decided, not marked told)."""
        waiting, self.untold = self.untold, set()
        if waiting:
            await self._finish(await self.repo.untold_among(waiting))

    async def _finish(self, decisions: list[tuple[Suggestion, bool]]) -> int:
        """Show each decision on its queue message and DM its author unless their DMs hold it already; when
        Discord fails for now, stop asking it and leave that one and the rest for another attempt."""
        told = 0
        for index, (suggestion, edited) in enumerate(decisions):
            try:
                await self.publisher.show_decision(suggestion)
                if not has_author(suggestion):
                    await self.mark_told(suggestion.id)
                    continue
                reached = await self.publisher.tell_author(suggestion, edited=edited, unless_sent=True)
            except DecisionNoticeUnknown as error:
                log.warning("suggestion %s: %s; its author and the rest are told in a while", suggestion.id, error)
                self.untold.update(s.id for s, _ in decisions[index:])
                self.later()
                break
            if reached:
                told += 1
            crash_point("review.author-dmed")
            await self.mark_told(suggestion.id)  # told, or told all Discord lets us: /suggest mine has it
        return told

    async def tell(self, suggestion: Suggestion, *, edited: bool) -> bool | None:
        """Right after the decision (a moderator's click): DM the author and mark the decision told. True when the
        author has it, False when Discord refused for good (told all it lets us: ``/suggest mine`` has it), None
        when Discord did not answer or could not take it for now: it stays untold and is tried again in a while."""
        if not has_author(suggestion):
            await self.mark_told(suggestion.id)
            return True  # nobody to tell: nothing Discord could refuse
        try:
            reached = await self.publisher.tell_author(suggestion, edited=edited, unless_sent=False)
        except DecisionNoticeUnknown as error:
            log.warning("suggestion %s: %s; its author is told in a while", suggestion.id, error)
            self.untold.add(suggestion.id)
            self.later()
            return None
        crash_point("review.author-dmed")
        await self.mark_told(suggestion.id)
        return reached

    async def mark_told(self, suggestion_id: int) -> None:
        """The author has the decision, or Discord refused the DM for good: no start tells it again."""
        await self.repo.mark_told(suggestion_id, self.clock.now())
        crash_point("review.author-told")
