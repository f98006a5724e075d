"""How /rewards status looks: each mapped reward, its role, how many hold it and what stops the bot."""

from __future__ import annotations

import discord

from bot.rewards import REWARDS, RewardRow
from cogs._common import BRAND_COLOUR


def reward_line(row: RewardRow, holders: int, problems: list[str]) -> str:
    line = f"• **{REWARDS.get(row.reward, row.reward)}** → <@&{row.role_id}> · {holders} holding it"
    if problems:
        line += "\n  ⚠️ " + " ".join(problems)
    return line


def status_embed(lines: list[str]) -> discord.Embed:
    embed = discord.Embed(title="Role rewards", colour=BRAND_COLOUR, description="\n".join(lines) or
                          "No rewards yet. Map one with `/rewards set`.")
    embed.set_footer(text="A member holds the highest streak milestone that has a role; monthly titles go to "
                          "last month's leaders.")
    return embed
