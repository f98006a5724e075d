"""Members who leave the server in the middle of a round: their group hears of it, and an interview left
with one member is called off.

The bot has no GUILD_MEMBERS intent, so Discord never says when a member leaves. At the round's nudge and
at its end the members of the groups still under way are looked up once (Request Guild Members by id).
What was found is written in one transaction before anyone is told: the departures, the member marked
gone from the server (as the check before a round does), and, when fewer than two are left, the
interview cancelled with the one left owed first place in the next round; a trio left as a pair gets
its new roles, a pair's length and, with no time agreed yet, the times the two still share. The group is
then told, looking first for a message an interrupted attempt already sent, and its brief is edited to
show the group as it now is; the departure is recorded told last. A restart finishes what a crash
interrupted and tells each group once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.mock.agreement import minutes_for
from bot.mock.meetings import MeetingService
from bot.mock.models import Group, GroupMember, Round, TimePlan, staying_in
from bot.mock.publisher import MockPublisher
from bot.mock.repository import PairingRepository
from bot.mock.rounds import gone_from
from bot.posting import crash_point, publish_once
from bot.storage import Database

log = logging.getLogger(__name__)

LEFT_REASON = "Left the server."  # the cancellation's reason, as /mock history and moderators see it


@dataclass(frozen=True)
class Departure:
    """Members of one group newly found gone, and whether that leaves too few for the interview."""

    group: Group
    gone: tuple[int, ...]
    staying: tuple[int, ...]

    @property
    def called_off(self) -> bool:
        return len(self.staying) < 2

    @property
    def part_taken(self) -> tuple[int, str] | None:
        """(the observer, the part they now take) when a trio carries on as a pair without its interviewer or
        candidate; None when the observer left (the pair keeps its roles) or the interview is off."""
        if self.called_off:
            return None
        observer = next((m.user_id for m in self.group.members if m.role == "observer" and m.user_id in self.staying),
                        None)
        missing = next((m.role for m in self.group.members if m.user_id in self.gone and m.role != "observer"), None)
        return (observer, missing) if observer is not None and missing is not None else None


def only(group: Group, staying: Iterable[int]) -> Group:
    """``group`` with only the members ``staying``."""
    kept = set(staying)
    return staying_in(group, {m.user_id for m in group.members if m.user_id not in kept})


def without_departed(groups: Iterable[Group], departed: Mapping[int, Set[int]]) -> list[Group]:
    """Each group without its members found gone, so a nudge or check-in is about (and to) those still here."""
    return [staying_in(g, departed.get(g.id, set())) for g in groups]


def to_ask(live: Iterable[Group], departed: Mapping[int, Set[int]]) -> list[int]:
    """Whom to look up: the members of the live groups not already found gone, each once."""
    return sorted({m.user_id for g in live for m in g.members if m.user_id not in departed.get(g.id, set())})


def departures(live: Iterable[Group], gone: Set[int], departed: Mapping[int, Set[int]]) -> list[Departure]:
    """The live groups with a member newly found ``gone``; who left and who stays (earlier departures count)."""
    found = []
    for group in live:
        before = departed.get(group.id, set())
        new = tuple(m.user_id for m in group.members if m.user_id in gone and m.user_id not in before)
        if new:
            staying = tuple(m.user_id for m in group.members if m.user_id not in before and m.user_id not in gone)
            found.append(Departure(group, new, staying))
    return found


class Departures:
    """Finds the members of a round's live groups who left the server, and tells their groups once."""

    def __init__(self, db: Database, clock: Clock, repo: PairingRepository, meetings: MeetingService,
                 publisher: MockPublisher) -> None:
        self._db, self._clock, self.repo, self.meetings, self.publisher = db, clock, repo, meetings, publisher
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)  # the nudge and end may run at once
        self._looked_at: dict[int, datetime] = {}  # round id -> when this process last asked Discord about it

    async def check(self, round_: Round, *, unless_within: timedelta | None = None) -> None:
        """Look, and tell the groups that lost a member; with ``unless_within``, not when this process looked at
        the round that recently (the two reminders of a pair are due at the same moment: one look serves both)."""
        async with self._locks[round_.id]:
            now = self._clock.now()
            last = self._looked_at.get(round_.id)
            if unless_within is not None and last is not None and now - last < unless_within:
                return
            fresh = await self._find(round_)
            self._looked_at[round_.id] = now
            await self._tell(round_, fresh)

    async def _live(self, round_: Round) -> list[Group]:
        """The round's groups that were told, reported nothing yet and whose interview is not cancelled."""
        live = []
        for group in await self.repo.groups(round_.id):
            if group.delivery == "pending" or group.outcome is not None:
                continue
            meeting = await self.meetings.repo.meeting(group.id)
            if meeting is None or meeting.status != "cancelled":
                live.append(group)
        return live

    async def _find(self, round_: Round) -> set[int]:
        """Ask Discord once and write what it says; the ids of the groups found to have lost a member."""
        live = await self._live(round_)
        departed = await self.repo.departed(round_.id)
        asked = to_ask(live, departed)
        if not asked:
            return set()
        try:
            present: set[int] | None = await self.publisher.members_present(round_.guild_id, asked)
        except Exception:
            log.warning("guild %s: could not ask Discord which of the %d members of round %s are still in the server; "
                        "the round goes on as it is", round_.guild_id, len(asked), round_.number, exc_info=True)
            return set()
        found = departures(live, gone_from(asked, present), departed)
        if not found:
            return set()
        # A trio carrying on as a pair before agreeing a time is offered the times that suit the two.
        suggested = {d.group.id: await self.meetings.suggestions_for_fewer(round_, only(d.group, d.staying))
                     for d in found if not d.called_off}
        now = self._clock.now()
        async with self._db.transaction() as conn:
            await self.repo.mark_left_server(conn, round_.guild_id, {u for d in found for u in d.gone}, now)
            for d in found:
                await self.repo.record_departures(conn, round_.id, round_.guild_id, d.group.id, d.gone, d.called_off,
                                                  now)
                if d.called_off:
                    await self.meetings.repo.ensure(conn, d.group.id, d.group.guild_id,
                                                    minutes_for(len(d.group.members)), now)
                    await self.meetings.repo.cancel(conn, d.group.id, d.gone[0], LEFT_REASON, now)
                    await self.repo.owe_first_place(conn, round_.id, round_.guild_id, d.staying, now)
                else:
                    # A trio carrying on as a pair: the observer takes the part of whoever left, and the interview
                    # is a pair's length (an agreed time keeps its start; its event is moved to the new end).
                    if d.part_taken is not None:
                        await self.repo.set_role(conn, d.group.id, *d.part_taken)
                    await self.meetings.repo.resize(conn, d.group.id, minutes_for(len(d.staying)), now)
                    await self.meetings.add_suggestions(conn, d.group.id, suggested[d.group.id], now)
        crash_point("mock.departure-found")
        for d in found:
            log.info("group %s of round %s: %d member(s) left the server; %s", d.group.id, round_.id, len(d.gone),
                     "the interview is off" if d.called_off else "the others carry on")
        return {d.group.id for d in found}

    async def _tell(self, round_: Round, fresh: set[int]) -> None:
        """Tell each group with an untold departure (found now, or before a crash) once, then record it."""
        untold = await self.repo.untold_departures(round_.id)
        if not untold:
            return
        departed = await self.repo.departed(round_.id)
        for group_id, (gone_ids, called_off) in untold.items():
            group = await self.repo.group(group_id)
            if group is None:
                continue
            try:
                # Called off: the event and room go, as for a cancellation; a pair now: the event ends sooner.
                await self.meetings.sync_event(group_id)
            except Exception:
                log.exception("could not bring the event of group %s up to date; it is retried at the next start",
                              group_id)
            staying = staying_in(group, departed.get(group_id, set()))
            gone = [m for m in group.members if m.user_id in gone_ids]
            if staying.members:
                plan = await self.meetings.time_plan(round_, staying)
                await self._tell_once(round_, staying, gone, called_off, plan.times_open, fresh=group_id in fresh)
                await self._refresh_brief(round_, staying, gone, plan)  # after the message, which reopens the thread
                crash_point("mock.brief-refreshed")
            await self.repo.mark_departures_told(group_id, self._clock.now())
            if not called_off:
                try:  # a time the members still here had all accepted was waiting only for who left
                    await self.meetings.settle_without_departed(round_, staying)
                except Exception:
                    log.exception("could not settle the time of group %s after a member left", group_id)

    async def _refresh_brief(self, round_: Round, staying: Group, gone: list[GroupMember], plan: TimePlan) -> None:
        """Bring the brief in the group's thread in line: who is still in it, with which part, and when to meet.
        An edit of what is stored, so doing it again after a crash changes nothing; a brief that cannot be
        edited stays as it was, and the departure message still says what changed."""
        try:
            await self.publisher.refresh_brief(round_, staying, gone, plan)
        except Exception:
            log.exception("could not bring the brief of group %s up to date after a member left", staying.id)

    async def _tell_once(self, round_: Round, staying: Group, gone: list[GroupMember], called_off: bool,
                         times_open: int | None, *, fresh: bool) -> None:
        publisher = self.publisher

        async def post() -> int | None:
            message_id = await publisher.tell_departure(round_, staying, gone, called_off, times_open)
            crash_point("mock.departure-told")
            return message_id

        await publish_once(fresh=fresh, find_earlier=lambda: publisher.find_departure(round_, staying, called_off),
                           publish=post)
