"""What a group hears of its interview's time, sent once, even across a crash: a member's proposed time,
the confirmation of each agreed (or moved) time, and a member's cancellation.

Each is stored before anything is sent: a proposal (with its proposer's acceptance) marked still to post,
an agreement with a new version, a cancellation marked still to tell. The group then hears "… proposes
meeting at …" with its Accept button (or "Interview confirmed for …", "moved to …", "… cancelled this
interview"); the brief at the top of its thread shows an agreed time where it showed suggestions (or that
the interview is off, without its buttons); and the message is recorded told. A crash between the two
used to leave the group without the message, while the event and reminders went ahead (or went away).
Now what is untold is finished when the bot connects again: it looks first for the message an interrupted
attempt may have sent, and sends it only when it is not there. A message Discord failed to take for a moment
is finished the same way a little later (:meth:`Confirmations.fresh`), without failing the member's click.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock
from bot.mock.agreement import last_start, open_options
from bot.mock.jobs import tell_job
from bot.mock.meeting_repository import Meeting, MeetingRepository, TimeOption
from bot.mock.models import Group, Round, staying_in
from bot.mock.repository import PairingRepository
from bot.posting import crash_point, publish_once
from bot.posting.retry import next_attempt
from bot.scheduler import JobScheduler

log = logging.getLogger(__name__)

# How long what Discord failed to take for a moment is tried again after the click that stored it; then at each start.
RETRY_WINDOW = timedelta(hours=1)


class ConfirmationPublisher(Protocol):
    async def post_proposal(self, round_: Round, group: Group, option: TimeOption, *, fresh: bool) -> int | None:
        """Show the group a member's proposed time with its Accept button; as :meth:`post_confirmed`."""
    async def find_proposal(self, round_: Round, group: Group, option: TimeOption) -> int | None:
        """That message, if an interrupted attempt already posted it in the group's thread."""
    async def post_confirmed(self, round_: Round, group: Group, meeting: Meeting, *, fresh: bool) -> int | None:
        """Tell the group its agreed time ("moved to" from the second version on); the message's id in the
        group's thread, None when told by DM. Unless ``fresh`` (stored just now), a member whose DMs already
        hold it from an interrupted attempt is not sent it again."""
    async def find_confirmed(self, round_: Round, group: Group, meeting: Meeting) -> int | None:
        """That message, if an interrupted attempt already posted it in the group's thread and no later
        confirmation followed it."""
    async def show_agreed(self, round_: Round, group: Group, meeting: Meeting) -> None:
        """Show the agreed time in the group's brief, where the suggestions were; the same edit again changes
        nothing."""
    async def post_cancelled(self, round_: Round, group: Group, meeting: Meeting, *, fresh: bool) -> int | None:
        """Tell the group who cancelled and why; as :meth:`post_confirmed`."""
    async def find_cancelled(self, round_: Round, group: Group, meeting: Meeting) -> int | None:
        """That message, if an interrupted attempt already posted it in the group's thread."""
    async def show_cancelled(self, round_: Round, group: Group, meeting: Meeting) -> None:
        """Show in the group's brief that the interview is off, without the buttons for agreeing a time."""


class Confirmations:
    def __init__(self, repo: MeetingRepository, pairing: PairingRepository, publisher: ConfirmationPublisher,
                 locks: defaultdict[int, asyncio.Lock], clock: Clock, scheduler: JobScheduler) -> None:
        self.repo, self.pairing, self.publisher = repo, pairing, publisher
        self._locks = locks  # the meeting service's: a member's click and the catch-up never tell at once
        self._clock, self._scheduler = clock, scheduler

    async def tell_proposed(self, round_: Round, group: Group, option: TimeOption, *, fresh: bool) -> None:
        """Show ``group`` a member's proposed time once, then record it told. Call with the group's lock held."""
        publisher = self.publisher
        message_id = await self._once(fresh, post=lambda: publisher.post_proposal(round_, group, option, fresh=fresh),
                                      find=lambda: publisher.find_proposal(round_, group, option),
                                      sent=lambda: crash_point("meeting.proposal-told"))
        await self.repo.mark_proposal_told(option.id, message_id)

    async def tell_agreed(self, round_: Round, group: Group, meeting: Meeting, *, fresh: bool) -> None:
        """Tell ``group`` of ``meeting``'s agreed time once (``fresh``: stored just now, so nothing was sent
        before), show it in the brief, then record that version told. Call with the group's lock held."""
        publisher = self.publisher
        await self._once(fresh, post=lambda: publisher.post_confirmed(round_, group, meeting, fresh=fresh),
                         find=lambda: publisher.find_confirmed(round_, group, meeting),
                         sent=lambda: crash_point("meeting.confirmation-told"))
        await _in_brief(publisher.show_agreed(round_, group, meeting), group)
        await self.repo.mark_told(group.id, meeting.version)

    async def tell_cancelled(self, round_: Round, group: Group, meeting: Meeting, *, fresh: bool) -> None:
        """As :meth:`tell_agreed`, for a member's cancellation."""
        publisher = self.publisher
        await self._once(fresh, post=lambda: publisher.post_cancelled(round_, group, meeting, fresh=fresh),
                         find=lambda: publisher.find_cancelled(round_, group, meeting),
                         sent=lambda: crash_point("meeting.cancellation-told"))
        await _in_brief(publisher.show_cancelled(round_, group, meeting), group)
        await self.repo.mark_cancel_told(group.id)

    @staticmethod
    async def _once(fresh: bool, *, post: Callable[[], Awaitable[int | None]],
                    find: Callable[[], Awaitable[int | None]], sent: Callable[[], None]) -> int | None:
        """Post, unless (not ``fresh``) an interrupted attempt already did; ``sent`` marks the crash point
        between the message and its record."""
        async def publish() -> int | None:
            message_id = await post()
            sent()
            return message_id

        return await publish_once(fresh=fresh, find_earlier=find, publish=publish)

    async def fresh(self, guild_id: int, tell: Awaitable[None]) -> None:
        """Tell a group what was stored just now (``tell``, one of the ``tell_*`` with ``fresh``). When Discord
        fails, the member's click still succeeds: what stays untold is finished after a pause, as at a start."""
        try:
            await tell
        except Exception:
            log.exception("could not tell a mock group of guild %s; trying again shortly", guild_id)
            self._again_later(guild_id, 1, self._clock.now() + RETRY_WINDOW)

    def _again_later(self, guild_id: int, attempt: int, until: datetime) -> None:
        when = next_attempt(attempt, self._clock.now(), until)
        if when is not None:
            self._scheduler.add(tell_job(guild_id), DateTrigger(run_date=when), self._tell_again, guild_id, attempt,
                                until)

    async def _tell_again(self, guild_id: int, attempt: int, until: datetime) -> None:
        if await self.catch_up(lambda other: other == guild_id, self._clock.now()):
            self._again_later(guild_id, attempt + 1, until)

    async def catch_up(self, owns: Callable[[int], bool], now: datetime) -> int:
        """After connecting: tell each group of this process what a crash kept from it; how many failed."""
        failed = 0
        for option in await self.repo.untold_proposals(owns):
            try:
                async with self._locks[option.group_id]:
                    await self._post_proposal(option.id, owns, now)
            except Exception:
                log.exception("could not post the proposed time %s; it is tried again at the next start", option.id)
                failed += 1
        for untold in await self.repo.untold():
            if not owns(untold.guild_id):
                continue
            try:
                async with self._locks[untold.group_id]:
                    await self._finish(untold.group_id)
            except Exception:
                log.exception("could not tell group %s of its interview's time; it is tried again at the next start",
                              untold.group_id)
                failed += 1
        return failed

    async def _finish(self, group_id: int) -> None:
        meeting = await self.repo.meeting(group_id)  # as it is now, under the group's lock
        group = await self.pairing.group(group_id)
        round_ = await self.pairing.round(group.round_id) if group is not None else None
        if meeting is None or group is None or round_ is None:
            return
        staying = staying_in(group, await self.pairing.departed_from(group.id))
        if meeting.status == "agreed" and meeting.told_version < meeting.version:
            await self.tell_agreed(round_, staying, meeting, fresh=False)
        elif meeting.status == "cancelled" and not meeting.cancel_told:
            await self.tell_cancelled(round_, staying, meeting, fresh=False)

    async def _post_proposal(self, option_id: int, owns: Callable[[int], bool], now: datetime) -> None:
        """Post a proposal a crash kept from the group, if it can still be accepted; otherwise (agreed since,
        moved, passed, the round over) there is nothing to post, and it is recorded told."""
        option = await self.repo.option(option_id)  # as it is now, under the group's lock
        group = await self.pairing.group(option.group_id) if option is not None else None
        if option is None or option.told or group is None or not owns(group.guild_id):
            return
        round_ = await self.pairing.round(group.round_id)
        meeting = await self.repo.meeting(group.id)
        staying = staying_in(group, await self.pairing.departed_from(group.id))
        wanted = "agree" if meeting is not None and meeting.status == "open" else "move"
        if (round_ is not None and round_.status == "open" and meeting is not None
                and meeting.status in ("open", "agreed") and option.purpose == wanted
                and option.starts_at != meeting.starts_at
                and open_options([option], now, last_start(round_, staying))):
            await self.tell_proposed(round_, staying, option, fresh=False)
        else:
            await self.repo.mark_proposal_told(option.id, None)


async def _in_brief(edit: Awaitable[None], group: Group) -> None:
    """The brief's edit after the message: the message itself is out, so a failed edit only leaves the brief
    behind it (the message below says what changed); it is repeated unchanged after a crash."""
    try:
        await edit
    except Exception:
        log.exception("could not bring the brief of group %s up to date", group.id)
