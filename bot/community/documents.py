"""A study document uploaded in Discord becomes cards in the review queue.

It is read by the same parser and drafted by the same importer as ``studybot content
import``; each drafted card is then checked by the pack validator and queued as a
suggestion in the document's own deck (``doc-<name>``), citing the section and heading it
came from. Nothing is stored unless the whole document reads cleanly.
"""

from __future__ import annotations

import re
import tomllib

from bot.community.library import ServerContent
from bot.community.models import DOCUMENT_PREFIX, ImportResult
from bot.community.service import SuggestionService
from bot.content.cardchecks import one_card_errors
from bot.content.document import StudyDocument, parse_document
from bot.content.importer import draft_files
from bot.content.items import check_item
from bot.content.loader import Problem
from bot.content.models import Flashcard
from bot.errors import Conflict, InvalidInput

UPLOAD_LIMIT = 1_000_000      # bytes; the seed document is about 60 KB
CARDS_PER_UPLOAD = 200
PROBLEM_SHOWN = 180  # characters of each problem an error lists (a reply holds 2,000)
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
DECK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,30}$")


def deck_name_for(filename: str, given: str | None) -> str:
    name = given or re.sub(r"[^a-z0-9]+", "-", filename.rsplit(".", 1)[0].lower()).strip("-")[:30]
    if not DECK_NAME.match(name or ""):
        raise InvalidInput(f"`{given or filename}` does not make a deck name.",
                           hint="Give `deck` as lowercase letters, digits and dashes, e.g. `rag-notes`.")
    return name


def check_upload(filename: str, size: int, content_type: str | None) -> None:
    """What can be refused before downloading anything: the size, and a type that is clearly not text."""
    if size > UPLOAD_LIMIT:
        raise InvalidInput(f"{filename} is {size:,} bytes; uploaded documents can be up to {UPLOAD_LIMIT:,} bytes.",
                           hint="Split the document, or upload only the chapters you want cards from.")
    text_type = content_type is None or content_type.startswith("text/") or content_type.startswith(
        "application/octet-stream")
    if not text_type or not filename.lower().endswith(TEXT_SUFFIXES):
        raise InvalidInput(f"{filename} is not a text document ({content_type or 'unknown type'}).",
                           hint="Upload plain text or Markdown (.txt or .md) saved as UTF-8.")


class DocumentImporter:
    def __init__(self, suggestions: SuggestionService, content: ServerContent) -> None:
        self.suggestions = suggestions
        self.content = content

    async def import_document(self, guild_id: int, uploader_id: int, filename: str, raw: bytes, *,
                              deck: str | None = None) -> ImportResult:
        check_upload(filename, len(raw), None)
        document = parse_document(raw, filename)  # binary, not UTF-8, no FAQ: InvalidInput, nothing stored
        name = deck_name_for(filename, deck)
        key = DOCUMENT_PREFIX + name
        cards, skipped = self._drafted_cards(document, name)
        if not cards:
            raise InvalidInput(f"{filename} gave no card that passes the pack checks.",
                               hint="\n".join(str(p)[:PROBLEM_SHOWN] for p in skipped[:5]) or None)
        if len(cards) > CARDS_PER_UPLOAD:
            raise InvalidInput(f"{filename} drafts {len(cards)} cards; one upload can queue {CARDS_PER_UPLOAD}.",
                               hint="Split the document and upload the parts under different deck names.")
        async with self.suggestions.db.transaction() as conn:
            if await self.suggestions.repo.deck_in_use(conn, guild_id, key):
                raise Conflict(f"This server already has a deck `{key}` from an earlier upload.",
                               hint="Give the new upload another `deck` name.")
            # A deck of that name whose cards were all removed is gone: its switch is not the new deck's.
            await self.content.forget_switch_in(conn, guild_id, key)
            queued = [await self.suggestions.queue_item(conn, guild_id, uploader_id, card, deck=key)
                      for card in cards]
        return ImportResult(key, document.name, queued, skipped)

    @staticmethod
    def _drafted_cards(document: StudyDocument, name: str) -> tuple[list[Flashcard], list[Problem]]:
        """The importer's draft, read back and checked card by card with the pack validator: its schema and the
        card rules it adds (an answer that only repeats its question), as a suggested card is, so an approved
        card never makes the server's export fail ``studybot content validate``."""
        files = draft_files(document, name)
        cards: list[Flashcard] = []
        problems: list[Problem] = []
        seen: set[str] = set()
        for relative, text in files.items():
            if relative == "pack.toml":
                continue
            for raw in tomllib.loads(text).get("card", []):
                card, found = check_item("card", raw, f"{name}/{relative}")
                errors = one_card_errors(card, f"{name}/{relative}") if isinstance(card, Flashcard) else []
                card = None if errors else card
                found += errors
                problems += found
                if isinstance(card, Flashcard):
                    if card.id in seen:  # the same question twice in the document: one card
                        problems.append(Problem(f"{name}/{relative}", card.id, None,
                                                "the document asks this question twice; the first is kept",
                                                severity="warning"))
                        continue
                    seen.add(card.id)
                    cards.append(card)
        return cards, problems
