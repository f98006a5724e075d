"""Content that grows with the community: suggestions and their review, the server's own decks,
documents uploaded in Discord, export as a pack, the archive of past prompts and private practice."""

from bot.community.documents import DocumentImporter, check_upload
from bot.community.export import export_pack
from bot.community.forms import form_fields
from bot.community.library import (
    DOCUMENT_PREFIX,
    SERVER_DECK,
    Deck,
    ServerContent,
    ServerItem,
    cards_of,
    deck_title,
)
from bot.community.suggestions import Decision, Status, Suggestion, SuggestionService

__all__ = [
    "DOCUMENT_PREFIX", "SERVER_DECK", "Deck", "Decision", "ServerContent", "ServerItem", "Status", "Suggestion",
    "SuggestionService", "cards_of", "deck_title", "DocumentImporter", "check_upload", "export_pack", "form_fields",
]
