"""Drafting a content pack from a study document: one flashcard per FAQ question and per takeaway.

The draft carries the document's own words and says so at the top of each file: it is
a starting point for a person to rewrite in their own words (and to add prompts to),
checked afterwards with ``studybot content validate``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Collection
from pathlib import Path

from bot.content.cardchecks import content_words
from bot.content.document import StudyDocument
from bot.content.models import reserved_pack_name
from bot.errors import InvalidInput

PACK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
ID_PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")
DRAFT_NOTE = ("# DRAFT written by `studybot content import` from {doc}. The text below is the document's own:\n"
              "# rewrite every front and back in your own words, then run `studybot content validate`.\n")


def _toml(value: str) -> str:
    """A TOML basic string: JSON's escapes are valid TOML, and JSON escapes every control character TOML
    forbids raw but DEL (U+007F), which is escaped here."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


ID_LIMIT = 64  # characters of an item id (bot.content.models.ItemId)


def _slug(text: str, words: int = 5, length: int = 32) -> str:
    """A short readable id part from ``text``: an id has at most 64 characters, whatever the text."""
    parts = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(parts[:words])[:length].strip("-") or "item"


def _item_id(head: str, text: str, words: int) -> str:
    """``head`` (the id prefix, the kind and numbers) and a slug of ``text``, cut so the id keeps within
    :data:`ID_LIMIT` whatever prefix ``--id-prefix`` gave: a longer one fails the draft's own validation."""
    return head + _slug(text, words, min(32, ID_LIMIT - len(head)))


def _card(card_id: str, front: str, back: str, tags: list[str], section: str, heading: str) -> str:
    front = front if len(front) <= 300 else front[:297] + "…"
    back = back if len(back) <= 900 else back[:897] + "…"
    return (f"[[card]]\nid = {_toml(card_id)}\nfront = {_toml(front)}\nback = {_toml(back)}\n"
            f"tags = [{', '.join(_toml(t) for t in tags)}]\n"
            f"source = {{ section = {_toml(section)}, heading = {_toml(heading)} }}\n")


def takeaway_front(section_name: str, section_title: str, takeaway: str) -> str:
    """A question for a takeaway that never gives its answer away.

    The front shows the opening words only while they hold less than half of the
    takeaway's meaningful words; a takeaway too short to split that way is asked for
    by its section instead, so the front never already contains the whole answer.
    """
    words = takeaway.rstrip(".").split()
    meaningful = content_words(takeaway)
    shown = 0
    while shown < len(words) and len(content_words(" ".join(words[:shown + 1]))) * 2 < len(meaningful):
        shown += 1
    if shown < 3 or len(words) - shown < 2:
        return f"What is one key takeaway of {section_name} ({section_title})?"
    return f"Complete the takeaway ({section_name}): {' '.join(words[:shown])} …"


# Every file a draft may hold; a draft written again with --force removes the ones it does not write this time.
DRAFT_FILES = frozenset({"pack.toml", "flashcards/faq.toml", "flashcards/takeaways.toml"})


def draft_files(document: StudyDocument, pack: str, id_prefix: str = "") -> dict[str, str]:
    """Relative path -> file text of the draft pack; every card id starts with ``id_prefix``."""
    if not PACK_NAME.match(pack):
        raise InvalidInput(f"`{pack}` is not a pack name.", hint="Use lowercase letters, digits and dashes, "
                           "e.g. `rag-systems`.")
    note = DRAFT_NOTE.format(doc=document.name)
    meta = (f"{note}schema_version = 1\nname = {_toml(pack)}\ntitle = {_toml(pack.replace('-', ' ').title())}\n"
            f"version = \"0.1.0\"\ndescription = {_toml('Drafted from ' + document.name)}\n\n"
            f"[source_document]\nname = {_toml(document.name)}\nsha256 = {_toml(document.sha256)}\n")
    faq = [note]
    for entry in document.faq:
        faq.append(_card(_item_id(f"{id_prefix}faq-{entry.number:02d}-", entry.question, 5), entry.question,
                         entry.answer, ["faq"], "Frequently Asked Questions", f"Question {entry.number}"))
    takeaways = [note]
    for section in document.sections:
        for index, takeaway in enumerate(section.takeaways, start=1):
            front = takeaway_front(section.name, section.title, takeaway)
            card_id = _item_id(f"{id_prefix}takeaway-s{section.number}-{index}-", takeaway, 4)
            takeaways.append(_card(card_id, front, takeaway, ["takeaway"],
                                   section.name, "Key Takeaways"))
    files = {"pack.toml": meta, "flashcards/faq.toml": "\n".join(faq)}
    if len(takeaways) > 1:
        files["flashcards/takeaways.toml"] = "\n".join(takeaways)
    return files


def draft_ids(files: dict[str, str]) -> list[str]:
    """The card and prompt ids a draft would create, read back from its own TOML."""
    ids: list[str] = []
    for relative, text in files.items():
        if relative != "pack.toml":
            data = tomllib.loads(text)
            ids += [item["id"] for key in ("card", "prompt") for item in data.get(key, [])]
    return ids


def write_draft(document: StudyDocument, pack: str, content_dir: Path, *, force: bool = False,
                taken_ids: Collection[str] = (), id_prefix: str = "") -> Path:
    """Write the draft under ``content_dir/pack``, refusing to overwrite a pack or reuse a loaded id.

    A draft whose ids collide with packs the bot already serves would stop the bot at its next start
    (ids are unique across packs), so the collision is reported here, before anything is written.
    """
    if id_prefix and not ID_PREFIX.match(id_prefix):
        raise InvalidInput(f"`{id_prefix}` is not an id prefix.",
                           hint="Use lowercase letters, digits and dashes, e.g. `serving`.")
    clash = reserved_pack_name(pack)
    if clash is not None:  # the draft would never validate under that name
        raise InvalidInput(f"`{pack}` cannot name a pack: {clash}.", hint="Choose another --pack name.")
    files = draft_files(document, pack, f"{id_prefix}-" if id_prefix else "")
    folder = content_dir / pack
    if folder.exists() and not force:
        raise InvalidInput(f"{folder} already exists.", hint="Choose another --pack name, or pass --force.")
    clashes = [item_id for item_id in draft_ids(files) if item_id in set(taken_ids)]
    if clashes:
        shown = ", ".join(clashes[:3]) + (f" and {len(clashes) - 3} more" if len(clashes) > 3 else "")
        raise InvalidInput(f"{len(clashes)} id(s) of the draft are already used by loaded packs: {shown}.",
                           hint="This document may already be imported; to draft it again, give the new "
                           "cards their own ids with --id-prefix NAME.")
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for relative in DRAFT_FILES.difference(files):  # an earlier draft's cards would pass for this document's
        (folder / relative).unlink(missing_ok=True)
    return folder
