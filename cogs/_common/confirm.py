"""A yes/no question about something that cannot be undone, answered by the one who asked."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar, Protocol

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


async def ask_before_removing(interaction: discord.Interaction, question: str, *,
                              remove: Callable[[int], Awaitable[str]], kept: str,
                              confirm_label: str = "Remove the schedule") -> None:
    """Ask the moderator, privately, before removing something for good.

    ``remove`` runs with the id of whoever confirms (the asker, checked again on the click) and
    returns the text that replaces the question; ``kept`` replaces it when they keep it.
    """
    async def confirmed(confirming: discord.Interaction) -> str:
        return await remove(confirming.user.id)

    view = ConfirmView(interaction.user.id, confirm_label=confirm_label, action=confirmed, cancel_text=kept)
    await interaction.response.send_message(question, view=view, ephemeral=True)


class _Posted(Protocol):
    @property
    def channel_id(self) -> int: ...


class Schedules(Protocol):
    """A feature that posts on a schedule in one channel per server (the daily prompt, the quiz)."""

    async def configured(self, guild_id: int) -> _Posted: ...
    async def remove(self, guild_id: int, actor_id: int) -> _Posted: ...


async def ask_before_removing_schedule(interaction: discord.Interaction, schedules: Schedules, *, question: str,
                                       removed: str, kept: str) -> None:
    """``/<feature> remove``: ask first, then remove the server's schedule.

    ``question`` and ``removed`` name the channel as ``{channel}``. A server without a schedule is
    told how to set one up (by ``configured``) before anything is asked.
    """
    guild_id = interaction.guild_id
    assert guild_id is not None
    schedule = await schedules.configured(guild_id)

    async def remove_it(moderator_id: int) -> str:
        gone = await schedules.remove(guild_id, moderator_id)
        return removed.format(channel=f"<#{gone.channel_id}>")

    await ask_before_removing(interaction, question.format(channel=f"<#{schedule.channel_id}>"), remove=remove_it,
                              kept=kept)
