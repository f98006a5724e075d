"""The forms members and moderators fill in: suggesting a card or prompt, editing one, a rejection reason.

Text inputs carry Discord's hard maximum lengths only; every other rule (minimum lengths,
how many lines, tag shapes) is the pack validator's, so its message is what a person reads.
"""

from __future__ import annotations

import discord

from bot.content.models import Prompt
from cogs._common import BaseModal
from cogs._common.authority import Audience

PARAGRAPH = discord.TextStyle.paragraph
Field = discord.ui.Label  # a labelled input: ``.component`` is the TextInput


def _input(label: str, custom_id: str, *, max_length: int, paragraph: bool = True, required: bool = True,
           default: str | None = None, placeholder: str | None = None) -> Field:
    """A text input inside its Label, the current modal layout."""
    return discord.ui.Label(text=label, component=discord.ui.TextInput(
        custom_id=custom_id, max_length=max_length, required=required,
        style=PARAGRAPH if paragraph else discord.TextStyle.short, default=default or None, placeholder=placeholder))


class FieldsModal(BaseModal):
    """A form whose custom id says everything needed to act on it.

    discord.py routes a modal's submission only to the object in the process that opened it, so a
    form left open across a restart would be lost. These forms are stopped once shown and every
    submission is answered by the form router (``cogs/_common/forms.py``) from its custom id, in whichever process gets it.
    """

    def __init__(self, title: str, inputs: list[Field], custom_id: str) -> None:
        super().__init__(title=title[:45], timeout=None, custom_id=custom_id)
        for item in inputs:
            self.add_item(item)

    async def show(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(self)
        self.stop()


class MemberForm(FieldsModal):
    """A form any member may submit (a suggestion)."""

    audience = Audience.MEMBER


class ModeratorForm(FieldsModal):
    """A form only a moderator may submit (editing or rejecting a suggestion); checked again on submit."""

    audience = Audience.MODERATOR


def card_inputs(values: dict[str, str] | None = None) -> list[Field]:
    v = values or {}
    return [
        _input("Front (the question)", "front", max_length=300, default=v.get("front"),
               placeholder="What does a reranker add after vector search?"),
        _input("Back (the answer)", "back", max_length=900, default=v.get("back")),
        _input("Topic (comma-separated)", "topic", max_length=200, paragraph=False, required=False,
               default=v.get("topic"), placeholder="retrieval, evals"),
        _input("Wrong options for the quiz (one per line)", "wrong_answers", max_length=1800, required=False,
               default=v.get("wrong_answers"), placeholder="Three plausible but wrong answers make a good quiz."),
    ]


def prompt_inputs(values: dict[str, str] | None = None, *, with_title: bool = False) -> list[Field]:
    """Five inputs (Discord's most): the suggestion form names the title in the command instead of
    asking for hints twice; a moderator's edit form swaps the hints for the title."""
    v = values or {}
    inputs = [
        _input("Scenario", "scenario", max_length=1800, default=v.get("scenario"),
               placeholder="The system to design or the problem to solve, with concrete numbers."),
        _input("Scale and constraints (one per line)", "constraints", max_length=1700, default=v.get("constraints")),
        _input("Follow-up questions (2-4, one per line)", "follow_ups", max_length=1000,
               default=v.get("follow_ups")),
        _input("What a strong answer covers (one per line)", "rubric", max_length=2000, default=v.get("rubric")),
    ]
    if with_title:
        inputs.insert(0, _input("Title", "title", max_length=246, paragraph=False, default=v.get("title")))
    else:
        inputs.insert(3, _input("Hints (one per line)", "hints", max_length=1250, default=v.get("hints")))
    return inputs


def edit_inputs(item_fields: dict[str, str], item: object) -> list[Field]:
    return prompt_inputs(item_fields, with_title=True) if isinstance(item, Prompt) else card_inputs(item_fields)


def reason_inputs() -> list[Field]:
    return [_input("Reason (sent to the author)", "reason", max_length=500,
                   placeholder="What would make it acceptable?")]
