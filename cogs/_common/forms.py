"""One router for every persistent form (modal) submission.

discord.py delivers a modal's submission only to the Modal object in the process that opened it,
so a form left open across a restart would be lost. studybot's forms are therefore stopped as
soon as they are shown, carry everything needed in their custom id, and every submission is
answered here from that id, in whichever process receives it. Each extension adds its routes
when it loads (``client.forms.add(...)``); one listener serves them all.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord

from bot.error_handler import report_interaction_error
from bot.text import MODAL_TITLE_LIMIT, shorten
from cogs._common.access import payload_of
from cogs._common.authority import Audience, authorize
from cogs._common.views import BaseModal

Handler = Callable[[discord.Interaction, re.Match[str], dict[str, str]], Awaitable[None]]


@dataclass(frozen=True)
class FormRoute:
    """Submissions whose custom id matches ``pattern`` go to ``handler``, once ``audience`` is allowed."""

    pattern: re.Pattern[str]
    audience: Audience
    handler: Handler


def submitted_fields(data: dict[str, Any]) -> dict[str, str]:
    """``{custom_id: value}`` of a modal submission (action rows or the current Label layout)."""
    fields = {}
    for row in data.get("components") or []:
        for item in row.get("components") or ([row["component"]] if row.get("component") else []):
            if item.get("custom_id"):
                fields[str(item["custom_id"])] = str(item.get("value") or "")
    return fields


class FormRouter:
    def __init__(self) -> None:
        self._routes: list[FormRoute] = []

    def add(self, *routes: FormRoute) -> None:
        self._routes.extend(routes)

    def remove(self, *routes: FormRoute) -> None:
        self._routes = [route for route in self._routes if route not in routes]

    async def route(self, interaction: discord.Interaction) -> bool:
        """Answer a submitted form that a route owns; False when none does (or it is no form)."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return False
        data = payload_of(interaction)
        custom_id = str(data.get("custom_id", ""))
        for route in self._routes:
            match = route.pattern.fullmatch(custom_id)
            if match is None:
                continue
            try:
                if await authorize(interaction, route.audience):
                    await route.handler(interaction, match, submitted_fields(data))
            except Exception as error:
                await report_interaction_error(interaction, error)
            return True
        return False


PARAGRAPH = discord.TextStyle.paragraph
Field = discord.ui.Label  # a labelled input: ``.component`` is the TextInput


def text_input(label: str, custom_id: str, *, max_length: int, paragraph: bool = True, required: bool = True,
               default: str | None = None, placeholder: str | None = None, min_length: int | None = None,
               description: str | None = None) -> Field:
    """A text input inside its Label, the current modal layout."""
    return discord.ui.Label(text=label, description=description, component=discord.ui.TextInput(
        custom_id=custom_id, max_length=max_length, min_length=min_length, required=required,
        style=PARAGRAPH if paragraph else discord.TextStyle.short, default=default or None, placeholder=placeholder))


class FieldsModal(BaseModal):
    """A form whose custom id says everything needed to act on it.

    discord.py routes a modal's submission only to the object in the process that opened it, so a
    form left open across a restart would be lost. These forms are stopped once shown and every
    submission is answered by the :class:`FormRouter` from its custom id, in whichever process gets it.
    """

    def __init__(self, title: str, inputs: list[Field], custom_id: str) -> None:
        super().__init__(title=shorten(title, MODAL_TITLE_LIMIT), timeout=None, custom_id=custom_id)
        for item in inputs:
            self.add_item(item)

    async def show(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(self)
        self.stop()


class MemberForm(FieldsModal):
    """A form any member may submit (a suggestion)."""

    audience = Audience.MEMBER


class ModeratorForm(FieldsModal):
    """A form only a moderator may submit; checked again on submit, by its route."""

    audience = Audience.MODERATOR
