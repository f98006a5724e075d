"""Autocomplete callbacks shared by several commands."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.timezones import search_zones


async def timezone_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """IANA zone names matching what the member has typed so far (25 at most, Discord's cap)."""
    return [app_commands.Choice(name=name, value=name) for name in search_zones(current, limit=25)]
