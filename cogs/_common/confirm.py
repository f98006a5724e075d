"""A yes/no question about something that cannot be undone, answered by the one who asked."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

import discord

from cogs._common.authority import Audience
from cogs._common.views import BaseView

Action = Callable[[discord.Interaction], Awaitable[str]]


class ConfirmView(BaseView):
    """Two buttons; ``action`` runs on the first and returns the text that replaces the question.

    Only the moderator who asked may answer, and their authority is checked again when they press
    (``BaseView.interaction_check``): the question may be answered after they lost it.
    """

    audience: ClassVar[Audience | None] = Audience.MODERATOR

    def __init__(self, owner_id: int, *, confirm_label: str, action: Action, cancel_text: str,
                 timeout: float = 120.0) -> None:
        super().__init__(owner_id=owner_id, timeout=timeout)
        self.action = action
        self.cancel_text = cancel_text
        self.confirm.label = confirm_label

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _button: discord.ui.Button[ConfirmView]) -> None:
        text = await self.action(interaction)
        self.stop()
        await interaction.response.edit_message(content=text, view=None)

    @discord.ui.button(label="Keep it", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _button: discord.ui.Button[ConfirmView]) -> None:
        self.stop()
        await interaction.response.edit_message(content=self.cancel_text, view=None)
