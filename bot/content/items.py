"""Checking one prompt or card on its own, with exactly the rules and messages a pack file gets.

Forms in Discord (suggestions, moderator edits, uploaded documents) produce single items. They
are run through the same parser as a ``[[prompt]]`` or ``[[card]]`` table in a pack file, so a
member reads the very message ``studybot content validate`` would print for the same mistake.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from bot.content.loader import Pack, Problem, _parse
from bot.content.models import CardFile, Flashcard, PackMeta, Prompt, PromptFile
from bot.content.report import near_duplicates

ItemKind = Literal["prompt", "card"]
_FILES: dict[str, tuple[type[PromptFile] | type[CardFile], str]] = {
    "prompt": (PromptFile, "prompt"), "card": (CardFile, "card")}


def check_item(kind: ItemKind, data: dict[str, Any], label: str) -> tuple[Prompt | Flashcard | None, list[Problem]]:
    """Validate ``data`` as one item of a pack file named ``label``; the item, or None and the problems."""
    model, key = _FILES[kind]
    parsed, problems = _parse(model, {key: [data]}, key, label)
    if parsed is None:
        return None, problems
    return getattr(parsed, key)[0], problems


def alike_problems(item: Prompt | Flashcard, others: list[Prompt] | list[Flashcard], label: str) -> list[Problem]:
    """The pack validator's near-duplicate warnings for ``item`` against each item already in a deck.

    Each pair goes through :func:`~bot.content.report.near_duplicates` itself, so the threshold and
    the wording are the validator's; pairing one at a time keeps it linear in the deck's size.
    """
    meta = PackMeta.model_construct(name="check", title="check", version="0.0.0", schema_version=1, description="-")
    found: list[Problem] = []
    for other in others:
        if other.id == item.id or type(other) is not type(item):
            continue
        if isinstance(item, Prompt) and isinstance(other, Prompt):
            pack = Pack(meta, Path(label), (other, item), (), {item.id: label})
        elif isinstance(item, Flashcard) and isinstance(other, Flashcard):
            pack = Pack(meta, Path(label), (), (other, item), {item.id: label})
        else:
            continue
        found += near_duplicates(pack)
    return found


def describe(problems: list[Problem], fields: dict[str, str] | None = None) -> str:
    """Problems as bullet lines for a Discord reply: the field (by its form label when known) and the message."""
    lines = []
    for problem in problems:
        name = problem.field or "item"
        top = name.split(".")[0]
        label = (fields or {}).get(top, name)
        if label != name and "." in name:
            label = f"{label} (line {int(name.split('.')[1]) + 1})" if name.split(".")[1].isdigit() else label
        lines.append(f"• **{label}**: {problem.message}")
    return "\n".join(lines[:10])
