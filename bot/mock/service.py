"""Mock-interview rounds: scheduled or on demand, created once, delivered, reminded, closed, reviewed.

A round and all its groups are written in one transaction before Discord is touched;
delivery then fills in each group's thread (or marks it told by DM), so resuming after
a crash only finishes the groups still pending. Reminders and the end-of-round
check-in are timers derived from the stored round and rebuilt at start-up, each
guarded by a once-only marker on the group.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Protocol

from apscheduler.triggers.date import DateTrigger

from bot.activity import ActivityKind, ActivityService
from bot.audit import AuditLog
from bot.clock import Clock
from bot.content import ContentStore
from bot.content.models import Prompt
from bot.errors import Conflict, InvalidInput, NotConfigured, NotFound, bounded_text, check_all
from bot.mock.agreement import minutes_for, nudge_time
from bot.mock.exclusions import Exclusions
from bot.mock.jobs import ROUND_PREFIXES, end_job, nudge_job, round_job
from bot.mock.meetings import MeetingPublisher, MeetingService
from bot.mock.models import Group, GroupBrief, MockStats, Report, Round, Signup
from bot.mock.repository import PairingRepository
from bot.mock.rounds import HISTORY_ROUNDS, history_of, plan_round
from bot.mock.schedule import Schedule, first_anchor, parse_weekday, round_times
from bot.mock.signups import Signups
from bot.overview import ConfiguredFeature
from bot.posting import crash_point, publish_once
from bot.scheduler import JobScheduler
from bot.seeds import stable_seed
from bot.storage import Database
from bot.timezones import parse_local_time, parse_zone

log = logging.getLogger(__name__)

NOSHOW_PAUSE = 2  # reported absent this many rounds in a row: paused until they rejoin
NOTE_LIMIT = 500
OUTCOMES = ("met", "noshow", "missed")


class MockPublisher(Protocol):
    async def deliver_group(self, round: Round, group: Group, brief: GroupBrief) -> tuple[str, int | None]: ...
    async def announce(self, round: Round, groups: list[Group]) -> int | None: ...
    async def find_announcement(self, round: Round) -> int | None: ...
    async def checkin(self, round: Round, group: Group, status: str) -> int | None: ...
    async def tell_group(self, group: Group, text: str) -> None: ...
    async def dm(self, user_id: int, text: str) -> bool: ...
    async def post_feedback(self, group: Group, from_id: int, to_id: int, scores: tuple[int, int, int],
                            note: str | None) -> tuple[int, int] | None: ...


class MockService:
    def __init__(self, db: Database, clock: Clock, content: ContentStore, scheduler: JobScheduler, audit: AuditLog,
                 activity: ActivityService, publisher: MockPublisher, meeting_publisher: MeetingPublisher) -> None:
        self.repo = PairingRepository(db)
        self.signups = Signups(self.repo, clock)
        self._db, self._clock, self._content = db, clock, content
        self._scheduler, self._audit, self._activity = scheduler, audit, activity
        self.meetings = MeetingService(db, clock, scheduler, self.repo, meeting_publisher)
        self.exclusions = Exclusions(db, clock, self.meetings.repo)
        self.publisher = publisher
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._left_out: dict[int, tuple[int, ...]] = {}  # round id -> members no allowed partner was left for

    # -- schedule ------------------------------------------------------------------------------
    async def set_schedule(self, guild_id: int, actor_id: int, *, cadence: str, weekday: str, time_text: str,
                           zone_text: str, channel_id: int,
                           voice_channel_id: int | None = None) -> tuple[Schedule, list[datetime]]:
        _cadence, day, at, zone = check_all(lambda: _check_cadence(cadence), lambda: parse_weekday(weekday),
                                            lambda: parse_local_time(time_text), lambda: parse_zone(zone_text))
        now = self._clock.now()
        schedule = Schedule(guild_id, channel_id, cadence, day, f"{at:%H:%M}", zone.key,
                            first_anchor(day, at, zone, now), voice_channel_id=voice_channel_id)
        async with self._db.transaction() as conn:
            old = await self.repo.schedule(guild_id)
            await self.repo.save_schedule(conn, schedule, actor_id, now)
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="mock.schedule",
                                     old=old.describe if old else None, new=schedule.describe)
        self.schedule_job(schedule)
        return schedule, schedule.next_rounds(now)

    def schedule_job(self, schedule: Schedule) -> None:
        self._scheduler.add(round_job(schedule.guild_id), schedule.trigger(), self.run_scheduled,
                            schedule.guild_id)

    async def start(self) -> None:
        """Rebuild every job from the database: schedules, and reminders and ends of open rounds."""
        owns = self._scheduler.owns  # only the guilds of this process's shards
        for schedule in await self.repo.schedules():
            if owns(schedule.guild_id):
                self.schedule_job(schedule)
        for round_ in await self.repo.open_rounds():
            if owns(round_.guild_id):
                self._schedule_timers(round_)
        await self.meetings.start()

    async def catch_up(self) -> None:
        """After connecting: finish delivering any round whose groups were not all told, and their events."""
        for round_ in await self.repo.open_rounds():
            if self._scheduler.owns(round_.guild_id):
                await self.deliver(round_)
        await self.meetings.catch_up()

    def forget_guild(self, guild_id: int) -> None:
        """The bot left the server: no more rounds for it; the schedule stays for 30 days."""
        self._scheduler.remove(round_job(guild_id))

    async def stop(self) -> None:
        """Remove every job of mock interviews: rounds, their timers, and the meetings' reminders and rooms."""
        for prefix in ROUND_PREFIXES:
            self._scheduler.remove_prefix(prefix)
        await self.meetings.stop()

    def _schedule_timers(self, round_: Round) -> None:
        now = self._clock.now()
        nudge_at = nudge_time(round_.starts_at, round_.ends_at)
        self._scheduler.add(nudge_job(round_.id), DateTrigger(run_date=max(nudge_at, now)),
                            self.remind, round_.id)
        self._scheduler.add(end_job(round_.id), DateTrigger(run_date=max(round_.ends_at, now)),
                            self.end, round_.id)

    # -- rounds --------------------------------------------------------------------------------
    async def run_scheduled(self, guild_id: int) -> Round | None:
        schedule = await self.repo.schedule(guild_id)
        now = self._clock.now()
        if schedule is None or not schedule.enabled or not schedule.is_round_week(now):
            return None
        if await self.repo.open_rounds(guild_id):
            log.info("guild %s: a round is still open; the scheduled round is skipped", guild_id)
            return None
        return await self.create_round(schedule, schedule.round_key(now), None)

    async def pair_now(self, guild_id: int, actor_id: int) -> Round:
        schedule = await self.repo.schedule(guild_id)
        if schedule is None:
            raise NotConfigured("Mock interviews are not scheduled in this server.",
                                hint="Set a schedule first with `/mock-admin schedule`.")
        round_ = await self.create_round(schedule, None, actor_id)
        if round_ is None:
            if await self.repo.open_rounds(guild_id):
                raise Conflict("A round is still open and fewer than two members are free to pair.",
                               hint="Members whose interview was cancelled are free again; or "
                                    "`/mock-admin cancel-round`.")
            raise Conflict("Fewer than two members are taking part, so there is nobody to pair.",
                           hint="Members join with `/mock join`.")
        return round_

    async def create_round(self, schedule: Schedule, key: str | None, actor_id: int | None) -> Round | None:
        """Create the round keyed ``key`` once (``None``: a moderator's round, always new), then deliver it."""
        async with self._locks[schedule.guild_id]:
            round_id = await self._create(schedule, key, actor_id)
        if round_id is None:
            return None
        round_ = await self.repo.round(round_id)
        assert round_ is not None
        self._schedule_timers(round_)
        crash_point("mock.round-created")
        await self.deliver(round_)
        for user_id in self._left_out.pop(round_id, ()):
            await self.publisher.dm(user_id, f"Round {round_.number} of mock interviews started, but nobody you "
                                             "can be paired with was free this time. You stay signed up and "
                                             "come first next round.")
        return round_

    async def _create(self, schedule: Schedule, key: str | None, actor_id: int | None) -> int | None:
        now = self._clock.now()
        async with self._db.transaction() as conn:
            number = await self.repo.next_number(conn, schedule.guild_id)
            key = key or f"manual:{number}"
            existing = await self.repo.round_by_key(conn, schedule.guild_id, key)
            if existing is not None:
                return existing.id
            everyone = await self.repo.signups(conn, schedule.guild_id)
            busy = await self.meetings.repo.busy_members(conn, schedule.guild_id)  # in a live group of an open round
            taking_part = [s for s in everyone if s.skip_rounds == 0 and s.user_id not in busy]
            if len(taking_part) < 2:
                log.info("guild %s: %d members taking part, no round", schedule.guild_id, len(taking_part))
                return None
            if not busy:
                await self.repo.use_skips(conn, schedule.guild_id)
            recent = await self.repo.recent_rounds(conn, schedule.guild_id, HISTORY_ROUNDS)
            rows = await self.repo.member_rows(conn, recent)
            history = history_of(recent, [(r["round_id"], r["group_id"], r["user_id"]) for r in rows])
            last = [r for r in rows if recent and r["round_id"] == recent[0]]
            sizes: dict[int, int] = defaultdict(int)
            for row in last:
                sizes[row["group_id"]] += 1
            triad_last = {r["user_id"] for r in last if sizes[r["group_id"]] == 3}
            daily_seen, mock_seen = await self.repo.prompts_seen(conn, schedule.guild_id)
            seed = hash_seed(schedule.guild_id, key)
            plan = plan_round(taking_part, history, triad_last=triad_last,
                              counts=await self.repo.role_counts(conn, schedule.guild_id),
                              prompts=self._content.library.prompts, daily_seen=daily_seen, mock_seen=mock_seen,
                              seed=seed, reference=now,
                              forbidden=await self.meetings.repo.forbidden_pairs(conn, schedule.guild_id))
            reminder_at, ends_at = round_times(now, schedule.period)
            round_id = await self.repo.insert_round(
                conn, guild_id=schedule.guild_id, number=number,
                key=key, channel_id=schedule.channel_id, starts_at=now, reminder_at=reminder_at, ends_at=ends_at,
                seed=seed, method=plan.method, created_by=actor_id)
            self._left_out[round_id] = plan.unmatched
            for group in plan.groups:
                await self.repo.insert_group(conn, round_id=round_id, guild_id=schedule.guild_id,
                                             position=group.position, prompt_id=group.prompt_id,
                                             members=list(group.members))
            if actor_id is not None:
                await self._audit.record(conn, guild_id=schedule.guild_id, actor_id=actor_id, action="mock.pair-now",
                                         new={"round_id": round_id, "groups": len(plan.groups)})
        log.info("guild %s: round %s with %d groups", schedule.guild_id, key, len(plan.groups))
        return round_id

    async def brief(self, round_: Round, group: Group) -> GroupBrief:
        signups = [s for s in [await self.repo.signup(round_.guild_id, m.user_id) for m in group.members] if s]
        options = await self.meetings.prepare(round_, group)
        length = timedelta(minutes=minutes_for(len(group.members)))
        return GroupBrief(self._content.library.prompt(group.prompt_id),
                          [(o.starts_at, o.starts_at + length) for o in options],
                          {s.user_id: s.timezone for s in signups})

    async def deliver(self, round_: Round) -> None:
        groups = await self.repo.groups(round_.id)
        for group in groups:
            if group.delivery != "pending":
                continue
            try:
                delivery, thread_id = await self.publisher.deliver_group(round_, group, await self.brief(round_, group))
            except Exception:
                log.exception("could not deliver group %s of round %s; it stays pending", group.id, round_.id)
                continue
            await self.repo.set_delivered(group.id, delivery, thread_id)
        if round_.announcement_id is None:
            # A crash after Discord took the announcement but before its id was stored must not
            # announce the round twice: look for it first (the flow of bot.posting).
            publisher = self.publisher
            message_id = await publish_once(
                fresh=False, find_earlier=lambda: publisher.find_announcement(round_),
                publish=lambda: self._announce(round_))
            if message_id is not None:
                await self.repo.set_announcement(round_.id, message_id)
                crash_point("mock.announce-recorded")

    async def _announce(self, round_: Round) -> int | None:
        message_id = await self.publisher.announce(round_, await self.repo.groups(round_.id))
        crash_point("mock.announced")
        return message_id

    async def remind(self, round_id: int) -> int:
        round_ = await self.repo.round(round_id)
        if round_ is None or round_.status != "open":
            return 0
        await self.deliver(round_)  # a group left pending by a Discord outage is told now
        round_ = await self.repo.round(round_id) or round_
        return await self.meetings.nudge(round_, await self.repo.groups(round_id))

    async def end(self, round_id: int) -> None:
        round_ = await self.repo.round(round_id)
        if round_ is None or round_.status != "open":
            return
        groups = await self.repo.groups(round_id)
        statuses = await self.meetings.close_round(groups)
        for group in groups:
            if group.delivery == "pending" or group.checkin_message_id is not None:
                continue
            if statuses.get(group.id) == "cancelled":  # they were told when it was cancelled
                continue
            message_id = await self.publisher.checkin(round_, group, statuses.get(group.id, "open"))
            await self.repo.mark(group.id, "checkin_message_id", message_id or 0)
        await self.repo.set_round_status(round_id, "closed", self._clock.now())

    async def cancel_round(self, guild_id: int, actor_id: int) -> Round:
        rounds = await self.repo.open_rounds(guild_id)
        if not rounds:
            raise NotFound("There is no open round to cancel.")
        round_ = rounds[-1]
        await self.repo.set_round_status(round_.id, "cancelled", self._clock.now())
        async with self._db.transaction() as conn:
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="mock.cancel-round",
                                     target_id=round_.id)
        self._scheduler.remove(nudge_job(round_.id))
        self._scheduler.remove(end_job(round_.id))
        await self.meetings.cancel_all(await self.repo.groups(round_.id), actor_id)
        for group in await self.repo.groups(round_.id):
            if group.delivery != "pending":
                await self.publisher.tell_group(group, f"Round {round_.number} was cancelled by a moderator. "
                                                       "No need to meet; see you next round.")
        return round_

    # -- outcomes and feedback -----------------------------------------------------------------
    async def member_group(self, group_id: int, user_id: int, guild_id: int | None = None) -> Group:
        """The group, when ``user_id`` is in it and (in a server) it belongs to ``guild_id``.

        The group id comes from a button's custom id, which anyone can forge; the member and the
        server come from Discord, so they decide.
        """
        group = await self.repo.group(group_id)
        if group is not None and guild_id is not None and group.guild_id != guild_id:
            raise NotFound("This button belongs to an interview in another server; nothing was done.")
        if group is None or not group.has(user_id):
            raise NotFound("This interview is not yours; nothing was done.",
                           hint="Only the members of this group can use these.")
        return group

    async def _group_for_outcome(self, group_id: int, user_id: int, guild_id: int | None) -> Group:
        """As :meth:`member_group`, refusing a cancelled round: there was no interview to report on."""
        group = await self.member_group(group_id, user_id, guild_id)
        round_ = await self.repo.round(group.round_id)
        if round_ is not None and round_.status == "cancelled":
            raise Conflict(f"Round {round_.number} was cancelled, so there is nothing to report; nothing was "
                           "recorded.")
        return group

    async def rubric_for(self, group_id: int, user_id: int, guild_id: int | None = None) -> Prompt:
        """The rubric is the interviewer's (and an observer's); the candidate hears it in the feedback."""
        group = await self.member_group(group_id, user_id, guild_id)
        if group.role_of(user_id) == "candidate":
            raise Conflict("The rubric is for the interviewer; you will see how you did in their feedback.")
        prompt = self._content.library.prompt(group.prompt_id)
        if prompt is None:
            raise NotFound("This prompt is no longer in the content packs.")
        return prompt

    async def report(self, group_id: int, user_id: int, outcome: str, guild_id: int | None = None) -> Report:
        if outcome not in OUTCOMES:
            raise InvalidInput(f"`{outcome}` is not an outcome.")
        group = await self._group_for_outcome(group_id, user_id, guild_id)
        now = self._clock.now()
        credits = []
        async with self._db.transaction() as conn:
            changed = await self.repo.set_outcome(conn, group_id, outcome, user_id, now)
            if outcome == "met":
                # "We met" and every member's streak credit commit together; pressed again, it only
                # adds a credit that is missing (a report stored before both shared one transaction).
                met_at = now if changed else (await self.repo.outcome_at(group_id) or now)
                for member in group.members:
                    credits.append(await self._activity.credit(conn, group.guild_id, member.user_id,
                                                               ActivityKind.MOCK, met_at, repair=not changed))
        crash_point("outcome.saved")
        for credit in credits:
            await self._activity.announce(credit)
        paused: list[int] = []
        if outcome == "noshow" and changed:
            for member in group.members:
                if member.user_id != user_id:
                    await self.repo.add_noshow(group_id, member.user_id, user_id, now)
                    if await self._pause_if_absent_twice(group.guild_id, member.user_id):
                        paused.append(member.user_id)
        return Report(outcome, changed, paused)

    async def _pause_if_absent_twice(self, guild_id: int, user_id: int) -> bool:
        recent = await self.repo.last_groups_of(guild_id, user_id, NOSHOW_PAUSE)
        if len(recent) < NOSHOW_PAUSE or not all(absent for _, absent in recent):
            return False
        await self.repo.set_status(guild_id, user_id, "paused", reason="no-show", now=self._clock.now())
        return True

    async def tell_paused(self, user_ids: list[int]) -> None:
        """DM members just paused for missing twice; called after the reporter has been answered."""
        for user_id in user_ids:
            await self.publisher.dm(user_id, "You were reported absent from your last two mock interviews, so I "
                                             "have paused you. Rejoin any time with `/mock join` in the server.")

    async def feedback(self, group_id: int, from_id: int, to_id: int, scores: list[str], note: str,
                       guild_id: int | None = None) -> tuple[Group, tuple[int, int, int], str | None]:
        group = await self._group_for_outcome(group_id, from_id, guild_id)
        if to_id == from_id or not group.has(to_id):
            raise InvalidInput("Feedback goes to a partner from your own interview.")
        parsed = []
        for name, text in zip(("Communication", "Technical depth", "Tradeoff reasoning"), scores, strict=True):
            value = (text or "").strip()
            if not value.isdigit() or not 1 <= int(value) <= 5:
                raise InvalidInput(f"{name} must be a whole number from 1 to 5 (you wrote `{value[:10]}`).",
                                   hint="Use 1 (weak) to 5 (excellent).")
            parsed.append(int(value))
        cleaned = bounded_text(note, what="The note", limit=NOTE_LIMIT, required=False)
        triple = (parsed[0], parsed[1], parsed[2])
        await self.repo.save_feedback(group_id, group.guild_id, from_id, to_id, triple, cleaned or None,
                                      self._clock.now())
        crash_point("feedback.saved")
        return group, triple, cleaned or None

    async def share_feedback(self, group: Group, from_id: int, to_id: int, scores: tuple[int, int, int],
                             note: str | None) -> None:
        """The public part of stored feedback: posted for the partner, and where it went remembered."""
        posted = await self.publisher.post_feedback(group, from_id, to_id, scores, note)
        if posted is not None:
            await self.feedback_posted(group.id, from_id, to_id, *posted)

    async def feedback_posted(self, group_id: int, from_id: int, to_id: int, channel_id: int, message_id: int) -> None:
        """Remember where the feedback was posted, so a privacy deletion can remove it from Discord."""
        await self._db.execute("UPDATE mock_feedback SET message_channel_id = ?, message_id = ? "
                               "WHERE group_id = ? AND from_id = ? AND to_id = ?",
                               (channel_id, message_id, group_id, from_id, to_id))

    # -- reading -------------------------------------------------------------------------------
    async def settings_section(self, guild_id: int) -> ConfiguredFeature | None:
        """This feature's part of the settings overview."""
        schedule = await self.repo.schedule(guild_id)
        if schedule is None:
            return None
        return ConfiguredFeature("Mock interviews", schedule.enabled, schedule.channel_id, schedule.describe,
                                 schedule.next_rounds(self._clock.now(), 2), position=40)

    async def schedule(self, guild_id: int) -> Schedule | None:
        return await self.repo.schedule(guild_id)

    async def groups(self, round_id: int) -> list[Group]:
        return await self.repo.groups(round_id)

    async def group(self, group_id: int) -> Group | None:
        return await self.repo.group(group_id)

    async def current_group(self, guild_id: int, user_id: int) -> tuple[Round, Group] | None:
        for round_ in reversed(await self.repo.open_rounds(guild_id)):
            for group in await self.repo.groups(round_.id):
                if group.has(user_id):
                    return round_, group
        return None

    async def history(self, guild_id: int, user_id: int | None, limit: int = 10) -> list[tuple[Round, Group]]:
        ids = await self.repo.history_group_ids(guild_id, user_id, limit)
        found = []
        for group_id in ids:
            group = await self.repo.group(group_id)
            round_ = await self.repo.round(group.round_id) if group else None
            if group and round_:
                found.append((round_, group))
        return found

    async def stats(self, guild_id: int) -> MockStats:
        row = await self.repo.stats_row(guild_id)
        assert row is not None
        ratings = (row[4], row[5], row[6]) if row[7] else None
        counts = await self.meetings.repo.meeting_counts(guild_id)
        return MockStats(await self.repo.count_active(guild_id), row[0], row[1], row[2], row[3], ratings, row[7],
                         counts["agreed"], counts["cancelled"], counts["no_time"],
                         await self.meetings.repo.exclusion_counts(guild_id))

    async def signup_of(self, guild_id: int, user_id: int) -> Signup | None:
        return await self.repo.signup(guild_id, user_id)

    # -- members' sign-ups and exclusions ------------------------------------------------------
    async def join(self, guild_id: int, user_id: int, *, role: str, level: str, timezone: str,
                   availability: str) -> Signup:
        return await self.signups.join(guild_id, user_id, role=role, level=level, timezone=timezone,
                                       availability=availability)

    async def edit_signup(self, guild_id: int, user_id: int, *, role: str | None = None, level: str | None = None,
                          timezone: str | None = None, availability: str | None = None) -> Signup:
        return await self.signups.edit(guild_id, user_id, role=role, level=level, timezone=timezone,
                                       availability=availability)

    async def pause(self, guild_id: int, user_id: int, rounds: int | None) -> Signup:
        return await self.signups.pause(guild_id, user_id, rounds)

    async def leave(self, guild_id: int, user_id: int) -> None:
        await self.signups.leave(guild_id, user_id)

    async def require_signup(self, guild_id: int, user_id: int) -> Signup:
        """The member's sign-up, or :class:`NotFound` telling them how to join."""
        return await self.signups.require(guild_id, user_id)

    async def exclusions_of(self, guild_id: int, user_id: int) -> list[int]:
        return await self.exclusions.of(guild_id, user_id)

    async def exclude(self, guild_id: int, user_id: int, excluded_id: int, *, excluded_is_bot: bool = False) -> list[int]:
        return await self.exclusions.add(guild_id, user_id, excluded_id, excluded_is_bot=excluded_is_bot)

    async def unexclude(self, guild_id: int, user_id: int, excluded_id: int) -> list[int]:
        return await self.exclusions.remove(guild_id, user_id, excluded_id)


def hash_seed(guild_id: int, key: str) -> int:
    return stable_seed("mock", guild_id, key)


def _check_cadence(cadence: str) -> str:
    if cadence not in ("weekly", "biweekly"):
        raise InvalidInput(f"`{cadence}` is not a cadence.", hint="Pick weekly or biweekly.")
    return cadence
