"""A moderator cancels a mock-interview round: every step once, and the groups told even across a crash.

The round, its interviews and the audit row change in one transaction before Discord is touched;
then each group hears once that the round was cancelled, its event and room go and its brief closes,
and the round is recorded told. A group Discord refused does not stop the others: the round stays
untold, is tried again after a pause (growing while Discord keeps failing) for a day, and the next start
finishes it after that.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from apscheduler.triggers.date import DateTrigger

from bot.audit import AuditLog
from bot.clock import Clock
from bot.errors import Conflict, NotFound
from bot.mock.jobs import cancel_tell_job, end_job, nudge_job
from bot.mock.meetings import MeetingService
from bot.mock.models import Group, Round
from bot.mock.publisher import MockPublisher
from bot.mock.repository import PairingRepository
from bot.posting import crash_point
from bot.posting.retry import next_attempt
from bot.scheduler import JobScheduler
from bot.storage import Database

log = logging.getLogger(__name__)

RETRY_WINDOW = timedelta(days=1)  # telling the groups again within the process; then at each start


def pick_open_round(rounds: list[Round], number: int | None) -> Round:
    """The open round a moderator asked to cancel. Without a number only a lone open round is meant: with a
    pair-now round beside a scheduled one, guessing could call off the interviews of the wrong members."""
    if not rounds:
        raise NotFound("There is no open round to cancel.")
    if number is not None:
        for round_ in rounds:
            if round_.number == number:
                return round_
        raise NotFound(f"Round {number} is not open, so nothing was cancelled.",
                       hint="Open now: " + ", ".join(r.label for r in rounds) + ".")
    if len(rounds) > 1:
        raise Conflict("More than one round is open (" + ", ".join(r.label for r in rounds) + "), so "
                       "nothing was cancelled.", hint="Pick the one to cancel with the `round` option.")
    return rounds[0]


class RoundCancellation:
    def __init__(self, db: Database, clock: Clock, scheduler: JobScheduler, audit: AuditLog,
                 repo: PairingRepository, meetings: MeetingService, publisher: MockPublisher) -> None:
        self.repo, self.meetings, self.publisher = repo, meetings, publisher
        self._db, self._clock = db, clock
        self._scheduler, self._audit = scheduler, audit

    async def cancel_round(self, guild_id: int, actor_id: int, number: int | None = None) -> Round:
        """A moderator cancels an open round (``number``, or the only one open): the round, its interviews and the
        audit row in one transaction, then each group is told once and its brief closed (a restart finishes what
        a crash interrupted)."""
        round_ = pick_open_round(await self.repo.open_rounds(guild_id), number)
        groups = await self.repo.groups(round_.id)
        async with self._db.transaction() as conn:
            if not await self.repo.cancel_round(conn, round_.id, self._clock.now()):
                raise Conflict(f"Round {round_.number} has just ended, so there is nothing to cancel.")
            await self.meetings.cancel_for_round(conn, groups, actor_id, self._clock.now())
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="mock.cancel-round",
                                     target_id=round_.id)
        crash_point("mock.round-cancelled")
        self._scheduler.remove(nudge_job(round_.guild_id, round_.id))
        self._scheduler.remove(end_job(round_.guild_id, round_.id))
        await self.tell_cancelled(round_, groups, fresh=True)
        return round_

    async def tell_cancelled(self, round_: Round, groups: list[Group], *, fresh: bool, attempt: int = 0) -> None:
        """Each told group of ``groups`` (the round's) hears once that ``round_`` was cancelled (``fresh``: just
        now, so none has heard), its event and room go and its brief closes; then the round is recorded told. A
        group Discord refused does not stop the others; the round then stays untold and is tried again after a
        pause (each thread read first), and at the next start."""
        all_told = True
        for group in groups:
            try:
                await self.meetings.sync_event(group.id)
            except Exception:
                log.exception("could not remove the event of group %s; it is retried at the next start", group.id)
            if group.delivery == "pending":  # a group never told of the round has nothing to hear
                continue
            try:
                await self.publisher.tell_round_cancelled(round_, group, fresh=fresh)
            except Exception:
                log.exception("could not tell group %s that round %s was cancelled", group.id, round_.id)
                all_told = False
                continue
            crash_point("mock.round-cancel-told")
        if all_told:
            await self.repo.mark_cancel_told(round_.id)
            return
        when = next_attempt(attempt + 1, self._clock.now(), round_.ends_at + RETRY_WINDOW)
        if when is not None:
            self._scheduler.add(cancel_tell_job(round_.guild_id, round_.id), DateTrigger(run_date=when),
                                self._tell_again, round_.id, attempt + 1)

    async def _tell_again(self, round_id: int, attempt: int) -> None:
        """A retry's job: the groups of the round, unless a start told them meanwhile."""
        round_ = next((r for r in await self.repo.untold_cancellations() if r.id == round_id), None)
        if round_ is not None:
            await self.tell_cancelled(round_, await self.repo.groups(round_id), fresh=False, attempt=attempt)

    async def catch_up_cancelled(self, owns: Callable[[int], bool]) -> None:
        """After connecting: finish telling the groups of a round cancelled just before a crash."""
        for round_ in await self.repo.untold_cancellations():
            if owns(round_.guild_id):
                try:
                    await self.tell_cancelled(round_, await self.repo.groups(round_.id), fresh=False)
                except Exception:
                    log.exception("could not tell the groups of cancelled round %s", round_.id)
