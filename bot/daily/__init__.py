"""Daily AI-systems design prompts: schedule, rotation, exactly-once delivery and answers."""

from bot.daily.delivery import DailyDelivery, Publisher, job_id, post_nonce
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
)
from bot.daily.service import DailyService, Preview, SetupResult

__all__ = [
    "ALL_KINDS", "ANSWER_LIMIT", "AnswerResult", "DailyDelivery", "DailyPost", "DailySchedule", "DailyService",
    "DailyStatus", "DeliveryFailed", "DeliveryResult", "Outcome", "PostRecord", "PostStatus", "Preview",
    "Published", "Publisher", "SetupResult", "job_id", "post_nonce",
]
