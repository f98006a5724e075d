"""Daily streaks with freezes, leaderboards, milestones, reminders and the activity heatmap."""

from bot.streaks.celebrations import CelebrationFailed
from bot.streaks.heatmap import describe_heatmap, render_heatmap
from bot.streaks.models import (
    Board,
    BoardEntry,
    FreezeCover,
    LeaderboardPage,
    ProvisionalFreeze,
    ReminderCover,
    Repaired,
    StreakProfile,
)
from bot.streaks.reminders import DirectMessagesClosedError, StreakReminders
from bot.streaks.repository import StreakRepository
from bot.streaks.rules import FREEZE_EVERY, MAX_FREEZES, DayStatus, StreakState, evaluate
from bot.streaks.service import StreakPublisher, StreakService

__all__ = [
    "Board",
    "BoardEntry",
    "CelebrationFailed",
    "DayStatus",
    "DirectMessagesClosedError",
    "FREEZE_EVERY",
    "FreezeCover",
    "MAX_FREEZES",
    "ProvisionalFreeze",
    "ReminderCover",
    "Repaired",
    "LeaderboardPage",
    "StreakProfile",
    "StreakPublisher",
    "StreakReminders",
    "StreakRepository",
    "StreakService",
    "StreakState",
    "describe_heatmap",
    "evaluate",
    "render_heatmap",
]
