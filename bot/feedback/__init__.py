"""Feedback on daily answers: Helpful marks, best answers, the day's highlight and the Contributors board."""

from bot.feedback.service import CONTRIBUTORS, FeedbackPublisher, FeedbackService, Highlight, MarkResult

__all__ = ["CONTRIBUTORS", "FeedbackPublisher", "FeedbackService", "Highlight", "MarkResult"]
