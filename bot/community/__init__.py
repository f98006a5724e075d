"""Content that grows with the community: suggestions and their review, the server's own decks,
documents uploaded in Discord, export as a pack, the archive of past prompts and private practice."""

from bot.community.decisions import DecisionNotices, DecisionNoticeUnknown, DecisionPublisher
from bot.community.documents import DocumentImporter, check_upload
from bot.community.export import export_pack
from bot.community.forms import TOPIC_LIMIT, WRONG_ANSWERS_LIMIT, form_fields
from bot.community.library import ServerContent, cards_of
from bot.community.models import (
    DOCUMENT_PREFIX,
    SERVER_DECK,
    Decision,
    Deck,
    ImportResult,
    ServerItem,
    Status,
    Suggestion,
    deck_title,
    item_summary,
)
from bot.community.review_queue import QueuePostUnknown, ReviewQueue, ReviewQueuePublisher
from bot.community.service import JOB_PREFIX, SuggestionService, retry_job, reviewed_item, server_item_prefix

__all__ = [
    "DOCUMENT_PREFIX", "SERVER_DECK", "Deck", "Decision", "ImportResult", "ServerContent", "ServerItem", "Status", "Suggestion",
    "SuggestionService", "deck_title", "DocumentImporter", "check_upload", "export_pack", "form_fields",
    "cards_of", "item_summary", "TOPIC_LIMIT", "WRONG_ANSWERS_LIMIT",
    "QueuePostUnknown", "ReviewQueue", "ReviewQueuePublisher",
    "DecisionNotices", "DecisionNoticeUnknown", "DecisionPublisher", "JOB_PREFIX", "retry_job",
    "reviewed_item", "server_item_prefix",
]
