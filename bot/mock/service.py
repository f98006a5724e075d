"""Mock interviews as the extension sees them: one service over schedule, rounds, outcomes and sign-ups.

Each part does one job in its own module (:mod:`bot.mock.round_flow` runs a round from
creation to close, :mod:`bot.mock.round_cancel` cancels one, :mod:`bot.mock.outcomes` records what happened afterwards,
:mod:`bot.mock.meetings` agrees a time, :mod:`bot.mock.signups` keeps who takes part); this
service owns the schedule, the lifecycle of every job, and the methods the extension calls.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from bot.activity import ActivityService
from bot.audit import AuditLog
from bot.clock import Clock
from bot.content import ContentStore
from bot.content.models import Prompt
from bot.errors import InvalidInput, check_all
from bot.mock.exclusions import Exclusions
from bot.mock.jobs import (
    CANCEL_TELL_PREFIX,
    DELIVER_PREFIX,
    DISPUTE_PREFIX,
    END_PREFIX,
    NUDGE_PREFIX,
    PAUSE_PREFIX,
    ROUND_PREFIXES,
    SHARE_PREFIX,
    alone_job,
    forget_guild_jobs,
    rebuild,
    round_job,
)
from bot.mock.meeting_repository import Meeting
from bot.mock.meetings import Choice, MeetingPublisher, MeetingService, Picker
from bot.mock.models import (
    Group,
    MockStats,
    Report,
    Round,
    RoundsAhead,
    ScheduleChange,
    Signup,
    StartedRound,
    staying_in,
)
from bot.mock.outcomes import Outcomes
from bot.mock.publisher import MockPublisher
from bot.mock.ratings import RatingsReceived, summarise
from bot.mock.repository import PairingRepository
from bot.mock.round_cancel import RoundCancellation
from bot.mock.round_flow import RoundFlow
from bot.mock.schedule import (
    Schedule,
    earliest_first_round,
    first_free,
    opening_rounds,
    parse_weekday,
    passed_today,
)
from bot.mock.signups import Signups
from bot.overview import ConfiguredFeature
from bot.scheduler import JobScheduler
from bot.storage import Database
from bot.timezones import parse_local_time, parse_zone

log = logging.getLogger(__name__)


class MockService:
    def __init__(self, db: Database, clock: Clock, content: ContentStore, scheduler: JobScheduler, audit: AuditLog,
                 activity: ActivityService, publisher: MockPublisher, meeting_publisher: MeetingPublisher) -> None:
        self.repo = PairingRepository(db)
        self.signups = Signups(self.repo, clock)
        self._db, self._clock = db, clock
        self._scheduler, self._audit, self._activity = scheduler, audit, activity
        self.meetings = MeetingService(db, clock, scheduler, self.repo, meeting_publisher)
        self.exclusions = Exclusions(db, clock, self.meetings.repo)
        self.publisher = publisher
        self.rounds = RoundFlow(db, clock, content, scheduler, audit, self.repo, self.meetings, publisher)
        self.cancellation = RoundCancellation(db, clock, scheduler, audit, self.repo, self.meetings, publisher)
        self.outcomes = Outcomes(db, clock, content, activity, self.repo, self.meetings.repo, publisher, scheduler)
        self.rounds.tell_paused = self.outcomes.tell_paused

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(self) -> None:
        """Rebuild every job from the database: schedules, and reminders and ends of open rounds."""
        rebuild(self._scheduler, await self.repo.schedules(), self.schedule_job)
        rebuild(self._scheduler, await self.repo.open_rounds(), self.rounds.schedule_timers)
        await self.meetings.start()

    async def catch_up(self) -> None:
        """After connecting: finish delivering any round whose groups were not all told, telling the groups of a
        cancelled round, and the events, share the feedback a stopped process stored but never shared, tell
        the members it paused without a word, and ask the reporters of a disputed "didn't show" it never asked."""
        # One server's unforeseen fault is logged and passed over: the servers after it, and the passes below,
        # still run.
        for schedule in await self.repo.schedules():
            if schedule.enabled and self._scheduler.owns(schedule.guild_id):
                try:
                    await self.rounds.run_missed(schedule)
                except Exception:
                    log.exception("could not catch up the mock round of guild %s", schedule.guild_id)
        for round_ in await self.repo.open_rounds():
            if self._scheduler.owns(round_.guild_id):
                try:
                    await self.rounds.deliver(round_)
                except Exception:
                    log.exception("could not finish delivering mock round %s", round_.id)
        await self.cancellation.catch_up_cancelled(self._scheduler.owns)
        await self.meetings.catch_up()
        await self.outcomes.share_unshared_feedback(self._scheduler.owns)
        await self.outcomes.tell_untold_pauses(self._scheduler.owns)
        await self.outcomes.ask_unasked_reporters(self._scheduler.owns)

    def forget_guild(self, guild_id: int) -> None:
        """The bot left the server: no more rounds for it, and none of its rounds' or interviews' timers run
        (a nudge, an end or a reminder would reach neither the threads nor, most often, the members, and an
        end would close the round unasked); the schedule and the rounds stay for 30 days."""
        self._scheduler.remove(round_job(guild_id))
        self._scheduler.remove(alone_job(guild_id))
        forget_guild_jobs(self._scheduler, guild_id, (NUDGE_PREFIX, END_PREFIX, DELIVER_PREFIX, CANCEL_TELL_PREFIX,
                                                      PAUSE_PREFIX, SHARE_PREFIX, DISPUTE_PREFIX))
        self.meetings.forget_guild(guild_id)

    async def resume_guild(self, guild_id: int) -> None:
        """The bot was added back within the 30 days: the kept schedule runs again, and so do the timers of
        its open rounds and agreed interviews (a round that ended meanwhile asks its groups how it went now); a
        round that fell due earlier the same day starts now (as after the bot was down), so the server is not
        left without one until the next occurrence. The news of a cancelled round, feedback, pause news and
        withdrawal asks whose retries stopped with the removal go out now, as at a start."""
        if not self._scheduler.owns(guild_id):
            return
        await self.cancellation.catch_up_cancelled(lambda other: other == guild_id)
        now = self._clock.now()
        for round_ in await self.repo.open_rounds(guild_id):
            if round_.ends_at <= now:  # before today's round is looked at: it would wait for this one
                await self.rounds.end(round_.id)
            else:
                self.rounds.schedule_timers(round_)
        await self.meetings.resume_guild(guild_id)
        await self.outcomes.share_unshared_feedback(lambda other: other == guild_id)
        await self.outcomes.tell_untold_pauses(lambda other: other == guild_id)
        await self.outcomes.ask_unasked_reporters(lambda other: other == guild_id)
        schedule = await self.repo.schedule(guild_id)
        if schedule is not None and schedule.enabled:
            self.schedule_job(schedule)
            await self.rounds.run_missed(schedule)

    async def stop(self) -> None:
        """Remove every job of mock interviews: rounds, their timers, and the meetings' reminders and rooms."""
        for prefix in ROUND_PREFIXES:
            self._scheduler.remove_prefix(prefix)
        await self.meetings.stop()

    # -- schedule ------------------------------------------------------------------------------
    async def set_schedule(self, guild_id: int, actor_id: int, *, cadence: str, weekday: str, time_text: str,
                           zone_text: str, channel_id: int, voice_channel_id: int | None = None) -> ScheduleChange:
        """Save the schedule, anchored on its first round: the first occurrence after any open round that no
        round was already made for (rounds are made once per key). An open round keeps the end its members
        were told; the dates returned are the rounds that will start, the first being the first of this schedule."""
        _cadence, day, at, zone = check_all(lambda: _check_cadence(cadence), lambda: parse_weekday(weekday),
                                            lambda: parse_local_time(time_text), lambda: parse_zone(zone_text))
        now = self._clock.now()
        old = await self.repo.schedule(guild_id)
        open_rounds = [r for r in await self.repo.open_rounds(guild_id) if r.scheduled]  # pair-now ones run beside
        running = max(open_rounds, key=lambda r: r.ends_at, default=None)
        # The same cadence on the same weekday keeps its weeks: moving a biweekly round by an hour must not
        # restart the count from the next occurrence.
        keep_weeks = old is not None and old.cadence == cadence and old.weekday == day
        draft = Schedule(guild_id, channel_id, cadence, day, f"{at:%H:%M}", zone.key,
                         old.anchor_date if old is not None and keep_weeks else now.date(),
                         voice_channel_id=voice_channel_id)
        candidates = opening_rounds(draft, not_before=earliest_first_round(now, (r.ends_at for r in open_rounds)),
                                    keep_weeks=keep_weeks)
        # Moved earlier than now on the day of its round: today's round still starts (now), unless one is open.
        today = passed_today(draft, old, now, keep_weeks) if running is None else None
        if today is not None:
            candidates = [today, *candidates]
        async with self._db.transaction() as conn:
            taken = await self.repo.used_keys(conn, guild_id, [draft.round_key(fire) for fire in candidates])
            schedule = first_free(draft, candidates, taken)
            await self.repo.save_schedule(conn, schedule, actor_id, now)
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="mock.schedule",
                                     old=old.describe if old else None, new=schedule.describe)
        await self._activity.adopt_guild_zone(guild_id, schedule.timezone)  # as the quiz's: see there
        self.schedule_job(schedule)
        starts_now = today is not None and schedule.round_key(today) not in taken
        # Said before the round is tried (after the answer): with fewer than two to pair, none starts.
        too_few = today is not None and starts_now and \
            len(await self.rounds.taking_part(guild_id, schedule.round_key(today))) < 2
        return ScheduleChange(schedule, schedule.next_rounds(now), running, starts_now, too_few)

    async def start_due(self, guild_id: int) -> None:
        """Start today's round whose time has already passed, if it has not started (a schedule moved earlier
        than now on its own day), as a start after downtime would."""
        schedule = await self.repo.schedule(guild_id)
        if schedule is not None and schedule.enabled and self._scheduler.owns(guild_id):
            await self.rounds.run_missed(schedule)

    def schedule_job(self, schedule: Schedule) -> None:
        self._scheduler.add(round_job(schedule.guild_id), schedule.trigger(), self.rounds.run_scheduled,
                            schedule.guild_id)

    # -- rounds --------------------------------------------------------------------------------
    async def pair_now(self, guild_id: int, actor_id: int) -> StartedRound:
        """A moderator's round, now, with everyone free to take part (and who it paused for never answering)."""
        return await self.rounds.pair_now(guild_id, actor_id)

    async def cancel_round(self, guild_id: int, actor_id: int, number: int | None = None) -> Round:
        return await self.cancellation.cancel_round(guild_id, actor_id, number)

    async def open_rounds(self, guild_id: int) -> list[Round]:
        """The server's open rounds, oldest first: the scheduled one and any pair-now round beside it."""
        return await self.repo.open_rounds(guild_id)

    # -- agreeing a time (bot.mock.meetings) ---------------------------------------------------
    async def meeting_picker(self, group_id: int, user_id: int, guild_id: int | None = None) -> Picker:
        return await self.meetings.picker(group_id, user_id, guild_id)

    async def choose_times(self, group_id: int, user_id: int, option_ids: list[int],
                           guild_id: int | None = None) -> Choice:
        return await self.meetings.choose(group_id, user_id, option_ids, guild_id)

    async def propose_time(self, group_id: int, user_id: int, text: str, guild_id: int | None = None) -> Choice:
        return await self.meetings.propose(group_id, user_id, text, guild_id)

    async def accept_time(self, option_id: int, user_id: int, guild_id: int | None = None) -> Choice:
        return await self.meetings.accept(option_id, user_id, guild_id)

    async def check_cancellable(self, group_id: int, user_id: int, guild_id: int | None = None) -> None:
        await self.meetings.check_cancellable(group_id, user_id, guild_id)

    async def cancel_meeting(self, group_id: int, user_id: int, reason: str, guild_id: int | None = None) -> Meeting:
        return await self.meetings.cancel(group_id, user_id, reason, guild_id)

    async def calendar_file(self, group_id: int, user_id: int,
                            guild_id: int | None = None) -> tuple[bytes, str, datetime]:
        return await self.meetings.calendar_file(group_id, user_id, guild_id)

    # -- outcomes and feedback -----------------------------------------------------------------
    async def member_group(self, group_id: int, user_id: int, guild_id: int | None = None) -> Group:
        return await self.outcomes.member_group(group_id, user_id, guild_id)

    async def rubric_for(self, group_id: int, user_id: int, guild_id: int | None = None) -> Prompt:
        return await self.outcomes.rubric_for(group_id, user_id, guild_id)

    async def report(self, group_id: int, user_id: int, outcome: str, guild_id: int | None = None,
                     absent: Collection[int] | None = None) -> Report:
        return await self.outcomes.report(group_id, user_id, outcome, guild_id, absent)

    async def tell_paused(self, guild_id: int, user_ids: list[int]) -> None:
        await self.outcomes.tell_paused(guild_id, user_ids)

    async def tell_resumed(self, guild_id: int, user_ids: list[int]) -> None:
        await self.outcomes.tell_resumed(guild_id, user_ids)

    async def ask_reporters(self, group_id: int, absent_id: int, reporters: list[int]) -> None:
        await self.outcomes.ask_reporters(group_id, absent_id, reporters)

    async def feedback(self, group_id: int, from_id: int, to_id: int, scores: list[str], note: str,
                       guild_id: int | None = None) -> tuple[Group, tuple[int, int, int], str | None]:
        return await self.outcomes.feedback(group_id, from_id, to_id, scores, note, guild_id)

    async def share_feedback(self, group: Group, from_id: int, to_id: int, scores: tuple[int, int, int],
                             note: str | None) -> bool:
        return await self.outcomes.share_feedback(group, from_id, to_id, scores, note)

    # -- reading -------------------------------------------------------------------------------
    async def ratings_received(self, guild_id: int, user_id: int) -> RatingsReceived | None:
        """The ratings partners gave the member here, averaged, and how the latest compare with the rest."""
        return summarise(await self.outcomes.feedback_repo.scores_received(guild_id, user_id))

    async def settings_section(self, guild_id: int) -> ConfiguredFeature | None:
        """This feature's part of the settings overview."""
        schedule = await self.repo.schedule(guild_id)
        if schedule is None:
            return None
        return ConfiguredFeature("Mock interviews", schedule.enabled, schedule.channel_id, schedule.describe,
                                 schedule.next_rounds(self._clock.now(), 2), position=40)

    async def schedule(self, guild_id: int) -> Schedule | None:
        return await self.repo.schedule(guild_id)

    async def rounds_ahead(self, guild_id: int, count: int = 1) -> RoundsAhead:
        """The scheduled round under way, if any, and the next ``count`` rounds the schedule starts."""
        schedule = await self.repo.schedule(guild_id)
        running = max((r for r in await self.repo.open_rounds(guild_id) if r.scheduled),
                      key=lambda r: r.ends_at, default=None)
        return RoundsAhead(running, schedule.next_rounds(self._clock.now(), count) if schedule else [])

    async def groups(self, round_id: int) -> list[Group]:
        return await self.repo.groups(round_id)

    async def group(self, group_id: int) -> Group | None:
        """The group as those still in the server see it (a member found gone is no longer in it)."""
        group = await self.repo.group(group_id)
        return staying_in(group, await self.repo.departed_from(group_id)) if group is not None else None

    async def current_group(self, guild_id: int, user_id: int) -> tuple[Round, Group, Meeting | None] | None:
        """The member's group in the open round, without members found gone from the server during it, and its
        meeting (a cancelled one says who called it off and why)."""
        for round_ in reversed(await self.repo.open_rounds(guild_id)):
            for group in await self.repo.groups(round_.id):
                if group.has(user_id):
                    departed = (await self.repo.departed(round_.id)).get(group.id, set())
                    return round_, staying_in(group, departed), await self.meetings.repo.meeting(group.id)
        return None

    async def live_interview(self, guild_id: int, user_id: int) -> tuple[Round, Group] | None:
        """The member's interview in an open round that may still happen: not called off, not found without a
        time, not reported on. Leaving or pausing changes only the rounds to come, so a member who does either
        is shown that this one stands, with the others still expecting them, and how to call it off."""
        current = await self.current_group(guild_id, user_id)
        if current is None:
            return None
        round_, group, meeting = current
        if group.outcome is not None or len(group.members) < 2 or \
                (meeting is not None and meeting.status in ("cancelled", "no-time")):
            return None
        return round_, group

    async def history(self, guild_id: int, user_id: int | None,
                      limit: int = 10) -> list[tuple[Round, Group, frozenset[int], Meeting | None, frozenset[int]]]:
        """Recent groups, each with the members found gone from the server during its round (history shows that
        they left rather than the part they no longer played: in a trio left as a pair, another member took it),
        its meeting (an interview called off or that found no time has no report to wait for) and the members
        reported absent (in a trio, the others came: history says who did not)."""
        ids = await self.repo.history_group_ids(guild_id, user_id, limit)
        found = []
        for group_id in ids:
            group = await self.repo.group(group_id)
            round_ = await self.repo.round(group.round_id) if group else None
            if group and round_:
                found.append((round_, group, frozenset(await self.repo.departed_from(group_id)),
                              await self.meetings.repo.meeting(group_id),
                              await self.outcomes.outcomes_repo.absent_in(group_id)))
        return found

    async def stats(self, guild_id: int) -> MockStats:
        row = await self.repo.stats_row(guild_id)
        assert row is not None
        ratings = (row[4], row[5], row[6]) if row[7] else None
        counts = await self.meetings.repo.meeting_counts(guild_id)
        return MockStats(await self.repo.count_active(guild_id), row[0], row[1], row[2], row[3], ratings, row[7],
                         counts["agreed"], counts["cancelled"], counts["no_time"],
                         await self.meetings.repo.exclusion_counts(guild_id), await self.repo.count_paused_by_bot(guild_id))

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
        await self.signups.seen(guild_id, user_id)
        return await self.exclusions.add(guild_id, user_id, excluded_id, excluded_is_bot=excluded_is_bot)

    async def unexclude(self, guild_id: int, user_id: int, excluded_id: int) -> list[int]:
        await self.signups.seen(guild_id, user_id)
        return await self.exclusions.remove(guild_id, user_id, excluded_id)


def _check_cadence(cadence: str) -> str:
    if cadence not in ("weekly", "biweekly"):
        raise InvalidInput(f"`{cadence}` is not a cadence.", hint="Pick weekly or biweekly.")
    return cadence
