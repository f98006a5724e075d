"""A mock-interview round from creation to close: created once, delivered, nudged and ended (telling its groups
is :mod:`bot.mock.round_delivery`'s, a moderator's cancel :mod:`bot.mock.round_cancel`'s).

A round and all its groups are written in one transaction before Discord is touched;
delivery then fills in each group's thread (or marks it told by DM), so resuming after
a crash only finishes the groups still pending. The nudge and the end of a round are
timers derived from the stored round and rebuilt at start-up, each guarded by a
once-only marker on the group.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.triggers.date import DateTrigger

from bot.audit import AuditLog
from bot.clock import Clock
from bot.content import ContentStore
from bot.errors import Conflict, NotConfigured
from bot.mock.agreement import nudge_time
from bot.mock.departures import Departures, without_departed
from bot.mock.jobs import alone_job, end_job, nudge_job
from bot.mock.meetings import MeetingService
from bot.mock.models import CHECKIN_CLAIMED, MANUAL_KEY_PREFIX, Group, Round, Signup, StartedRound
from bot.mock.prompts import MockPrompts
from bot.mock.publisher import MockPublisher, ShareFailed
from bot.mock.repository import PairingRepository
from bot.mock.round_delivery import RoundDelivery
from bot.mock.rounds import HISTORY_ROUNDS, eligible, gone_from, history_of, plan_round
from bot.mock.schedule import Schedule, round_times
from bot.mock.silence import SILENT_ROUNDS, pause_silent_members
from bot.posting import crash_point, publish_once
from bot.posting.retry import next_attempt
from bot.scheduler import JobScheduler
from bot.seeds import stable_seed
from bot.storage import Database

log = logging.getLogger(__name__)

# Reminders due within this long of the round's last look at who left share it (a pair's are due together).
REMINDER_LOOK_FRESH = timedelta(minutes=10)
# How long a round's end keeps asking again for check-ins Discord failed to take. The next round starts 11 or 12
# hours after the end (CHECKIN_LEAD), and the schedule skips it while this one is still open.
CHECKIN_RETRY_WINDOW = timedelta(hours=6)
# How long telling the only member taking part that no round started is tried again; a restart that day decides anew.
ALONE_RETRY_WINDOW = timedelta(hours=1)


class RoundFlow(RoundDelivery):
    def __init__(self, db: Database, clock: Clock, content: ContentStore, scheduler: JobScheduler, audit: AuditLog,
                 repo: PairingRepository, meetings: MeetingService, publisher: MockPublisher) -> None:
        self.repo, self.meetings, self.publisher = repo, meetings, publisher
        self._db, self._clock = db, clock
        self._scheduler, self._audit = scheduler, audit
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._ending: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)  # round id -> its end, one at a time
        self.prompts = MockPrompts(db, content)
        self.departures = Departures(db, clock, repo, meetings, publisher)
        meetings.reminders.still_on = self._still_on
        # Tells members a new round paused (``Outcomes.tell_paused``, set by the service that owns both).
        self.tell_paused: Callable[..., Awaitable[None]] | None = None

    def schedule_timers(self, round_: Round) -> None:
        """The mid-round nudge and the end of ``round_``, each once (a passed time runs at once)."""
        now = self._clock.now()
        nudge_at = nudge_time(round_.starts_at, round_.ends_at)
        self._scheduler.add(nudge_job(round_.guild_id, round_.id), DateTrigger(run_date=max(nudge_at, now)),
                            self.remind, round_.id)
        self._scheduler.add(end_job(round_.guild_id, round_.id),
                            DateTrigger(run_date=max(round_.ends_at, now)), self.end, round_.id)

    async def run_scheduled(self, guild_id: int) -> Round | None:
        schedule = await self.repo.schedule(guild_id)
        now = self._clock.now()
        if schedule is None or not schedule.enabled or not schedule.is_round_week(now):
            return None
        # A scheduled round still open (after downtime) keeps its members; a pair-now round beside it does
        # not stop the schedule: its members are busy and left out of this round, the others are paired.
        if any(r.scheduled for r in await self.repo.open_rounds(guild_id)):
            log.info("guild %s: a scheduled round is still open; the scheduled round is skipped", guild_id)
            return None
        return await self.create_round(schedule, schedule.round_key(now), None)

    async def run_missed(self, schedule: Schedule) -> Round | None:
        """After downtime: today's scheduled round, if its time passed while the bot was down (its key
        makes this once only: a round already made for that occurrence is only finished delivering)."""
        now = self._clock.now()
        fire = schedule.last_fire(now)
        if fire is None or fire.astimezone(schedule.zone).date() != now.astimezone(schedule.zone).date():
            return None  # nothing fell due today: a round days late would clash with the next one
        for open_round in await self.repo.open_rounds(schedule.guild_id):
            if open_round.scheduled and open_round.ends_at <= now:
                # It ended while the bot was down too: still open, it would keep today's round from starting.
                await self.end(open_round.id)
        key = schedule.round_key(fire)
        if any(r.scheduled for r in await self.repo.open_rounds(schedule.guild_id)) or \
                await self.repo.round_by_key(self._db.conn, schedule.guild_id, key) is not None:
            return None  # a round is running, or this one was made (and maybe cancelled) already
        log.info("guild %s: the round of %s fell due while the bot was down; starting it now",
                 schedule.guild_id, fire.isoformat())
        return await self.create_round(schedule, key, None, due_at=fire)

    async def pair_now(self, guild_id: int, actor_id: int) -> StartedRound:
        schedule = await self.repo.schedule(guild_id)
        if schedule is None:
            raise NotConfigured("Mock interviews are not scheduled in this server.",
                                hint="Set a schedule first with `/mock-admin schedule`.")
        round_, silenced = await self._start(schedule, None, actor_id)
        if round_ is None:
            # The pauses stand (and were told): the moderator learns why the count fell short.
            paused = (f" {len(silenced)} member{'s were' if len(silenced) != 1 else ' was'} just paused for not "
                      f"answering their last {SILENT_ROUNDS} pairings." if silenced else "")
            if await self.repo.open_rounds(guild_id):
                raise Conflict("A round is still open and fewer than two members are free to pair." + paused,
                               hint="Members whose interview was cancelled are free again; or "
                                    "`/mock-admin cancel-round`.")
            raise Conflict("Fewer than two members are taking part, so there is nobody to pair." + paused,
                           hint="Members join with `/mock join`.")
        return StartedRound(round_, tuple(silenced))

    async def create_round(self, schedule: Schedule, key: str | None, actor_id: int | None,
                           due_at: datetime | None = None) -> Round | None:
        """Create the round keyed ``key`` once (``None``: a moderator's round, always new), then deliver it;
        ``due_at``: the scheduled occurrence it is for, when it starts late."""
        return (await self._start(schedule, key, actor_id, due_at))[0]

    async def _start(self, schedule: Schedule, key: str | None, actor_id: int | None,
                     due_at: datetime | None = None) -> tuple[Round | None, list[int]]:
        """:meth:`create_round`, and the members it paused for never answering (each told by DM)."""
        async with self._locks[schedule.guild_id]:
            gone = await self._gone(schedule.guild_id, key)
            round_id, silenced = await self._create(schedule, key, actor_id, gone, due_at)
        if round_id is None and key is not None:
            await self._tell_alone(schedule, key, gone)
        if silenced:
            log.info("guild %s: paused for not answering %d pairings: %s", schedule.guild_id, SILENT_ROUNDS, silenced)
            crash_point("mock.silent-paused")
        round_ = await self.repo.round(round_id) if round_id is not None else None
        if round_ is not None:
            self.schedule_timers(round_)
            crash_point("mock.round-created")
            await self.deliver(round_)
        if silenced and self.tell_paused is not None:  # after the round: its members hear first
            await self.tell_paused(schedule.guild_id, silenced, reason="silent")
        return round_, silenced

    async def taking_part(self, guild_id: int, key: str, gone: frozenset[int] = frozenset()) -> list[Signup]:
        """Who the scheduled round keyed ``key`` would group as things stand (those not known to be ``gone``): fewer
        than two, and it does not start."""
        conn = self._db.conn
        busy = await self.meetings.repo.busy_members(conn, guild_id)
        return eligible(await self.repo.signups(conn, guild_id), busy, gone, key)

    async def _tell_alone(self, schedule: Schedule, key: str, gone: frozenset[int], attempt: int = 0) -> None:
        """A scheduled round that only one member takes part in does not start; that member is told so rather than
        wait for a partner who never comes (the odd one out is never dropped silently). Decided again at a restart
        the same day, so the DM is looked for first; one Discord failed to take for a moment is tried again after
        a pause, deciding again then."""
        taking_part = await self.taking_part(schedule.guild_id, key, gone)
        if len(taking_part) != 1:
            return
        now = self._clock.now()
        try:
            await self.publisher.tell_alone(taking_part[0].user_id, now.astimezone(schedule.zone).date())
        except ShareFailed as error:
            when = next_attempt(attempt + 1, now, now + ALONE_RETRY_WINDOW) if error.transient else None
            log.info("guild %s: could not tell the only member taking part (%s); %s", schedule.guild_id, error,
                     f"again at {when:%H:%M:%S}" if when else "given up")
            if when is not None:
                self._scheduler.add(alone_job(schedule.guild_id), DateTrigger(run_date=when), self._tell_alone,
                                    schedule, key, gone, attempt + 1)

    async def _gone(self, guild_id: int, key: str | None) -> frozenset[int]:
        """Which members the new round would group Discord says have left the server.

        The bot has no GUILD_MEMBERS intent, so nobody tells it when a member leaves; grouping one would tell
        their partners of someone Discord will not add to the thread. Asked before the round's transaction,
        which must not wait on Discord; when Discord cannot be asked, the round takes everyone."""
        conn = self._db.conn
        if key is not None and await self.repo.round_by_key(conn, guild_id, key) is not None:
            return frozenset()  # made already (before a restart): it keeps its members
        busy = await self.meetings.repo.busy_members(conn, guild_id)
        candidates = [s.user_id for s in eligible(await self.repo.signups(conn, guild_id), busy, key=key)]
        if len(candidates) < 2:
            return frozenset()
        try:
            present: set[int] | None = await self.publisher.members_present(guild_id, candidates)
        except Exception:
            log.warning("guild %s: could not ask Discord which of %d members are still in the server; the round "
                        "takes them all", guild_id, len(candidates), exc_info=True)
            present = None
        gone = gone_from(candidates, present)
        if gone:
            log.info("guild %s: %d signed-up members left the server and are left out", guild_id, len(gone))
        return gone

    async def _create(self, schedule: Schedule, key: str | None, actor_id: int | None,
                      gone: frozenset[int] = frozenset(), due_at: datetime | None = None) -> tuple[int | None, list[int]]:
        """The round (None: fewer than two members to pair), and the members it paused for never answering."""
        now = self._clock.now()
        scheduled = key is not None
        prompts = await self.prompts.pool(schedule.guild_id)  # read before the transaction takes the write lock
        async with self._db.transaction() as conn:
            number = await self.repo.next_number(conn, schedule.guild_id)
            key = key or f"{MANUAL_KEY_PREFIX}{number}"
            existing = await self.repo.round_by_key(conn, schedule.guild_id, key)
            if existing is not None:
                return existing.id, []
            await self.repo.mark_left_server(conn, schedule.guild_id, gone, now)
            silenced = await pause_silent_members(conn, schedule.guild_id, now)
            everyone = await self.repo.signups(conn, schedule.guild_id)
            busy = await self.meetings.repo.busy_members(conn, schedule.guild_id)  # in a live group of an open round
            taking_part = eligible(everyone, busy, gone, key)
            if len(taking_part) < 2:
                log.info("guild %s: %d members taking part, no round", schedule.guild_id, len(taking_part))
                if scheduled:  # the occurrence still came: pausing members sat it out (in a small server their
                    # own pause can leave too few to pair, and the pause would otherwise never run out)
                    await self.repo.use_skips(conn, schedule.guild_id, key, busy)
                return None, silenced
            await self.repo.use_skips(conn, schedule.guild_id, key, busy)
            recent = await self.repo.recent_rounds(conn, schedule.guild_id, HISTORY_ROUNDS)
            rows = await self.repo.member_rows(conn, recent)
            history = history_of(recent, [(r["round_id"], r["group_id"], r["user_id"]) for r in rows])
            last = [r for r in rows if recent and r["round_id"] == recent[0]]
            sizes: dict[int, int] = defaultdict(int)
            for row in last:
                sizes[row["group_id"]] += 1
            triad_last = {r["user_id"] for r in last if sizes[r["group_id"]] == 3}
            owed_first = await self.repo.owed_first_place(conn, schedule.guild_id)
            daily_seen = await self.prompts.posted_daily(schedule.guild_id, conn)
            mock_seen = await self.repo.mock_prompts_seen(conn, schedule.guild_id)
            seed = hash_seed(schedule.guild_id, key)
            plan = plan_round(taking_part, history, triad_last=triad_last,
                              counts=await self.repo.role_counts(conn, schedule.guild_id),
                              prompts=prompts, daily_seen=daily_seen, mock_seen=mock_seen,
                              seed=seed, reference=now,
                              forbidden=await self.meetings.repo.forbidden_pairs(conn, schedule.guild_id),
                              owed_first=owed_first)
            reminder_at, ends_at = round_times(now, schedule.period, due_at)
            round_id = await self.repo.insert_round(
                conn, guild_id=schedule.guild_id, number=number,
                key=key, channel_id=schedule.channel_id, starts_at=now, reminder_at=reminder_at, ends_at=ends_at,
                seed=seed, method=plan.method, created_by=actor_id)
            await self.repo.insert_left_out(conn, round_id=round_id, guild_id=schedule.guild_id,
                                            user_ids=plan.unmatched)
            for group in plan.groups:
                await self.repo.insert_group(conn, round_id=round_id, guild_id=schedule.guild_id,
                                             position=group.position, prompt_id=group.prompt_id,
                                             members=list(group.members))
            if actor_id is not None:
                await self._audit.record(conn, guild_id=schedule.guild_id, actor_id=actor_id, action="mock.pair-now",
                                         new={"round_id": round_id, "groups": len(plan.groups)})
        log.info("guild %s: round %s with %d groups", schedule.guild_id, key, len(plan.groups))
        return round_id, silenced

    async def remind(self, round_id: int, attempt: int = 0) -> int:
        """The mid-round nudge; groups Discord failed to take it for are nudged again after a pause, while the
        round lasts."""
        round_ = await self.repo.round(round_id)
        if round_ is None or round_.status != "open":
            return 0
        await self.deliver(round_)  # a group left pending by a Discord outage is told now
        round_ = await self.repo.round(round_id) or round_
        await self.departures.check(round_)  # nobody is nudged about a partner who left the server
        nudged, failed = await self.meetings.nudge(round_, await self._groups_here(round_id))
        when = next_attempt(attempt + 1, self._clock.now(), round_.ends_at) if failed else None
        if when is not None:
            self._scheduler.add(nudge_job(round_.guild_id, round_id), DateTrigger(run_date=when), self.remind,
                                round_id, attempt + 1)
        return nudged

    async def _still_on(self, group_id: int) -> bool:
        """Before an interview reminder: the open round's members who left the server are found first, and an
        interview that left one member is called off (they are told), so no reminder names a partner gone."""
        group = await self.repo.group(group_id)
        round_ = await self.repo.round(group.round_id) if group is not None else None
        if round_ is not None and round_.status == "open":
            try:
                await self.departures.check(round_, unless_within=REMINDER_LOOK_FRESH)
            except Exception:
                log.exception("could not look for members of round %s who left; the reminder goes out", round_.id)
                return True
        meeting = await self.meetings.repo.meeting(group_id)
        return meeting is None or meeting.status != "cancelled"

    async def _groups_here(self, round_id: int) -> list[Group]:
        """The round's groups without the members found gone from the server during it."""
        return without_departed(await self.repo.groups(round_id), await self.repo.departed(round_id))

    async def end(self, round_id: int, attempt: int = 0) -> None:
        """Ask every group how it went, then close the round.

        A check-in Discord fails to take for now does not keep the other groups from theirs; the round stays
        open and the end runs again after a pause (an interrupted check-in looks for itself first), for at
        most :data:`CHECKIN_RETRY_WINDOW`: an open scheduled round makes the schedule skip the next one. One end of
        a round at a time: after downtime its timer and the missed round's check may both come to end it."""
        async with self._ending[round_id]:
            await self._end(round_id, attempt)

    async def _end(self, round_id: int, attempt: int) -> None:
        round_ = await self.repo.round(round_id)
        if round_ is None or round_.status != "open":
            return
        await self.departures.check(round_)  # nobody is asked how it went with a partner who left the server
        groups = await self._groups_here(round_id)
        statuses = await self.meetings.close_round(groups)
        unasked = []
        for group in groups:
            if group.delivery == "pending" or group.checkin_message_id not in (None, CHECKIN_CLAIMED):
                continue
            if statuses.get(group.id) == "cancelled":  # they were told when it was cancelled
                continue
            try:
                await self._checkin_once(round_, group, statuses.get(group.id, "open"))
            except Exception:
                log.exception("could not ask group %s of round %s how it went", group.id, round_id)
                unasked.append(group.id)
        now = self._clock.now()
        if unasked:
            when = next_attempt(attempt + 1, now, round_.ends_at + CHECKIN_RETRY_WINDOW)
            if when is not None:
                self._scheduler.add(end_job(round_.guild_id, round_id), DateTrigger(run_date=when), self.end,
                                    round_id, attempt + 1)
                return
            log.error("round %s closes without the check-in of groups %s", round_id, unasked)
        await self.repo.set_round_status(round_id, "closed", now)

    async def _checkin_once(self, round_: Round, group: Group, status: str) -> None:
        """Claim the group's check-in, post it (or adopt the copy an interrupted attempt posted), record it.

        A process that died after posting finds the message in the thread at the next start instead of
        asking the group twice."""
        claimed_now = await self.repo.mark(group.id, "checkin_message_id", CHECKIN_CLAIMED)
        if claimed_now:
            crash_point("mock.checkin-claimed")
        publisher = self.publisher

        async def post() -> int | None:
            message_id = await publisher.checkin(round_, group, status)
            crash_point("mock.checkin-posted")
            return message_id

        message_id = await publish_once(fresh=claimed_now, find_earlier=lambda: publisher.find_checkin(round_, group),
                                        publish=post)
        await self.repo.record_checkin(group.id, message_id or 0)


def hash_seed(guild_id: int, key: str) -> int:
    return stable_seed("mock", guild_id, key)
