"""Suggestions and their review: the rules, with no Discord in sight (the SQL is in the repository).

A suggestion is validated before it is stored, so the queue only ever holds items a pack
could ship. Deciding one is a single conditional UPDATE (``… WHERE status = 'pending'``)
in the transaction that creates the server item: of two moderators clicking at once,
exactly one wins and the other is told who decided first.

What Discord fails to take for now (a queue message, a decision's DM) is tried again by one job
(:func:`retry_job`), after pauses that grow while Discord keeps failing, for as long as the bot runs;
a start finishes what a stopped process left (:meth:`SuggestionService.catch_up`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime

import aiosqlite
from apscheduler.triggers.date import DateTrigger

from bot.audit import AuditLog
from bot.clock import Clock
from bot.community.decisions import DecisionNotices, DecisionPublisher
from bot.community.forms import build_item, form_fields
from bot.community.library import ServerContent
from bot.community.models import SERVER_DECK, Decision, Deck, ServerItem, Status, Suggestion, item_summary
from bot.community.repository import SuggestionRepository
from bot.community.review_queue import ReviewQueue, ReviewQueuePublisher
from bot.content.items import ItemKind, alike_problems
from bot.content.models import Flashcard, Prompt
from bot.errors import Conflict, InvalidInput, NotFound, bounded_text
from bot.overview import ConfiguredFeature
from bot.posting import crash_point
from bot.posting.retry import BACKOFF
from bot.scheduler import JobScheduler
from bot.storage import Database

log = logging.getLogger(__name__)

PENDING_PER_AUTHOR = 10     # one member cannot bury the queue
SERVER_ITEM_LIMIT = 2000    # prompts and cards a server can own, all decks together
REASON_LIMIT = 500
JOB_PREFIX = "community:"


def retry_job() -> str:
    """Another attempt at the queue messages and decision DMs Discord failed to take for now."""
    return f"{JOB_PREFIX}retry"


def server_item_prefix(guild_id: int) -> str:
    """How the ids of a server's own items begin: what is keyed on an item's id alone (a member's memory of a
    card) is found by it when the server's data goes."""
    return f"g{guild_id}-"


def item_id_for(suggestion: Suggestion) -> str:
    """Unique across servers (memory of a card is keyed on its id alone) and stable."""
    return f"{server_item_prefix(suggestion.guild_id)}{suggestion.kind[0]}{suggestion.id}"


_REVIEWED_ID = re.compile(r"g\d+-[pc]\d+")


def reviewed_item(item_id: str) -> bool:
    """Whether an item came through the review queue (a member's suggestion, or a card drafted from an uploaded
    document), by the id :func:`item_id_for` gave it: its text was written by a member and reviewed as plain text."""
    return _REVIEWED_ID.fullmatch(item_id) is not None


class SuggestionService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, content: ServerContent,
                 publisher: ReviewQueuePublisher, decisions: DecisionPublisher, scheduler: JobScheduler) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.content = content
        self.scheduler = scheduler
        self.repo = SuggestionRepository(db)
        self.review_queue = ReviewQueue(self.repo, clock, publisher, alike=self.alike, later=self._try_again_later)
        self.notices = DecisionNotices(self.repo, clock, decisions, later=self._try_again_later)
        self._retries = 0          # attempts in a row that Discord failed; the pause grows with them
        self._retry_asked = False  # an attempt is scheduled (asked again while it runs: another one follows)

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        """Nothing to schedule: the only job is a retry, asked for when Discord fails."""

    async def catch_up(self) -> None:
        """Finish what a stopped process cut off in this process's servers: queue messages first (so a decision
        made meanwhile updates the message found), then the authors of decisions not told yet."""
        posted = await self.finish_queue_posts(self.scheduler.owns)
        if posted:
            log.info("finished %d queue messages claimed before a restart", posted)
        told = await self.finish_untold(self.scheduler.owns)
        if told:
            log.info("told %d authors about decisions made before a restart", told)

    async def stop(self) -> None:
        self.scheduler.remove_prefix(JOB_PREFIX)
        self._retry_asked = False

    def forget_guild(self, guild_id: int) -> None:
        """Nothing to remove: the one retry job serves every server, and what a server that removed the bot still
        waits for is left out of it (and of a start's catch-up) by the queries, until :meth:`resume_guild`."""

    async def resume_guild(self, guild_id: int) -> None:
        """The server added the bot back: finish its queue messages and tell its authors what waited meanwhile."""
        await self.finish_queue_posts(lambda other: other == guild_id)
        await self.finish_untold(lambda other: other == guild_id)

    def _try_again_later(self) -> None:
        """Discord failed to take a queue message or a decision's DM for now: one attempt at all of them after a
        pause, growing while Discord keeps failing (the last pause repeats, for as long as the bot runs)."""
        if self._retry_asked:
            return
        self._retry_asked = True
        self._retries += 1
        pause = BACKOFF[min(self._retries, len(BACKOFF)) - 1]
        self.scheduler.add(retry_job(), DateTrigger(run_date=self.clock.now() + pause), self._try_again)

    async def _try_again(self) -> None:
        self._retry_asked = False
        await self.review_queue.try_again()  # first, so a decision made meanwhile updates the message sent
        await self.notices.try_again()
        if not self._retry_asked:
            self._retries = 0  # all went through: a later failure starts again from the shortest pause

    async def decks(self, guild_id: int) -> list[Deck]:
        """Every deck the server could study, shipped packs first, with whether it is on."""
        return await self.content.decks(guild_id)

    async def switch_deck(self, guild_id: int, key: str, enabled: bool, actor_id: int, now: datetime) -> Deck:
        """Switch one deck on or off by name (also one the ``/content decks`` menu has no room for)."""
        deck = await self.content.require_deck(guild_id, key)
        await self._switch(guild_id, [deck], {deck.key: enabled}, actor_id, now)
        return await self.content.require_deck(guild_id, key)

    async def choose_decks(self, guild_id: int, shown: Collection[str], on: Collection[str], actor_id: int,
                           now: datetime) -> list[Deck]:
        """Of the decks a moderator was ``shown``, switch on those in ``on`` and the rest off, in one
        transaction; decks the menu did not show (past its 25 options) are left as they are.

        A key that is not one of the server's decks (one removed while the menu was open) is refused
        before anything is written."""
        decks = await self.content.decks(guild_id)
        known = {deck.key for deck in decks}
        for key in {*shown, *on}:
            if key not in known:
                await self.content.require_deck(guild_id, key)  # raises, naming the decks there are
        await self._switch(guild_id, decks, {key: key in on for key in shown}, actor_id, now)
        return await self.content.decks(guild_id)

    async def _switch(self, guild_id: int, decks: list[Deck], states: dict[str, bool], actor_id: int,
                      now: datetime) -> None:
        """Write the switches and, when any deck changed, one audit entry naming each change."""
        before = {deck.key: deck.enabled for deck in decks}
        changed = {key: on for key, on in states.items() if before.get(key) != on}
        async with self.db.transaction() as conn:
            await self.content.switch_in(conn, guild_id, states, actor_id, now)
            if changed:
                await self.audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="content.decks",
                                        old={key: before.get(key) for key in changed}, new=changed)

    async def own_items(self, guild_id: int) -> list[ServerItem]:
        """The server's own prompts and cards (written, suggested or imported), oldest first."""
        return await self.content.items(guild_id)

    async def own_item(self, guild_id: int, item_id: str, conn: aiosqlite.Connection | None = None) -> ServerItem:
        item = await self.content.item(guild_id, item_id, conn)
        if item is None:
            raise NotFound(f"This server has no prompt or card `{item_id[:60]}` of its own.",
                           hint="Pick one from the list `/content remove` offers as you type.")
        return item

    async def edit_item(self, guild_id: int, item_id: str, actor_id: int, fields: dict[str, str]) -> ServerItem:
        """Rewrite one of the server's own prompts or cards, checked like a pack item, under the same id:
        members keep their history of an edited card, and fields not on the form stay as they were.

        The item is read in the transaction that saves it: the hints another moderator saved a moment ago
        stay, not overwritten by the text read before them."""
        async with self.db.transaction() as conn:
            entry = await self.own_item(guild_id, item_id, conn)
            kind: ItemKind = "prompt" if isinstance(entry.item, Prompt) else "card"
            edited = build_item(kind, {**form_fields(entry.item), **fields},
                                entry.item.source.model_dump()).model_copy(update={"id": item_id})
            if not await self.content.update_in(conn, guild_id, edited, self.clock.now()):
                raise NotFound("That item was removed a moment ago; nothing was saved.")
            await self.audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="content.edit",
                                    old={"item": item_id, "title": item_summary(entry.item)},
                                    new={"item": item_id, "title": item_summary(edited)})
        return replace(entry, item=edited)

    async def remove_item(self, guild_id: int, item_id: str, actor_id: int) -> ServerItem:
        """Remove one of the server's own prompts or cards for good, with an audit entry.

        It leaves study, the quiz, the daily rotation and practice at once; members' review history
        of a card stays (as for a card a pack drops), and posts already made stay as they are."""
        item = await self.own_item(guild_id, item_id)
        async with self.db.transaction() as conn:
            if not await self.content.delete_in(conn, guild_id, item_id):
                raise NotFound("That item was removed a moment ago; nothing else was changed.")
            await self.audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="content.remove",
                                    old={"item": item_id, "deck": item.deck, "title": item_summary(item.item)})
        return item

    # -- members ---------------------------------------------------------------------------
    async def suggest(self, guild_id: int, author_id: int, kind: ItemKind, fields: dict[str, str]) -> Suggestion:
        """Validate a member's form with the pack rules, then queue it; a bad form stores nothing."""
        item = build_item(kind, fields)
        async with self.db.transaction() as conn:
            pending = await self.repo.pending_by(conn, guild_id, author_id, SERVER_DECK)
            if pending >= PENDING_PER_AUTHOR:
                raise InvalidInput(f"You already have {pending} suggestions waiting for review.",
                                   hint="Once moderators have looked at them you can suggest more "
                                        "(`/suggest mine` shows where they are).")
            suggestion_id = await self.queue_item(conn, guild_id, author_id, item, deck=SERVER_DECK)
        return await self.get(guild_id, suggestion_id)

    async def queue_item(self, conn: aiosqlite.Connection, guild_id: int, author_id: int,
                         item: Prompt | Flashcard, *, deck: str) -> int:
        """Insert one validated item as a pending suggestion (also used for a document's drafted cards)."""
        return await self.repo.insert(conn, guild_id, author_id, item, deck, self.clock.now())

    async def mine(self, guild_id: int, author_id: int, limit: int = 15) -> list[Suggestion]:
        return await self.repo.by_author(guild_id, author_id, limit)

    # -- moderators ------------------------------------------------------------------------
    async def get(self, guild_id: int, suggestion_id: int, conn: aiosqlite.Connection | None = None) -> Suggestion:
        """A suggestion of *this* server: an id from another server is simply not found."""
        found = await self.repo.get(guild_id, suggestion_id, conn)
        if found is None:
            raise NotFound(f"There is no suggestion #{suggestion_id} in this server.",
                           hint="`/review queue` lists the ones waiting.")
        return found

    async def pending(self, guild_id: int, *, offset: int = 0, limit: int = 10) -> tuple[list[Suggestion], int]:
        return await self.repo.pending(guild_id, offset, limit)

    async def approve(self, guild_id: int, suggestion_id: int, moderator_id: int,
                      edited: dict[str, str] | None = None) -> Decision:
        """Approve as suggested, or with a moderator's edits (validated the same way); once only.

        The suggestion is read in the deciding transaction: hints another moderator saved a moment ago are
        part of what is approved, not overwritten by the text read before them."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            current = await self.get(guild_id, suggestion_id, conn)
            item = current.item
            if edited is not None:  # fields not on the form stay
                item = build_item(current.kind, {**form_fields(item), **edited}, current.item.source.model_dump())
            final = item.model_copy(update={"id": item_id_for(current)})
            owned = await self.repo.server_items(conn, guild_id)
            if owned >= SERVER_ITEM_LIMIT:
                raise InvalidInput(f"This server already owns {SERVER_ITEM_LIMIT} prompts and cards.",
                                   hint="That is the most a server can keep; export and prune some first.")
            await self._decide(conn, current, Status.APPROVED, moderator_id, now, item_id=final.id,
                               data=final.model_dump_json())
            origin = "imported" if current.deck != SERVER_DECK else "suggested"
            await self.content.insert(conn, guild_id, final, deck=current.deck, origin=origin,
                                      author_id=current.author_id, approved_by=moderator_id, now=now)
            await self.audit.record(conn, guild_id=guild_id, actor_id=moderator_id,
                                    action="review.edit-approve" if edited is not None else "review.approve",
                                    target_id=current.author_id, new={"suggestion": current.id, "item": final.id})
        crash_point("review.decided")
        return Decision(await self.get(guild_id, suggestion_id), final.id)

    async def revise(self, guild_id: int, suggestion_id: int, moderator_id: int, edited: dict[str, str]) -> Suggestion:
        """Change a waiting suggestion without deciding it (a prompt's hints, which the edit-and-approve
        form has no room for: Discord allows five inputs), validated as an approval would be."""
        current = await self.get(guild_id, suggestion_id)
        revised = build_item(current.kind, {**form_fields(current.item), **edited}, current.item.source.model_dump())
        async with self.db.transaction() as conn:
            if not await self.repo.revise_pending(conn, current, revised.model_dump_json()):
                raise await self._already_decided(conn, current, hint="A decided suggestion is not edited here; "
                                                  "`/content edit` changes the server's own items.")
            await self.audit.record(conn, guild_id=guild_id, actor_id=moderator_id, action="review.revise",
                                    target_id=current.author_id, new={"suggestion": current.id,
                                                                      "fields": sorted(edited)})
        return await self.get(guild_id, suggestion_id)

    async def reject(self, guild_id: int, suggestion_id: int, moderator_id: int, reason: str) -> Decision:
        text = bounded_text(reason, what="The reason", limit=REASON_LIMIT, required=True,
                            empty_hint="Say what would make it acceptable; the author is told.")
        current = await self.get(guild_id, suggestion_id)
        async with self.db.transaction() as conn:
            await self._decide(conn, current, Status.REJECTED, moderator_id, self.clock.now(), reason=text)
            await self.audit.record(conn, guild_id=guild_id, actor_id=moderator_id, action="review.reject",
                                    target_id=current.author_id, new={"suggestion": current.id}, reason=text)
        crash_point("review.decided")
        return Decision(await self.get(guild_id, suggestion_id), None)

    async def _decide(self, conn: aiosqlite.Connection, current: Suggestion, status: Status, moderator_id: int,
                      now: datetime, *, item_id: str | None = None, reason: str | None = None,
                      data: str | None = None) -> None:
        if not await self.repo.decide(conn, current, status, moderator_id, now, item_id=item_id, reason=reason,
                                      data=data):
            raise await self._already_decided(conn, current, hint="A suggestion is decided once; nothing was "
                                                                  "changed.")

    async def _already_decided(self, conn: aiosqlite.Connection, current: Suggestion, *, hint: str) -> Conflict:
        """Someone decided the suggestion first (read inside the transaction that lost the race)."""
        decided = await self.repo.decided_by(conn, current.id)
        who = f" by <@{decided[1]}>" if decided and decided[1] else ""
        return Conflict(f"Suggestion #{current.id} was already {decided[0] if decided else 'decided'}{who}.",
                        hint=hint)

    async def alike(self, suggestion: Suggestion) -> list[str]:
        """The validator's near-duplicate warnings against what the server already uses (for reviewers)."""
        if suggestion.status is not Status.PENDING:
            return []
        item = suggestion.item
        if isinstance(item, Prompt):
            own = await self.content.items(suggestion.guild_id, kind="prompt")
            others: list[Prompt] | list[Flashcard] = [
                *self.content.content.library.prompts, *(e.item for e in own if isinstance(e.item, Prompt))]
        else:
            others = list((await self.content.cards(suggestion.guild_id)).values())
        return [p.message for p in alike_problems(item, others, f"suggestion #{suggestion.id}")]

    # -- the author told: marked, and finished after a restart (see decisions.py) ------------
    async def tell_author(self, suggestion: Suggestion, *, edited: bool) -> bool | None:
        """DM the author the decision just made: True when they have it, False when Discord refused it for good
        (both mark it told), None when Discord could not take it for now (the next start tells them)."""
        return await self.notices.tell(suggestion, edited=edited)

    async def mark_told(self, suggestion_id: int) -> None:
        """The author has the decision's DM, or Discord refused it for good."""
        await self.notices.mark_told(suggestion_id)

    async def finish_untold(self, owns: Callable[[int], bool]) -> int:
        """After a restart: show each decision whose author was not told on its queue message and DM the
        author once, for the servers this process serves; return how many authors have the DM."""
        return await self.notices.finish_untold(owns)

    # -- the queue message: claimed, sent, recorded (see review_queue.py) -----------------
    async def post_to_queue(self, suggestion: Suggestion) -> bool:
        """Post a new suggestion to the moderators' review channel once, if the server chose one; False when
        it could not be posted (no channel, refused, or Discord did not answer: a restart tries again)."""
        return await self.review_queue.post(suggestion)

    async def finish_queue_posts(self, owns: Callable[[int], bool]) -> int:
        """After a restart: find or send each queue message a stopped process claimed but never recorded,
        for the servers this process serves; return how many were finished."""
        return await self.review_queue.finish_claims(owns)

    # -- settings --------------------------------------------------------------------------
    async def review_channel(self, guild_id: int) -> int | None:
        return await self.repo.review_channel(guild_id)

    async def settings_section(self, guild_id: int) -> ConfiguredFeature | None:
        """This feature's part of the settings overview, once a review channel is chosen: the overview then
        says when that channel is gone or closed to the bot, which the queue itself cannot tell anyone."""
        channel_id = await self.repo.review_channel(guild_id)
        if channel_id is None:
            return None
        return ConfiguredFeature("Suggestion review", True, channel_id,
                                 "new suggestions posted with Approve, Edit and Reject buttons "
                                 "(`/review queue` lists those waiting)", position=40)

    async def set_review_channel(self, guild_id: int, actor_id: int, channel_id: int | None) -> None:
        now = self.clock.now()
        async with self.db.transaction() as conn:
            await self.repo.set_review_channel(conn, guild_id, actor_id, channel_id, now)
            await self.audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="review.channel",
                                    new=channel_id)

