"""The content pack schema: what a prompt and a flashcard are, with Discord's limits built in.

Unknown keys are errors (``extra="forbid"``): a typo such as ``folow_ups`` must not
silently drop a field. Ids are stable slugs because member progress is keyed on them.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

SCHEMA_VERSION = 1

# Discord limits that rendered items must respect.
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_LIMIT = 1024
EMBED_TOTAL_LIMIT = 6000
BUTTON_LABEL_LIMIT = 80

# A card's topics and quiz options, which the forms that edit a card must take at their longest too.
CARD_TAGS = 8
TAG_LENGTH = 30
WRONG_ANSWERS = 6
WRONG_ANSWER_LENGTH = 300

ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# A pack's name is also its deck key in every server (`/content decks`, `/cards study deck:`), beside the keys of
# a server's own deck and of the documents uploaded there: a pack may take neither, or one switch would serve both;
# nor the word that picks every deck at once, or it could never be studied alone.
SERVER_DECK = "server"
DOCUMENT_PREFIX = "doc-"
EVERY_DECK = "all"


def reserved_pack_name(name: str) -> str | None:
    """Why ``name`` cannot name a pack (a deck key the bot gives a server's own content), with a name that can,
    or None."""
    if name == SERVER_DECK:
        return (f"“{SERVER_DECK}” is the deck of each server's own prompts and cards "
                f"(call it, say, “{SERVER_DECK}-pack”)")
    if name == EVERY_DECK:
        return f"“{EVERY_DECK}” picks every deck at once in `/cards study` (call it, say, “{EVERY_DECK}-topics”)"
    if name.startswith(DOCUMENT_PREFIX):
        return (f"names starting with “{DOCUMENT_PREFIX}” are the decks of documents uploaded in a server "
                f"(call it, say, “{name[len(DOCUMENT_PREFIX):]}-docs”)")
    return None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class PromptKind(StrEnum):
    DESIGN = "design"
    DEBUGGING = "debugging"
    TRADEOFF = "tradeoff"
    PRODUCT = "product"
    BEHAVIORAL = "behavioral"


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Source(Strict):
    """Where in the study document an item comes from."""

    section: Text
    heading: Text

    def __str__(self) -> str:
        return f"{self.section} › {self.heading}"


class SizingCheck(Strict):
    """One capacity claim a prompt makes, as arithmetic the validator can check.

    ``need`` and ``have`` are arithmetic over numbers the prompt states (``1_200_000 * 0.43``
    against ``28 * 6 * 3600``), so a prompt whose numbers are edited without re-doing the
    sums stops validating instead of quietly asking members for the impossible.
    """

    check: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=200)]
    need: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    have: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Prompt(Strict):
    """A daily AI-systems design prompt, also used as a mock-interview question."""

    id: ItemId
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=EMBED_TITLE_LIMIT - 10)]
    kind: PromptKind
    difficulty: Difficulty
    scenario: Annotated[str, StringConstraints(strip_whitespace=True, min_length=40, max_length=1800)]
    constraints: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]] = Field(
        min_length=1, max_length=8)
    follow_ups: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=240)]] = Field(
        min_length=2, max_length=4)
    hints: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=240)]] = Field(
        min_length=1, max_length=5)
    rubric: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=240)]] = Field(
        min_length=2, max_length=8)
    source: Source
    sizing: list[SizingCheck] = Field(default_factory=list, max_length=6)

    @model_validator(mode="after")
    def _fits_discord(self) -> Prompt:
        for name, value in self.render_fields():
            if len(value) > EMBED_FIELD_LIMIT:
                raise ValueError(f"the rendered '{name}' field is {len(value)} characters; Discord allows "
                                 f"{EMBED_FIELD_LIMIT}: shorten it")
        total = len(self.title) + len(self.scenario) + sum(len(n) + len(v) for n, v in self.render_fields())
        if total > EMBED_TOTAL_LIMIT - 300:
            raise ValueError(f"the rendered prompt is {total} characters; keep it under {EMBED_TOTAL_LIMIT - 300}")
        return self

    def render_fields(self) -> list[tuple[str, str]]:
        """The embed fields a prompt is shown with (hints and rubric are shown separately)."""
        return [
            ("Scale and constraints", "\n".join(f"• {c}" for c in self.constraints)),
            ("Follow-up questions", "\n".join(f"{i}. {q}" for i, q in enumerate(self.follow_ups, 1))),
        ]

    def render_hints(self) -> str:
        return "\n".join(f"• {h}" for h in self.hints)

    def render_rubric(self) -> str:
        return "\n".join(f"• {r}" for r in self.rubric)


class Flashcard(Strict):
    """A question and answer drawn from the document, with optional wrong answers for the quiz."""

    id: ItemId
    front: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=300)]
    back: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=900)]
    tags: list[Annotated[str, StringConstraints(pattern=rf"^[a-z0-9-]{{2,{TAG_LENGTH}}}$")]] = Field(
        default_factory=list, max_length=CARD_TAGS)
    source: Source
    prompt: ItemId | None = None  # the prompt this card rehearses, when it comes from one
    wrong_answers: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=3,
                                                         max_length=WRONG_ANSWER_LENGTH)]] = (
        Field(default_factory=list, max_length=WRONG_ANSWERS))

    @field_validator("wrong_answers")
    @classmethod
    def _distinct_from_each_other(cls, values: list[str]) -> list[str]:
        lowered = [v.lower() for v in values]
        if len(set(lowered)) != len(lowered):
            raise ValueError("wrong answers must all be different")
        return values

    @model_validator(mode="after")
    def _wrong_is_not_right(self) -> Flashcard:
        if any(_norm(w) == _norm(self.back) for w in self.wrong_answers):
            raise ValueError("a wrong answer repeats the right answer (the back)")
        return self


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


class SourceDocument(Strict):
    name: Text
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class PackMeta(Strict):
    """``pack.toml``: what the pack is and which document it was written from."""

    schema_version: int
    name: ItemId
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=100)]
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]
    description: Text
    source_document: SourceDocument | None = None

    @field_validator("schema_version")
    @classmethod
    def _known_schema(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"this studybot reads schema_version {SCHEMA_VERSION}; the pack says {value}")
        return value


class PromptFile(Strict):
    prompt: list[Prompt] = Field(default_factory=list)


class CardFile(Strict):
    card: list[Flashcard] = Field(default_factory=list)
