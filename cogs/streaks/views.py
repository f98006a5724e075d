"""The leaderboard pager: Previous / Next for the member who asked."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot.streaks import LeaderboardPage
from cogs._common import BaseView
from cogs._common.authority import Audience

PageLoader = Callable[[int], Awaitable[tuple[LeaderboardPage, discord.Embed]]]


class LeaderboardView(BaseView):
    audience = Audience.MEMBER
    def __init__(self, owner_id: int, page: LeaderboardPage, load: PageLoader) -> None:
        super().__init__(owner_id=owner_id, timeout=300)
        self._load = load
        self._show(page)

    def _show(self, page: LeaderboardPage) -> None:
        self.page = page
        self.previous.disabled = page.page == 0
        self.next.disabled = page.page >= page.pages - 1

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        """Acknowledge the press first: loading a page may ask the gateway which members are still here."""
        await interaction.response.defer()
        page, embed = await self._load(self.page.page + step)
        self._show(page)
        await interaction.edit_original_response(embed=embed, view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary, emoji="◀️")
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[LeaderboardView]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary, emoji="▶️")
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[LeaderboardView]) -> None:
        await self._turn(interaction, 1)
