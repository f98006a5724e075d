"""A moderator's own prompt, from the form's free text to a Prompt checked like the pack's.

Kept apart from the service because it is pure parsing and explaining: the form gives lines of text,
the content model gives pydantic errors, and a moderator needs each field named in words.
"""

from __future__ import annotations

from pydantic import ValidationError

from bot.content.models import Difficulty, Prompt, PromptKind, Source
from bot.content.sizing import refuse_unsized
from bot.errors import InvalidInput


def _lines(text: str) -> list[str]:
    return [line.strip(" -•*\t") for line in (text or "").splitlines() if line.strip(" -•*\t")]


def build_prompt(prompt_id: str, *, kind: str, difficulty: str, title: str, scenario: str, constraints: str,
                 follow_ups: str, rubric: str) -> Prompt:
    """A Prompt from a moderator's form, or an InvalidInput that names each field to fix."""
    try:
        prompt = Prompt(
            id=prompt_id, title=title, kind=PromptKind(kind), difficulty=Difficulty(difficulty), scenario=scenario,
            constraints=_lines(constraints), follow_ups=_lines(follow_ups),
            hints=["Start from the constraints: sketch the request path, then name where it breaks at scale."],
            rubric=_lines(rubric), source=Source(section="This server", heading="Written by its moderators"),
        )
    except ValueError as error:  # pydantic's ValidationError and enum lookups
        raise InvalidInput("That prompt does not fit the format yet:\n" + _explain(error),
                           hint="Fix the fields named above and submit again.") from error
    refuse_unsized(prompt)  # checked as a pack's prompt is, so the server's export validates
    return prompt


FIELD_NAMES = {"title": "Title", "scenario": "Scenario", "constraints": "Scale and constraints",
               "follow_ups": "Follow-up questions", "rubric": "What a strong answer covers",
               "kind": "Kind", "difficulty": "Difficulty"}


def _explain(error: ValueError) -> str:
    if not isinstance(error, ValidationError):
        return f"• {error}"
    lines = []
    for problem in error.errors():
        where = FIELD_NAMES.get(str(problem["loc"][0]), str(problem["loc"][0])) if problem["loc"] else "Prompt"
        message = problem["msg"].replace("String should have", "should have").replace("List should have",
                                                                                      "should have")
        if problem["loc"] and problem["loc"][0] in {"constraints", "follow_ups", "rubric"}:
            message += " (one per line)"
        lines.append(f"• **{where}**: {message}")
    return "\n".join(lines[:8])
