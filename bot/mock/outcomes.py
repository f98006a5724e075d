"""After a mock interview: what happened, the rubric, and the partners' feedback to each other.

Every id here comes from a button's custom id, which anyone can forge; the member and the
server come from Discord, so they decide whose group it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

import aiosqlite
from apscheduler.triggers.date import DateTrigger

from bot.activity import ActivityKind, ActivityRecorded, ActivityService
from bot.clock import Clock
from bot.content import ContentStore
from bot.content.models import Prompt
from bot.errors import Conflict, InvalidInput, NotFound, bounded_text
from bot.mock.feedback_repository import MockFeedbackRepository
from bot.mock.jobs import share_job
from bot.mock.meeting_repository import Meeting, MeetingRepository
from bot.mock.models import Group, Report, StoredFeedback, absent_named, staying_in
from bot.mock.outcome_notices import OutcomeNotices
from bot.mock.outcome_repository import OutcomeRepository
from bot.mock.prompts import MockPrompts
from bot.mock.publisher import MockPublisher, ShareFailed
from bot.mock.repository import PairingRepository
from bot.posting import crash_point
from bot.posting.retry import next_attempt
from bot.scheduler import JobScheduler
from bot.storage import Database

log = logging.getLogger(__name__)

NOSHOW_PAUSE = 2  # reported absent this many rounds in a row: paused until they rejoin
NOTE_LIMIT = 500
OUTCOMES = ("met", "noshow", "missed")
SHARE_RETRY_WINDOW = timedelta(days=1)  # retries of a failed share within the process; then at each start


async def member_group(repo: PairingRepository, group_id: int, user_id: int, guild_id: int | None) -> Group:
    """The group, when ``user_id`` is in it and (in a server) it belongs to ``guild_id``.

    The group id comes from a button's custom id, which anyone can forge; the member and the
    server come from Discord, so they decide.
    """
    group = await repo.group(group_id)
    if group is not None and guild_id is not None and group.guild_id != guild_id:
        raise NotFound("This button belongs to an interview in another server; nothing was done.")
    if group is None or not group.has(user_id):
        raise NotFound("This interview is not yours; nothing was done.",
                       hint="Only the members of this group can use these.")
    if await repo.guild_left(group.guild_id):  # a DM copy's buttons outlive the bot's place in the server
        raise Conflict("studybot is no longer in this interview's server, so nothing was done.")
    # As those still in the server see it: a member found gone takes no part (and has no role) any more.
    departed = await repo.departed_from(group.id)
    if user_id in departed:
        raise Conflict("You left the server during this round, so you are no longer in this interview; nothing "
                       "was done.", hint="Back in the server? Any `/mock` command, such as `/mock status`, puts you "
                                         "in the next round.")
    return staying_in(group, departed)


def held_at(meeting: Meeting | None, reported: datetime) -> datetime:
    """The moment a completed interview counts for: its agreed start when that came before the report, else the
    report's. A group that met at its time and said so days later (at the round's check-in) studied on the day
    they met: that day keeps their streaks, and the server's participation counts it in that week."""
    if meeting is not None and meeting.status == "agreed" and meeting.starts_at is not None \
            and meeting.starts_at <= reported:
        return meeting.starts_at
    return reported


class Outcomes(OutcomeNotices):
    def __init__(self, db: Database, clock: Clock, content: ContentStore, activity: ActivityService,
                 repo: PairingRepository, meetings: MeetingRepository, publisher: MockPublisher,
                 scheduler: JobScheduler) -> None:
        self.repo, self.meetings, self.publisher = repo, meetings, publisher
        self.feedback_repo = MockFeedbackRepository(db)
        self.outcomes_repo = OutcomeRepository(db)
        self._db, self._clock, self._activity = db, clock, activity
        self._scheduler = scheduler
        self._prompts = MockPrompts(db, content)
        self._share_retries: dict[tuple[int, int, int], tuple[int, datetime]] = {}  # (attempts, first failure)

    async def member_group(self, group_id: int, user_id: int, guild_id: int | None = None) -> Group:
        return await member_group(self.repo, group_id, user_id, guild_id)

    async def _group_for_outcome(self, group_id: int, user_id: int, guild_id: int | None) -> Group:
        """As :meth:`member_group`, refusing a cancelled round or interview: there was nothing to report on.

        An interview cancelled (by a member, or with its round by a moderator) after the group had already
        reported meeting still counts, so its feedback can be given; otherwise a report on it would credit
        streaks (or blame a partner) for an interview that was called off."""
        group = await self.member_group(group_id, user_id, guild_id)
        round_ = await self.repo.round(group.round_id)
        if round_ is not None and round_.status == "cancelled" and group.outcome != "met":
            raise Conflict(f"Round {round_.number} was cancelled, so there is nothing to report; nothing was "
                           "recorded.")
        meeting = await self.meetings.meeting(group.id)
        if meeting is not None and meeting.status == "cancelled" and group.outcome != "met":
            who = "you" if meeting.cancelled_by == user_id else f"<@{meeting.cancelled_by}>"
            raise Conflict(f"This interview was cancelled by {who}, so there is nothing to report; nothing was "
                           "recorded.", hint="You stay signed up and are paired again next round; a moderator "
                                             "can pair you sooner with `/mock-admin pair-now`.")
        return group

    async def rubric_for(self, group_id: int, user_id: int, guild_id: int | None = None) -> Prompt:
        """The rubric is the interviewer's (and an observer's); the candidate hears it in the feedback."""
        group = await self.member_group(group_id, user_id, guild_id)
        if group.role_of(user_id) == "candidate":
            raise Conflict("The rubric is for the interviewer; you will see how you did in their feedback.")
        prompt = await self._prompts.prompt(group.guild_id, group.prompt_id)
        if prompt is None:
            raise NotFound("This prompt is no longer in the content packs or this server's own prompts.")
        return prompt

    async def report(self, group_id: int, user_id: int, outcome: str, guild_id: int | None = None,
                     absent: Collection[int] | None = None) -> Report:
        """Record what happened; ``absent``: whom a "didn't show" is about (a trio's reporter names them)."""
        if outcome not in OUTCOMES:
            raise InvalidInput(f"`{outcome}` is not an outcome.")
        # Without members found gone from the server during the round: neither credited nor reported absent.
        group = await self._group_for_outcome(group_id, user_id, guild_id)
        missing = absent_named(group, user_id, absent) if outcome == "noshow" else []
        if outcome == "noshow" and (meeting := await self.meetings.meeting(group.id)) is not None \
                and meeting.status == "no-time":
            raise Conflict("Your group found no time to meet, which is not a no-show; nothing was recorded.")
        now = self._clock.now()
        held = await self.meetings.meeting(group.id) if outcome != "missed" else None
        credits = []
        withdrawn: list[int] = []
        reporters: list[int] = []
        paused: list[int] = []
        resumed: list[int] = []
        to_ask: list[int] = []
        absentees: list[int] = []
        disputing: list[int] = []
        taken: list[ActivityRecorded | None] = []  # credits of members reported absent after "We met" credited them
        # "We met" and "We couldn't make it" both say nobody was absent: each withdraws the group's "didn't show"
        # reports, and the pause a withdrawn report no longer justifies, in the same transaction.
        clears = outcome in ("met", "missed")
        async with self._db.transaction() as conn:
            if clears:
                # A member reported absent cannot clear that report alone: their word against the reporter's.
                reporters = [u for u in await self.outcomes_repo.reporters_of(conn, group_id, user_id) if group.has(u)]
            if reporters and outcome == "missed":
                names = ", ".join(f"<@{u}>" for u in reporters)
                raise Conflict(f"{names} reported that you did not show, and only they can withdraw that report, so "
                               "nothing was recorded.", hint="If you did meet, press **We met**: they are then asked "
                                                             "to confirm it.")
            if reporters:
                # Only their own word is taken back: a "didn't show" they reported themselves (so two members who
                # reported each other can still clear it). The reporters are asked (recorded here, so a crash
                # before the DM is caught up at the next start); their "We met" does the rest.
                withdrawn = await self.outcomes_repo.withdraw_reports_by(conn, group_id, user_id)
                to_ask = await self.outcomes_repo.dispute(conn, group_id, user_id, now)
            else:
                changed = await self.outcomes_repo.set_outcome(conn, group_id, outcome, user_id, now)
                # A late "We couldn't make it" from a group that reported meeting records nothing: it says nobody
                # was absent from an interview that did not happen, so it withdraws no report about one that did.
                clears = clears and (changed or outcome == "met")
            after_met = outcome == "noshow" and not changed
            if after_met:
                missing, disputing = await self._absent_after_met(conn, group, user_id, missing)
                changed = bool(missing)
            if clears and not reporters and (outcome == "missed" or await self._nobody_came(conn, group, user_id)):
                # Meeting after all, or nobody to blame: an earlier "didn't show" by any member is withdrawn with it.
                withdrawn = await self.outcomes_repo.withdraw_noshows(conn, group_id)
            elif clears and not reporters:
                # A trio's "We met" says that those who came met: a report about a member who did not stands,
                # unless that member disputes it and this presser, its reporter, now says they met after all.
                withdrawn = await self.outcomes_repo.withdraw_disputed_by(conn, group_id, user_id)
            if outcome == "met" and not reporters:
                # "We met" and the streak credit of every member not reported absent commit together; pressed
                # again, it only adds a credit that is missing (a report stored before both shared one transaction).
                met_at = held_at(held, now if changed else (await self.outcomes_repo.outcome_at(group_id, conn) or now))
                absentees = await self.outcomes_repo.absent_from(conn, group_id)
                for member in (m for m in group.members if m.user_id not in absentees):
                    credits.append(await self._activity.credit(conn, group.guild_id, member.user_id,
                                                               ActivityKind.MOCK, met_at, repair=not changed))
            if outcome == "noshow" and changed:
                # The absences, and the pause a second one in a row brings, commit with the report: a crash
                # cannot keep the report without them, nor pause a member without recording that they are
                # still to be told (:meth:`tell_paused`, or at the next start).
                # Only a newly reported absence can pause: pressed again, the same report would pause anew a
                # member who came back with `/mock join` since.
                for member_id in missing:
                    first = await self.outcomes_repo.add_noshow(conn, group_id, member_id, user_id, now)
                    if first and after_met:
                        met_at = held_at(held, await self.outcomes_repo.outcome_at(group_id, conn) or now)
                        taken.append(await self._activity.withdraw(conn, group.guild_id, member_id,
                                                                   ActivityKind.MOCK, met_at))
                    if first and await self._absent_twice(conn, group, member_id) and \
                            await self.outcomes_repo.pause_for_noshows(conn, group.guild_id, member_id, now):
                        paused.append(member_id)
                for member_id in disputing:
                    await self.outcomes_repo.dispute(conn, group_id, member_id, now, asked=True)
            if clears:
                # A pause the withdrawn reports no longer justify is lifted in the same transaction, untold until
                # :meth:`tell_resumed`. Every member who could have been reported is checked, not only this
                # press's withdrawals (the presser's own pause stands while others' reports of them do). The
                # presser is not sent a DM (as before), so their lifting is recorded told: no later start sends one.
                checked = [m.user_id for m in group.members if not reporters or m.user_id != user_id]
                for member_id in checked:
                    if not await self._absent_twice(conn, group, member_id) and \
                            await self.outcomes_repo.lift_noshow_pause(conn, group.guild_id, member_id, now,
                                                                       told=member_id == user_id):
                        resumed.append(member_id)
        if paused:
            log.info("guild %s: reported absent twice in a row, paused: %s", group.guild_id, paused)
            crash_point("mock.noshow-paused")
        if resumed:
            log.info("guild %s: a withdrawn no-show lifted the pause of %s", group.guild_id, resumed)
            crash_point("mock.noshow-withdrawn")
        if to_ask:
            crash_point("mock.noshow-disputed")
        if reporters:
            return Report(outcome, False, [], withdrawn, resumed, disputed_by=reporters, to_ask=to_ask)
        crash_point("outcome.saved")
        for credit in credits + taken:
            await self._activity.announce(credit)
        return Report(outcome, changed, paused, withdrawn, resumed, absent=absentees, disputing=disputing)

    async def _absent_after_met(self, conn: aiosqlite.Connection, group: Group, user_id: int,
                                named: list[int]) -> tuple[list[int], list[int]]:
        """Whom a "didn't show" made after "We met" reports, and which of them dispute it from the start.

        "We met" says that those who came met (in a trio the third may not have): a member who came may still
        report one who did not, whose credit is then taken back. Its presser said they came themselves, so a
        report about them is their word against the reporter's, a dispute as if they had pressed it after. Nothing
        is reported when that leaves fewer than two who came (a pair's "We met" from the reporter said the partner
        came) or the reporter stands reported absent."""
        met_by = await self.outcomes_repo.met_by(conn, group.id)
        absent = set(await self.outcomes_repo.absent_from(conn, group.id))
        came = [m.user_id for m in group.members if m.user_id not in absent and (m.user_id not in named
                                                                                 or m.user_id == met_by)]
        if user_id in absent or len(came) < 2:
            return [], []
        return named, [u for u in named if u == met_by]

    async def _nobody_came(self, conn: aiosqlite.Connection, group: Group, user_id: int) -> bool:
        """Whether the reports say every other member was absent: a pair's partner, or both of a trio's others. Then
        "We met" from ``user_id`` contradicts them all (one at least came), so they go, as in a pair; otherwise it
        says only that those who came met, and the report about one who did not stands."""
        absent = set(await self.outcomes_repo.absent_from(conn, group.id))
        return all(m.user_id in absent for m in group.members if m.user_id != user_id)

    async def _absent_twice(self, conn: aiosqlite.Connection, group: Group, user_id: int) -> bool:
        """Whether the member was reported absent from each of their last groups: in rounds that ended, and in
        ``group``'s own round (still open while its check-ins go out)."""
        recent = await self.outcomes_repo.last_groups_of(group.guild_id, user_id, NOSHOW_PAUSE, group.round_id, conn)
        return len(recent) >= NOSHOW_PAUSE and all(absent for _, absent in recent)

    async def feedback(self, group_id: int, from_id: int, to_id: int, scores: list[str], note: str,
                       guild_id: int | None = None) -> tuple[Group, tuple[int, int, int], str | None]:
        group = await self._group_for_outcome(group_id, from_id, guild_id)
        if to_id == from_id or not group.has(to_id):
            raise InvalidInput("Feedback goes to a partner from your own interview.")
        parsed = []
        for name, text in zip(("Communication", "Technical depth", "Tradeoff reasoning"), scores, strict=True):
            value = (text or "").strip()
            if value not in ("1", "2", "3", "4", "5"):  # not isdigit(): "²" is a digit int() refuses
                raise InvalidInput(f"{name} must be a whole number from 1 to 5 (you wrote `{value[:10]}`).",
                                   hint="Use 1 (weak) to 5 (excellent).")
            parsed.append(int(value))
        cleaned = bounded_text(note, what="The note", limit=NOTE_LIMIT, required=False)
        triple = (parsed[0], parsed[1], parsed[2])
        await self.feedback_repo.save_feedback(group_id, group.guild_id, from_id, to_id, triple, cleaned or None,
                                      self._clock.now())
        crash_point("feedback.saved")
        return group, triple, cleaned or None

    async def share_feedback(self, group: Group, from_id: int, to_id: int, scores: tuple[int, int, int],
                             note: str | None) -> bool:
        """The public part of stored feedback: posted for the partner (a re-submission edits the message
        it replaces), then marked shared with where it went, so a privacy deletion can remove it.

        Returns whether it is shared now. A moment's failure at Discord (5xx, 429, a timeout) is tried
        again after growing pauses for a day, and at every start after that; a refusal that will not
        pass is recorded as shared nowhere, so it is not retried for ever."""
        key = (group.id, from_id, to_id)
        earlier = await self.feedback_repo.feedback_location(group.id, from_id, to_id)
        try:
            posted = await self.publisher.post_feedback(group, from_id, to_id, scores, note, replacing=earlier)
        except ShareFailed as error:
            if error.transient:
                self._retry_share(group.guild_id, key, str(error))
                return False
            log.warning("Discord refused the feedback of group %s for good (%s); it is kept, not shown", group.id,
                        error)
            posted = None
        self._share_retries.pop(key, None)
        self._scheduler.remove(share_job(group.guild_id, *key))
        crash_point("feedback.shared")
        await self.feedback_repo.feedback_shared(group.id, from_id, to_id, posted, self._clock.now())
        return True

    def _retry_share(self, guild_id: int, key: tuple[int, int, int], reason: str) -> None:
        now = self._clock.now()
        attempt, since = self._share_retries.get(key, (0, now))
        when = next_attempt(attempt + 1, now, since + SHARE_RETRY_WINDOW)
        if when is None:
            self._share_retries.pop(key, None)
            log.warning("feedback of group %s is still not shared after a day (%s); trying again at the next start",
                        key[0], reason)
            return
        self._share_retries[key] = (attempt + 1, since)
        log.info("could not share feedback of group %s (%s); trying again at %s", key[0], reason, when.isoformat())
        self._scheduler.add(share_job(guild_id, *key), DateTrigger(run_date=when), self._share_again, *key)

    async def _share_again(self, group_id: int, from_id: int, to_id: int) -> None:
        """A retry's job: the feedback as it stands now, unless a re-submission shared it meanwhile."""
        stored = await self.feedback_repo.unshared_feedback_of(group_id, from_id, to_id)
        if stored is None:
            self._share_retries.pop((group_id, from_id, to_id), None)
            return
        await self._share_stored(stored)

    async def _share_stored(self, stored: StoredFeedback) -> bool:
        """Share stored feedback, first looking for the message in case an earlier attempt did post it
        (the process died, or Discord failed after taking it)."""
        group = await self.repo.group(stored.group_id)
        if group is None:
            return False
        found = await self.publisher.find_feedback(group, stored.from_id, stored.to_id, stored.scores, stored.note)
        if found is not None:
            await self.feedback_repo.feedback_shared(group.id, stored.from_id, stored.to_id, found, self._clock.now())
            return False
        return await self.share_feedback(group, stored.from_id, stored.to_id, stored.scores, stored.note)

    async def share_unshared_feedback(self, owns: Callable[[int], bool]) -> int:
        """At start-up: share the feedback a stopped process stored but never shared; return how many.

        A message that went out just before the process died is found and recorded, not posted twice."""
        shared = 0
        for stored in await self.feedback_repo.unshared_feedback():
            if not owns(stored.guild_id):
                continue
            try:
                shared += await self._share_stored(stored)
            except Exception:
                log.warning("could not share feedback in group %s; trying again at the next start", stored.group_id,
                            exc_info=True)
        return shared
