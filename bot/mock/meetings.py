"""From a match to a meeting: a group agrees a time, gets a Discord event and room, and is reminded.

Every decision is stored before Discord hears of it: a confirmation writes the agreed
time, a new version and that version's reminders in one transaction; the event,
the voice channel and the thread message follow, and the version is recorded told
(:mod:`bot.mock.confirmations`; a member's cancellation likewise). Whatever a crash
interrupts is finished from the stored state when the bot connects again (:meth:`catch_up`).
Reminders are stored timers, claimed in the database before they are sent, so a
restart neither loses nor repeats one (:mod:`bot.mock.meeting_reminders`); the event and room are
:mod:`bot.mock.meeting_events`'.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import aiosqlite
from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.errors import Conflict, InvalidInput, NotFound, bounded_text
from bot.mock.agreement import (
    MAX_OPTIONS,
    SUGGESTIONS,
    agreed_option,
    last_start,
    minutes_for,
    open_options,
    parse_proposal,
    reminders_for,
    suggestion_starts,
)
from bot.mock.calendar import InterviewEntry, file_name, interview_ics, thread_url
from bot.mock.confirmations import ConfirmationPublisher, Confirmations
from bot.mock.jobs import (
    EVENT_SYNC_JOB,
    MEETING_PREFIXES,
    REMINDER_PREFIX,
    ROOM_PREFIX,
    forget_guild_jobs,
    rebuild,
    tell_job,
)
from bot.mock.meeting_events import EventPublisher, MeetingEvents
from bot.mock.meeting_reminders import MeetingReminders, ReminderPublisher, member_zone
from bot.mock.meeting_repository import Meeting, MeetingRepository, TimeOption
from bot.mock.models import Choice, Group, Picker, Round, TimePlan
from bot.mock.nudges import NudgePublisher, nudge_groups
from bot.mock.outcomes import member_group
from bot.mock.repository import PairingRepository
from bot.mock.rounds import shared_times
from bot.posting import crash_point
from bot.scheduler import JobScheduler
from bot.storage import Database

log = logging.getLogger(__name__)

CANCEL_REASON_LIMIT = 300
ROUND_CANCELLED = "The round was cancelled."


class MeetingPublisher(NudgePublisher, ReminderPublisher, ConfirmationPublisher, EventPublisher, Protocol):
    """Everything the meetings tell Discord."""


class MeetingService(MeetingEvents):
    publisher: MeetingPublisher

    def __init__(self, db: Database, clock: Clock, scheduler: JobScheduler, pairing: PairingRepository,
                 publisher: MeetingPublisher) -> None:
        self.repo = MeetingRepository(db)
        self.pairing, self.publisher = pairing, publisher
        self._db, self._clock, self._scheduler = db, clock, scheduler
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.reminders = MeetingReminders(clock, scheduler, self.repo, pairing, publisher)
        self.confirmations = Confirmations(self.repo, pairing, publisher, self._locks, clock, scheduler)

    # -- start-up ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Rebuild the stored timers (unsent reminders, the removal of temporary rooms) and the pass over owed events."""
        rebuild(self._scheduler, await self.repo.pending_reminders(), self.reminders.schedule)
        rebuild(self._scheduler, await self.repo.agreed(), self._schedule_cleanup)
        self._scheduler.add(EVENT_SYNC_JOB, CronTrigger(minute="1,16,31,46", timezone="UTC"), self.sync_owed_events)

    async def stop(self) -> None:
        """Remove the reminder and room timers of this process."""
        for prefix in MEETING_PREFIXES:
            self._scheduler.remove_prefix(prefix)

    def forget_guild(self, guild_id: int) -> None:
        """The bot left the server: no reminder of its interviews goes out (a DM about a server the member
        can no longer use the bot in), nor is its room removed or a group told there: all wait for a
        re-add."""
        forget_guild_jobs(self._scheduler, guild_id, (REMINDER_PREFIX, ROOM_PREFIX))
        self._scheduler.remove(tell_job(guild_id))

    async def resume_guild(self, guild_id: int) -> None:
        """The bot was added back: the server's unsent reminders and room removals are timers again, as at a
        start (one whose interview began meanwhile is not sent), and its groups are told the proposals,
        confirmations and cancellations whose retries stopped with the removal."""
        for reminder in await self.repo.pending_reminders(guild_id):
            self.reminders.schedule(reminder)
        for meeting in await self.repo.agreed(guild_id):
            self._schedule_cleanup(meeting)
        await self.confirmations.catch_up(lambda other: other == guild_id, self._clock.now())

    async def catch_up(self) -> None:
        """After connecting: bring every event and room in line with what was decided, and tell the groups
        whose proposal, confirmation or cancellation a crash kept from them."""
        await self.sync_owed_events()
        await self.confirmations.catch_up(self._scheduler.owns, self._clock.now())

    # -- preparing a group ---------------------------------------------------------------------
    async def prepare(self, round_: Round, group: Group) -> list[TimeOption]:
        """Store the group's meeting and the suggested times; return those to show: the ones Pick times offers.

        Called until the group is told, which can be long after the round started (Discord was down, or the bot
        stopped before making its thread): times passed meanwhile are not shown, and others from now on take
        their place."""
        now = self._clock.now()
        latest = last_start(round_, group)
        suggested = open_options([o for o in await self.repo.options(group.id, "agree") if o.proposed_by is None],
                                 now, latest)
        taken = {o.starts_at for o in suggested}
        earliest = max(round_.starts_at, now) + timedelta(hours=1)
        starts = [s for s in await self._suggested_starts(round_, group, earliest) if s not in taken]
        async with self._db.transaction() as conn:
            await self.repo.ensure(conn, group.id, group.guild_id, minutes_for(len(group.members)), now)
            for start in starts[:max(0, SUGGESTIONS - len(suggested))]:
                await self.repo.add_option(conn, group.id, start, None, "agree", now)
        return open_options([o for o in await self.repo.options(group.id, "agree") if o.proposed_by is None],
                            now, latest)

    async def _suggested_starts(self, round_: Round, group: Group, earliest: datetime) -> list[datetime]:
        """Starts inside the members' shared free time from ``earliest``, each interview ending inside the round."""
        signups = [s for s in [await self.pairing.signup(round_.guild_id, m.user_id) for m in group.members] if s]
        # A stretch may start before the round's end and run past it: the interview must end inside the round,
        # as Pick times requires, or the brief would suggest a time the picker cannot offer.
        minutes = minutes_for(len(group.members))
        stretches = [(start, min(end, round_.ends_at))
                     for start, end in shared_times(signups, earliest, round_.ends_at, minutes)]
        return suggestion_starts(stretches, minutes)

    async def suggestions_for_fewer(self, round_: Round, staying: Group) -> list[datetime]:
        """For a group that lost a member before agreeing a time: times that suit those still here, not offered
        yet. Their shared free time is wider than it was with the one who left, so the brief's suggestions
        may have missed it. Read before the departure's transaction, which stores them
        (:meth:`add_suggestions`)."""
        meeting = await self.repo.meeting(staying.id)
        if meeting is None or meeting.status != "open":
            return []
        offered = await self.repo.options(staying.id, "agree")
        taken = {o.starts_at for o in offered}
        earliest = max(round_.starts_at, self._clock.now()) + timedelta(hours=1)
        fresh = [s for s in await self._suggested_starts(round_, staying, earliest) if s not in taken]
        return fresh[:max(0, MAX_OPTIONS - len(offered))]  # the picker's menu holds 25 at most

    async def add_suggestions(self, conn: aiosqlite.Connection, group_id: int, starts: list[datetime],
                              now: datetime) -> None:
        """Store ``starts`` as suggested times, inside the caller's transaction (the departure's)."""
        for start in starts:
            await self.repo.add_option(conn, group_id, start, None, "agree", now)

    async def time_plan(self, round_: Round, group: Group) -> TimePlan:
        """Where ``group`` stands on its time now (see :class:`TimePlan`): a time every member of ``group``
        accepted counts as agreed, since it is about to be (:meth:`settle_without_departed`)."""
        meeting = await self.repo.meeting(group.id)
        if meeting is None or meeting.status in ("cancelled", "no-time"):
            return TimePlan("off" if meeting is not None and meeting.status == "cancelled" else "closed")
        if meeting.status == "agreed":
            return TimePlan("agreed", meeting.starts_at)
        options = open_options(await self.repo.options(group.id, "agree"), self._clock.now(),
                               last_start(round_, group))
        accepted = agreed_option(options, await self.repo.votes(group.id), (m.user_id for m in group.members))
        if accepted is not None:
            return TimePlan("agreed", accepted.starts_at)
        length = timedelta(minutes=minutes_for(len(group.members)))
        return TimePlan("open", times=tuple((o.starts_at, o.starts_at + length) for o in options))

    async def _context(self, group_id: int, user_id: int, guild_id: int | None) -> tuple[Round, Group, Meeting]:
        group = await member_group(self.pairing, group_id, user_id, guild_id)
        round_ = await self.pairing.round(group.round_id)
        assert round_ is not None
        if round_.status != "open":
            raise Conflict(f"Round {round_.number} has ended, so its time can no longer be changed.")
        async with self._db.transaction() as conn:
            meeting = await self.repo.ensure(conn, group.id, group.guild_id, minutes_for(len(group.members)),
                                             self._clock.now())
        return round_, group, meeting

    async def zone_of(self, guild_id: int, user_id: int) -> ZoneInfo:
        return await member_zone(self.pairing, guild_id, user_id)

    # -- agreeing ------------------------------------------------------------------------------
    async def picker(self, group_id: int, user_id: int, guild_id: int | None = None) -> Picker:
        round_, group, meeting = await self._context(group_id, user_id, guild_id)
        if meeting.status == "cancelled":
            raise Conflict("This interview was cancelled.", hint="A moderator can pair you again with `pair-now`.")
        options = open_options(await self.repo.options(group_id, "agree"), self._clock.now(), last_start(round_, group))
        votes = await self.repo.votes(group_id)
        mine = {o.id for o in options if user_id in votes.get(o.id, set())}
        return Picker(round_, group, meeting, options, mine, await self.zone_of(group.guild_id, user_id))

    async def choose(self, group_id: int, user_id: int, option_ids: list[int], guild_id: int | None = None) -> Choice:
        """The member accepts exactly ``option_ids`` among the open times (an empty list withdraws)."""
        async with self._locks[group_id]:
            round_, group, meeting = await self._context(group_id, user_id, guild_id)
            if meeting.status != "open":
                raise Conflict("A time is already agreed.", hint="Use **Reschedule** to propose a different one.")
            options = open_options(await self.repo.options(group_id, "agree"), self._clock.now(), last_start(round_, group))
            known = {o.id for o in options}
            unknown = [i for i in option_ids if i not in known]
            if unknown:
                raise Conflict("One of those times is no longer open.", hint="Open **Pick times** again.")
            async with self._db.transaction() as conn:
                await self.repo.replace_votes(conn, group_id, user_id, option_ids, sorted(known), self._clock.now())
            return await self._settle(round_, group, options, None)

    async def propose(self, group_id: int, user_id: int, text: str, guild_id: int | None = None) -> Choice:
        """A member proposes a time of their own (accepting it themselves); the others accept or not. A time
        another member already proposed (and posted) counts as accepting that proposal (``repeated``)."""
        async with self._locks[group_id]:
            round_, group, meeting = await self._context(group_id, user_id, guild_id)
            if meeting.status not in ("open", "agreed"):
                raise Conflict("This interview was cancelled.")
            zone = await self.zone_of(group.guild_id, user_id)
            now = self._clock.now()
            moment = parse_proposal(text, zone, now, round_.ends_at, minutes_for(len(group.members)))
            purpose = "agree" if meeting.status == "open" else "move"
            if purpose == "move" and moment == meeting.starts_at:
                raise InvalidInput("That is the time already agreed.", hint="Propose a different time.")
            async with self._db.transaction() as conn:  # a time already offered adds none: counted after
                option_id = await self.repo.add_option(conn, group_id, moment, user_id, purpose, now)
                if await self.repo.count_options(conn, group_id, purpose) > MAX_OPTIONS:
                    raise Conflict(f"This group already has {MAX_OPTIONS} proposed times.",
                                   hint="Accept one of them with **Pick times**.")
                await self.repo.add_vote(conn, option_id, group_id, user_id, now)
            crash_point("meeting.proposed")
            option = await self.repo.option(option_id)
            assert option is not None
            choice = await self._settle(round_, group, [option] if purpose == "move" else open_options(
                await self.repo.options(group_id, "agree"), now, last_start(round_, group)), option)
            if choice.agreed is None and not option.told:  # under the lock, so the catch-up never posts it too
                told = self.confirmations.tell_proposed(round_, group, option, fresh=True)
                await self.confirmations.fresh(group.guild_id, told)
            elif not option.told:  # everyone has accepted it: the confirmation says so instead
                await self.repo.mark_proposal_told(option.id, None)
        return replace(choice, repeated=option.told)

    async def accept(self, option_id: int, user_id: int, guild_id: int | None = None) -> Choice:
        """Accept a proposed time (a new time for the first agreement, or a move of an agreed one)."""
        option = await self.repo.option(option_id)
        if option is None:
            raise NotFound("That proposal no longer exists.")
        async with self._locks[option.group_id]:
            round_, group, meeting = await self._context(option.group_id, user_id, guild_id)
            now = self._clock.now()
            if meeting.status not in ("open", "agreed") or (option.purpose == "move") != (meeting.status == "agreed"):
                raise Conflict("That proposal is out of date.", hint="Look at the latest message in the thread.")
            if not open_options([option], now, last_start(round_, group)):
                raise Conflict("That time has passed or is too soon now.", hint="Propose another with **Reschedule**.")
            async with self._db.transaction() as conn:
                await self.repo.add_vote(conn, option.id, group.id, user_id, now)
            return await self._settle(round_, group, [option], option)

    async def settle_without_departed(self, round_: Round, group: Group) -> None:
        """After members left the server (``group`` is those still here): a time every one of them had already
        accepted is agreed now, as if the last of them had just pressed, so nobody has to press again."""
        async with self._locks[group.id]:
            meeting = await self.repo.meeting(group.id)
            if round_.status != "open" or meeting is None or meeting.status != "open" or len(group.members) < 2:
                return
            options = open_options(await self.repo.options(group.id, "agree"), self._clock.now(),
                                   last_start(round_, group))
            await self._settle(round_, group, options, None)

    async def _settle(self, round_: Round, group: Group, options: list[TimeOption],
                      option: TimeOption | None) -> Choice:
        votes = await self.repo.votes(group.id)
        agreed = agreed_option(options, votes, (m.user_id for m in group.members))
        if agreed is not None:
            await self._confirm(round_, group, agreed)
        meeting = await self.repo.meeting(group.id)
        assert meeting is not None
        target = agreed or option
        waiting = [m.user_id for m in group.members if target is not None and m.user_id not in votes.get(target.id, set())]
        return Choice(meeting, option, agreed, waiting)

    async def _confirm(self, round_: Round, group: Group, option: TimeOption) -> None:
        now = self._clock.now()
        async with self._db.transaction() as conn:
            version = await self.repo.agree(conn, group.id, option.starts_at, now)
            await self.repo.clear_votes(conn, group.id)
            reminders = reminders_for(group.id, (m.user_id for m in group.members), version, option.starts_at,
                                      now, guild_id=group.guild_id)
            await self.repo.add_reminders(conn, reminders)
        crash_point("meeting.agreed")
        for reminder in reminders:
            self.reminders.schedule(reminder)
        meeting = await self.repo.meeting(group.id)
        assert meeting is not None
        self._schedule_cleanup(meeting)
        log.info("group %s agreed %s (version %d)", group.id, option.starts_at.isoformat(), version)
        try:
            await self.sync_event(group.id)
        except Exception:
            log.exception("could not place the event of group %s; the next pass places it", group.id)
        meeting = await self.repo.meeting(group.id) or meeting  # re-read: the confirmation stored a new version
        told = self.confirmations.tell_agreed(round_, group, meeting, fresh=True)
        await self.confirmations.fresh(group.guild_id, told)

    # -- cancelling ----------------------------------------------------------------------------
    async def cancel(self, group_id: int, user_id: int, reason: str, guild_id: int | None = None) -> Meeting:
        cleaned = bounded_text(reason, what="The reason", limit=CANCEL_REASON_LIMIT, required=True,
                               empty_hint="Say in a few words why, so your partner knows.")
        async with self._locks[group_id]:
            round_, group, meeting = await self._context(group_id, user_id, guild_id)
            _check_cancellable(group, meeting)
            async with self._db.transaction() as conn:
                await self.repo.cancel(conn, group_id, user_id, cleaned, self._clock.now())
                await self.repo.expect_cancel_told(conn, group_id)
            crash_point("meeting.cancelled")
            cancelled = await self.repo.meeting(group_id)
            assert cancelled is not None
            try:
                await self.sync_event(group_id)
            except Exception:
                log.exception("could not remove the event of group %s; it is retried at the next start", group_id)
            told = self.confirmations.tell_cancelled(round_, group, cancelled, fresh=True)
            await self.confirmations.fresh(group.guild_id, told)
        return cancelled

    async def check_cancellable(self, group_id: int, user_id: int, guild_id: int | None = None) -> None:
        """Refuse before the reason form opens: only a member of a live interview that is neither cancelled nor
        reported as held may cancel it."""
        _round, group, meeting = await self._context(group_id, user_id, guild_id)
        _check_cancellable(group, meeting)

    async def cancel_for_round(self, conn: aiosqlite.Connection, groups: list[Group], actor_id: int,
                               now: datetime) -> None:
        """A moderator cancelled the round: every interview in it is cancelled, inside the round's transaction.
        Their events and rooms go as each group is told (:meth:`sync_event`), or at the next start."""
        for group in groups:
            await self.repo.cancel(conn, group.id, actor_id, ROUND_CANCELLED, now)

    # -- calendar ------------------------------------------------------------------------------
    async def calendar_file(self, group_id: int, user_id: int,
                            guild_id: int | None = None) -> tuple[bytes, str, datetime]:
        """The member's ``.ics`` for the agreed time, in their own zone."""
        group = await member_group(self.pairing, group_id, user_id, guild_id)
        meeting = await self.repo.meeting(group_id)
        round_ = await self.pairing.round(group.round_id)
        if meeting is None or meeting.status != "agreed" or meeting.starts_at is None or round_ is None:
            raise Conflict("There is no agreed time to add to a calendar.",
                           hint="It was cancelled or moved; use the latest message in the thread.")
        others = ", ".join(m.role for m in group.members if m.user_id != user_id)
        entry = InterviewEntry(
            group.guild_id, group.id, meeting.version, meeting.starts_at, meeting.minutes,
            f"Mock interview (round {round_.number}): you are the {group.role_of(user_id)}",
            f"Mock interview with your {others}. The prompt, roles and rubric are in the group's thread.",
            thread_url(group.guild_id, group.thread_id))
        data = interview_ics(entry, await self.zone_of(group.guild_id, user_id), self._clock.now())
        return data, file_name(round_.number, group.position), meeting.starts_at

    # -- the round's own timers ----------------------------------------------------------------
    async def nudge(self, round_: Round, groups: list[Group]) -> tuple[int, int]:
        """Groups still without a time are told once that the round is nearly over (see :mod:`.nudges`): (how
        many were told, how many Discord failed to take for now)."""
        return await nudge_groups(self._db, self._clock, self.repo, self.publisher, round_, groups)

    async def close_round(self, groups: list[Group]) -> dict[int, str]:
        """At the end of a round: groups that never agreed a time are recorded as "no time found"."""
        statuses: dict[int, str] = {}
        now = self._clock.now()
        for group in groups:
            async with self._db.transaction() as conn:
                await self.repo.ensure(conn, group.id, group.guild_id, minutes_for(len(group.members)), now)
            if group.outcome != "met":  # a group that met without the picker did find a time
                await self.repo.set_no_time(group.id, now)
            meeting = await self.repo.meeting(group.id)
            statuses[group.id] = meeting.status if meeting else "open"
        return statuses


def _check_cancellable(group: Group, meeting: Meeting) -> None:
    if meeting.status == "cancelled":
        raise Conflict("This interview is already cancelled.")
    if group.outcome == "met":
        raise Conflict("Your group already reported that this interview happened, so there is nothing to cancel.")
