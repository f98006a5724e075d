"""Turning the fields of a Discord form into a pack item, checked by the pack validator.

The form speaks in lines ("one per line") and a comma-separated topic; the pack speaks in
lists and tag slugs. Everything else is left to :func:`bot.content.items.check_item`, so a
suggestion is judged by exactly the rules (and worded in exactly the messages) a pack file is.
"""

from __future__ import annotations

import re
from typing import Any

from bot.content.cardchecks import one_card_errors
from bot.content.items import ItemKind, check_item, describe
from bot.content.models import CARD_TAGS, TAG_LENGTH, WRONG_ANSWER_LENGTH, WRONG_ANSWERS, Flashcard, Prompt
from bot.content.sizing import refuse_unsized
from bot.errors import InvalidInput

PLACEHOLDER_ID = "pending-suggestion"
COMMUNITY_SOURCE = {"section": "Community", "heading": "Suggested in this server"}

PROMPT_FIELDS = {"title": "Title", "kind": "Kind", "difficulty": "Difficulty", "scenario": "Scenario",
                 "constraints": "Scale and constraints", "follow_ups": "Follow-up questions", "hints": "Hints",
                 "rubric": "What a strong answer covers", "source": "Source"}
CARD_FIELDS = {"front": "Front (the question)", "back": "Back (the answer)", "tags": "Topic",
               "wrong_answers": "Wrong options for the quiz", "source": "Source"}


# A list bullet a person may type: "- ", "* " or "•" at a line's start. Only those: "-20%" keeps its minus
# and "*Idempotent* grades" its emphasis.
BULLET = re.compile(r"^\s*(?:[-*]\s+|•\s*)")


def lines(text: str | None) -> list[str]:
    """Non-empty lines, without the list bullets a person may have typed."""
    items = (BULLET.sub("", line).strip() for line in (text or "").splitlines())
    return [item for item in items if item]


# Characters the Topic and Wrong options inputs take: a card's most topics, ", "-separated, and its most
# wrong answers, one a line, each at its longest. Discord's client cannot submit an input whose pre-filled
# text is longer than the input takes, so a smaller input would leave a valid card no edit form can save.
TOPIC_LIMIT = CARD_TAGS * (TAG_LENGTH + len(", ")) - len(", ")
WRONG_ANSWERS_LIMIT = WRONG_ANSWERS * (WRONG_ANSWER_LENGTH + 1) - 1


def topic_tags(text: str | None) -> list[str]:
    """``"RAG, Vector search"`` -> ``["rag", "vector-search"]``; anything still malformed is left to the validator."""
    return [re.sub(r"\s+", "-", part.strip().lower()) for part in re.split(r"[,\n]", text or "") if part.strip()]


def topic_text(tags: list[str]) -> str:
    """Tags as the Topic input shows them: ``"rag, evals"`` (a card's every tag fits, see ``TOPIC_LIMIT``)."""
    return ", ".join(tags)


def prompt_data(fields: dict[str, str], source: dict[str, str] | None = None) -> dict[str, Any]:
    return {"id": PLACEHOLDER_ID, "title": fields.get("title", ""), "kind": fields.get("kind", ""),
            "difficulty": fields.get("difficulty", ""), "scenario": fields.get("scenario", ""),
            "constraints": lines(fields.get("constraints")), "follow_ups": lines(fields.get("follow_ups")),
            "hints": lines(fields.get("hints")), "rubric": lines(fields.get("rubric")),
            "source": source or COMMUNITY_SOURCE}


def card_data(fields: dict[str, str], source: dict[str, str] | None = None) -> dict[str, Any]:
    return {"id": PLACEHOLDER_ID, "front": fields.get("front", ""), "back": fields.get("back", ""),
            "tags": topic_tags(fields.get("topic")), "wrong_answers": lines(fields.get("wrong_answers")),
            "source": source or COMMUNITY_SOURCE}


def build_item(kind: ItemKind, fields: dict[str, str], source: dict[str, str] | None = None) -> Prompt | Flashcard:
    """The validated item, or an :class:`InvalidInput` listing every problem the pack validator found."""
    data = prompt_data(fields, source) if kind == "prompt" else card_data(fields, source)
    item, problems = check_item(kind, data, f"suggested {kind}")
    # And the rules the validator adds to the schema's, so an export of the server's content always validates:
    # a card's own card rules; a prompt's sizing (one that states a fixed pool and a workload needs a sizing
    # check, which a form cannot hold).
    if isinstance(item, Prompt):
        refuse_unsized(item)
    if isinstance(item, Flashcard):
        problems = one_card_errors(item)
        item = None if problems else item
    if item is None:
        names = PROMPT_FIELDS if kind == "prompt" else CARD_FIELDS
        raise InvalidInput(f"That {kind} does not fit the pack format yet:\n" + describe(problems, names),
                           hint="Fix the fields named above and submit again; nothing was saved.")
    return item


def form_fields(item: Prompt | Flashcard) -> dict[str, str]:
    """The form fields that reproduce ``item`` (to open an edit form pre-filled)."""
    if isinstance(item, Prompt):
        return {"title": item.title, "kind": item.kind.value, "difficulty": item.difficulty.value,
                "scenario": item.scenario, "constraints": "\n".join(item.constraints),
                "follow_ups": "\n".join(item.follow_ups), "hints": "\n".join(item.hints),
                "rubric": "\n".join(item.rubric)}
    return {"front": item.front, "back": item.back, "topic": topic_text(item.tags),
            "wrong_answers": "\n".join(item.wrong_answers)}
