"""Scheduled mock-interview pairings: matching, availability, meetings and the round service.

Nothing here imports discord: the cog in ``cogs/mock`` renders what these modules decide.
This module is the feature's public interface; other features and the cog import from here.
"""

from bot.mock.agreement import PAIR_MINUTES, local_label
from bot.mock.calendar import thread_url
from bot.mock.exclusions import MAX_EXCLUSIONS, Exclusions
from bot.mock.jobs import JOB_PREFIX, round_job
from bot.mock.meeting_repository import Meeting, TimeOption
from bot.mock.meetings import Choice, MeetingPublisher, MeetingService
from bot.mock.models import (
    Delivery,
    Group,
    GroupBrief,
    GroupMember,
    MockStats,
    Report,
    Round,
    RoundsAhead,
    ScheduleChange,
    Signup,
    StartedRound,
    TimePlan,
)
from bot.mock.outcome_repository import OutcomeRepository
from bot.mock.publisher import MockPublisher, ShareFailed
from bot.mock.ratings import RECENT_RATINGS, RatingsReceived
from bot.mock.schedule import WEEKDAY_NAMES, WEEKDAYS, Schedule, parse_weekday
from bot.mock.service import MockService
from bot.mock.silence import SILENT_ROUNDS

__all__ = [
    "JOB_PREFIX", "MAX_EXCLUSIONS", "PAIR_MINUTES", "RECENT_RATINGS", "SILENT_ROUNDS", "WEEKDAYS", "WEEKDAY_NAMES",
    "Choice", "Delivery", "Exclusions", "Group", "GroupBrief", "GroupMember", "Meeting", "MeetingPublisher", "MeetingService",
    "MockPublisher", "MockService", "MockStats", "OutcomeRepository", "RatingsReceived", "Report", "Round",
    "RoundsAhead", "Schedule", "ScheduleChange", "ShareFailed", "Signup", "StartedRound", "TimeOption", "TimePlan", "local_label",
    "parse_weekday", "round_job", "thread_url",
]
