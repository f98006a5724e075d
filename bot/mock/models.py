"""What mock interviews are made of: signups, rounds, groups, a group's brief, outcomes, counts and a schedule change."""

from __future__ import annotations

from collections.abc import Collection, Set
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.content.models import Prompt
from bot.errors import InvalidInput
from bot.mock.schedule import Schedule

if TYPE_CHECKING:  # the meeting rows live with their repository, which imports nothing of this module
    from zoneinfo import ZoneInfo

    from bot.mock.meeting_repository import Meeting, TimeOption

CHECKIN_CLAIMED = -1  # a group's check-in is being posted: a restart looks for it before posting again


@dataclass(frozen=True)
class Signup:
    guild_id: int
    user_id: int
    role: str
    level: str
    timezone: str
    availability: str
    status: str
    skip_rounds: int
    pause_reason: str | None
    left_server: bool = False  # a round found them gone from the server; any /mock command of theirs clears it
    sat_out: str | None = None  # the key of the last scheduled round they sat out while pausing for some rounds


MANUAL_KEY_PREFIX = "manual:"  # the key of a round a moderator started with pair-now


@dataclass(frozen=True)
class Round:
    id: int
    guild_id: int
    number: int
    round_key: str
    channel_id: int
    starts_at: datetime
    reminder_at: datetime
    ends_at: datetime
    status: str
    seed: int
    method: str
    announcement_id: int | None
    channel_notice: str | None = None  # what kept the round from its channel, stored before the moderators are told
    channel_notice_told: bool = True  # False between storing that and telling it (a crash may come)

    @property
    def scheduled(self) -> bool:
        """Made by the schedule, not by a moderator's pair-now (whose rounds run beside scheduled ones)."""
        return not self.round_key.startswith(MANUAL_KEY_PREFIX)

    @property
    def kind(self) -> str:
        """How a moderator tells open rounds apart: a pair-now round runs beside the scheduled one."""
        return "scheduled" if self.scheduled else "pair-now"

    @property
    def label(self) -> str:
        return f"round {self.number} ({self.kind})"


@dataclass(frozen=True)
class StartedRound:
    """A moderator's round, and who it paused for never answering (the moderator is told; they were too)."""

    round: Round
    paused_silent: tuple[int, ...]


@dataclass(frozen=True)
class GroupMember:
    user_id: int
    role: str
    # Their copy of the brief, for a group told by DM (None in a thread, or until its id is stored).
    dm_message_id: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Delivery:
    """How a group was told: ``how`` is "thread" (its private thread, ``thread_id``) or "dm" (each member
    directly; ``dm_briefs`` maps a member to their copy of the brief, for those Discord took it for)."""

    how: str
    thread_id: int | None = None
    dm_briefs: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Group:
    id: int
    round_id: int
    guild_id: int
    position: int
    prompt_id: str
    delivery: str
    thread_id: int | None
    reminded_at: datetime | None
    checkin_message_id: int | None
    outcome: str | None
    members: tuple[GroupMember, ...]

    def has(self, user_id: int) -> bool:
        return any(m.user_id == user_id for m in self.members)

    def role_of(self, user_id: int) -> str | None:
        return next((m.role for m in self.members if m.user_id == user_id), None)


@dataclass(frozen=True)
class GroupBrief:
    prompt: Prompt | None
    times: list[tuple[datetime, datetime]]
    zones: dict[int, str]


@dataclass(frozen=True)
class TimePlan:
    """Where a group stands on its meeting time: what its brief shows once a member has left.

    ``status`` is ``off`` (called off), ``agreed`` (or about to be: every member still here accepted
    ``agreed_at``), ``open`` (``times`` are what its picker offers, start and end) or ``closed`` (the
    round's time for agreeing is over)."""

    status: str
    agreed_at: datetime | None = None
    times: tuple[tuple[datetime, datetime], ...] = ()

    @property
    def times_open(self) -> int | None:
        """How many times the picker offers while a time is still to be agreed; None otherwise."""
        return len(self.times) if self.status == "open" else None


@dataclass(frozen=True)
class Report:
    outcome: str
    changed: bool
    paused: list[int]
    # members whose "didn't show" a "We met" (or a "We couldn't make it") withdrew
    withdrawn: list[int] = field(default_factory=list)
    resumed: list[int] = field(default_factory=list)  # of those, members no longer paused for missing twice
    # "We met" from a member others reported absent: refused, nothing recorded but the dispute; these reported them
    disputed_by: list[int] = field(default_factory=list)
    to_ask: list[int] = field(default_factory=list)  # of those, the reporters not asked before: ask them now
    # "We met" in a trio: members a report about still says did not show, so they are not credited
    absent: list[int] = field(default_factory=list)
    # "They didn't show" about a member who had pressed "We met": their word against the reporter's, who may confirm
    disputing: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class StoredFeedback:
    """One member's feedback about another, as stored: what sharing it (again) needs."""

    group_id: int
    from_id: int
    to_id: int
    guild_id: int
    scores: tuple[int, int, int]
    note: str | None


@dataclass(frozen=True)
class MockStats:
    participants: int
    rounds: int
    groups: int
    met: int
    noshows: int
    ratings: tuple[float, float, float] | None
    feedback_count: int
    agreed: int = 0
    cancelled: int = 0
    no_time: int = 0
    excluding: tuple[int, int] = (0, 0)  # (members with exclusions, exclusions): counts only
    paused_by_bot: tuple[int, int] = (0, 0)  # (paused for two no-shows, paused for never answering): counts only


@dataclass(frozen=True)
class RoundsAhead:
    """What a member is told about rounds: the scheduled round under way (which a newcomer is not in) and
    when the next ones start. One answer for /mock join, /mock status and /upcoming."""

    running: Round | None
    next_rounds: list[datetime]

    @property
    def next_round(self) -> datetime | None:
        return self.next_rounds[0] if self.next_rounds else None


@dataclass(frozen=True)
class ScheduleChange:
    """A saved schedule and what it means now, so the moderator's reply can say exactly what will happen."""

    schedule: Schedule
    next_rounds: list[datetime]  # the first is the first round on this schedule
    running: Round | None  # an open round that keeps its end; the first of ``next_rounds`` comes after it
    # Today's round, whose time the change moved to one already past, starts now (the caller starts it after
    # answering, with :meth:`MockService.start_due`); ``next_rounds`` are those after it.
    starts_now: bool = False
    # With ``starts_now``: fewer than two members are free to take part, so no round starts today (it is still
    # tried, as at its time: a lone member is told, and members pausing for some rounds sit it out).
    too_few: bool = False


@dataclass(frozen=True)
class Picker:
    """What one member sees when choosing times: the open times, the ones they accepted, their zone."""

    round: Round
    group: Group
    meeting: Meeting
    options: list[TimeOption]
    mine: set[int]
    zone: ZoneInfo


@dataclass(frozen=True)
class Choice:
    """The result of a member's choice or proposal: what was recorded and whether a time is now agreed."""

    meeting: Meeting
    option: TimeOption | None
    agreed: TimeOption | None
    waiting_for: list[int]
    repeated: bool = False  # the member proposed a time someone had already proposed: it counts as accepting it


def staying_in(group: Group, departed: Set[int]) -> Group:
    """The group as those still in the server see it: the members found gone are no longer in it."""
    return replace(group, members=tuple(m for m in group.members if m.user_id not in departed))


def absent_named(group: Group, user_id: int, absent: Collection[int] | None) -> list[int]:
    """Whom a "didn't show" from ``user_id`` is about: a pair's partner, or in a trio only the members the reporter
    names (the ids come from a select anyone can forge): the third may well have come, and blaming them for
    another's absence could pause them."""
    others = [m.user_id for m in group.members if m.user_id != user_id]
    if absent is None and len(others) == 1:
        return others
    named = sorted(set(absent or ()))
    if not named or any(u not in others for u in named):
        raise InvalidInput("Say which member of your group did not show; nothing was recorded.",
                           hint="Press **They didn't show** again and pick them.")
    return named
