"""Daily streaks with freezes, leaderboards, milestones, reminders and the activity heatmap."""

from bot.streaks.reminders import StreakReminders
from bot.streaks.repository import Board, BoardEntry
from bot.streaks.rules import DayStatus, StreakState, evaluate
from bot.streaks.service import (
    DirectMessagesClosedError,
    LeaderboardPage,
    StreakProfile,
    StreakService,
)

__all__ = [
    "Board",
    "BoardEntry",
    "DayStatus",
    "DirectMessagesClosedError",
    "LeaderboardPage",
    "StreakProfile",
    "StreakReminders",
    "StreakService",
    "StreakState",
    "evaluate",
]
