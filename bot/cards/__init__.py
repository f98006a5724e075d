"""Flashcards with FSRS spaced repetition, and the daily quiz."""

from bot.cards.focus import Focus, weak_topics
from bot.cards.models import (
    HARD_LAPSES,
    MATURE_DAYS,
    CardInfo,
    CardKind,
    CardStats,
    DaySummary,
    Graded,
    HardCard,
    NothingToStudy,
    SetAsideCard,
    StudyCard,
    TopicRecall,
    Undone,
    forgotten,
)
from bot.cards.repository import CardRepository
from bot.cards.service import LEARN_AHEAD, StudyService
from bot.cards.srs import Grade, Memory, Scheduler

__all__ = [
    "HARD_LAPSES", "LEARN_AHEAD", "MATURE_DAYS", "CardInfo", "CardKind", "CardRepository", "CardStats", "Focus",
    "DaySummary", "Grade", "Graded", "HardCard", "Memory", "NothingToStudy", "Scheduler", "SetAsideCard",
    "StudyCard", "StudyService", "TopicRecall", "Undone", "forgotten", "weak_topics",
]
