"""Daily AI-systems design prompts: schedule, rotation, exactly-once delivery and answers."""

from bot.daily.delivery import DailyDelivery
from bot.daily.forms import AnswerForm, answer_form
from bot.daily.models import (
    ALL_KINDS,
    ANSWER_LIMIT,
    AnswerResult,
    DailyPost,
    DailySchedule,
    DailyStatus,
    DeliveryFailed,
    DeliveryResult,
    Outcome,
    PostRecord,
    PostStatus,
    Published,
    SavedAnswer,
)
from bot.daily.publishing import JOB_PREFIX, DailyPublisher, eligible_prompts, job_id, post_nonce
from bot.daily.repository import DailyRepository
from bot.daily.service import DailyService, Preview, SetupResult

__all__ = [
    "ALL_KINDS", "ANSWER_LIMIT", "JOB_PREFIX", "AnswerForm", "AnswerResult", "DailyDelivery", "DailyRepository", "DailyPost", "DailySchedule", "DailyService",
    "DailyStatus", "DeliveryFailed", "DeliveryResult", "Outcome", "PostRecord", "PostStatus", "Preview",
    "Published", "DailyPublisher", "SavedAnswer", "SetupResult", "answer_form", "eligible_prompts", "job_id", "post_nonce",
]
