"""Flashcards with FSRS spaced repetition, and the daily quiz."""

from bot.cards.service import CardKind, CardStats, Graded, NothingToStudy, StudyCard, StudyService
from bot.cards.srs import Grade, Memory, Scheduler

__all__ = ["CardKind", "CardStats", "Grade", "Graded", "Memory", "NothingToStudy", "Scheduler", "StudyCard",
           "StudyService"]
