"""Feedback on daily answers: Helpful marks, best answers, the day's highlight and the Contributors board."""

from bot.feedback.models import Highlight, MarkResult
from bot.feedback.repository import FeedbackRepository
from bot.feedback.service import (
    CONTRIBUTORS,
    FeedbackPublisher,
    FeedbackService,
    HighlightRefused,
    TellFailed,
)

__all__ = ["CONTRIBUTORS", "FeedbackPublisher", "FeedbackRepository", "FeedbackService", "Highlight",
           "HighlightRefused", "MarkResult", "TellFailed"]
