"""The confirmation before a member's data is removed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from cogs._common import BaseView
from cogs._common.authority import Audience

OnConfirm = Callable[[discord.Interaction], Awaitable[None]]


class ConfirmDeleteView(BaseView):
    audience = Audience.MEMBER
    def __init__(self, owner_id: int, on_confirm: OnConfirm) -> None:
        super().__init__(owner_id=owner_id, timeout=120)
        self._on_confirm = on_confirm

    @discord.ui.button(label="Delete my data", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button[ConfirmDeleteView]) -> None:
        self.stop()
        await self._on_confirm(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[ConfirmDeleteView]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Nothing was deleted.", view=None)
