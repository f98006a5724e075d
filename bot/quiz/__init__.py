"""The daily multiple-choice quiz built from the flashcards."""

from bot.quiz.builder import LETTERS, Question, build_question
from bot.quiz.jobs import JOB_PREFIX, post_job
from bot.quiz.models import (
    Pick,
    PickOutcome,
    QuizOverview,
    QuizPost,
    QuizRecord,
    QuizResults,
    QuizSchedule,
    QuizStatus,
)
from bot.quiz.publishing import QuizDeliveryFailed, QuizPublisher
from bot.quiz.service import QuizService

__all__ = ["JOB_PREFIX", "LETTERS", "Pick", "PickOutcome", "Question", "QuizDeliveryFailed", "QuizOverview",
           "QuizPost", "QuizPublisher", "QuizRecord", "QuizResults", "QuizSchedule", "QuizService", "QuizStatus",
           "build_question", "post_job"]
