"""The daily multiple-choice quiz built from the flashcards."""

from bot.quiz.builder import LETTERS, Question, build_question
from bot.quiz.models import Pick, PickOutcome, QuizPost, QuizResults, QuizSchedule, QuizStatus
from bot.quiz.service import (
           JOB_PREFIX,
           QuizDeliveryFailed,
           QuizOverview,
           QuizPublisher,
           QuizService,
           post_job,
)

__all__ = ["LETTERS", "Pick", "PickOutcome", "Question", "QuizDeliveryFailed", "QuizOverview", "QuizPost",
           "QuizPublisher", "QuizResults", "QuizSchedule", "QuizService", "QuizStatus", "build_question", "post_job", "JOB_PREFIX"]
