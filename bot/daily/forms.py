"""What the answer form says for each kind of prompt, and shortening titles without cutting words.

A behavioural question asked to "walk through your design" reads as if nobody looked at
it, so the form's label and placeholder follow the prompt's kind. Discord caps a modal
title at 45 characters, a text input's label at 45 and its placeholder at 100; titles
longer than that are shortened at a word boundary so the member never sees half a word.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.models import Prompt, PromptKind
from bot.text import MODAL_TITLE_LIMIT, shorten

INPUT_LABEL_LIMIT = 45
PLACEHOLDER_LIMIT = 100


@dataclass(frozen=True)
class AnswerForm:
    title: str
    label: str
    placeholder: str


# kind -> (label, placeholder): what a good answer of that kind walks through.
WORDING: dict[PromptKind, tuple[str, str]] = {
    PromptKind.DESIGN: ("Your design",
                        "Components, data flow, sizing, tradeoffs and failure modes of your design."),
    PromptKind.DEBUGGING: ("Your investigation",
                           "First hypotheses, what you would measure, the likely cause, the fix and how to prevent it."),
    PromptKind.TRADEOFF: ("Your decision",
                          "The options, what each wins on, what you would measure, your choice and what would change it."),
    PromptKind.PRODUCT: ("Your approach",
                         "Who it is for, the problem that matters most, what you would ship first, how you measure it."),
    PromptKind.BEHAVIORAL: ("Your story",
                            "Situation, task, your own actions, the result (numbers if you can) and what you learned."),
}


def answer_form(prompt: Prompt, *, replacing: bool) -> AnswerForm:
    label, placeholder = WORDING[prompt.kind]
    if replacing:
        label = f"{label} (replaces the earlier one)"
    return AnswerForm(title=shorten(prompt.title, MODAL_TITLE_LIMIT), label=shorten(label, INPUT_LABEL_LIMIT),
                      placeholder=shorten(placeholder, PLACEHOLDER_LIMIT))
