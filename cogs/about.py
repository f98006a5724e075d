"""/about: the bot's version, uptime and loaded content, proving the wiring end to end."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

import bot
from bot.bot import StudyBot
from cogs._common import BRAND_COLOUR, core_of, counted, discord_timestamp, in_servers_and_bot_dms
from cogs._common.authority import Audience, declared


def _uptime(seconds: float) -> str:
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d"] if days else []
    parts += [f"{hours}h"] if hours or days else []
    parts.append(f"{minutes}m")
    return " ".join(parts)


FIELD_VALUE_LIMIT = 1024  # Discord refuses an embed field value any longer


def _pack_lines(lines: list[str], limit: int = FIELD_VALUE_LIMIT) -> str:
    """The packs, one a line, as many whole lines as fit in an embed field, then how many more there are:
    a self-hoster may load many packs, and a cut line would break its formatting."""
    for shown in range(len(lines), -1, -1):
        rest = len(lines) - shown
        more = [f"… and {counted(rest, 'more pack')}"] if rest else []
        text = "\n".join(lines[:shown] + more)
        if len(text) <= limit:
            return text or "none"
    return "none"


class About(commands.Cog):
    def __init__(self, client: StudyBot) -> None:
        self.client = client

    @app_commands.command(name="about", description="What studybot is, its version, uptime and content",
                          extras=declared(Audience.MEMBER))
    @in_servers_and_bot_dms
    async def about(self, interaction: discord.Interaction) -> None:
        core = core_of(interaction)
        library = core.content.library
        embed = discord.Embed(
            title="studybot",
            description=(
                "A study group for AI-native engineering interviews: daily design prompts, "
                "spaced-repetition flashcards, streaks and mock-interview pairings."
            ),
            colour=BRAND_COLOUR,
        )
        embed.add_field(name="Version", value=bot.__version__)
        embed.add_field(
            name="Uptime",
            value=f"{_uptime((core.clock.now() - core.started_at).total_seconds())} "
            f"(since {discord_timestamp(core.started_at)})",
        )
        packs = _pack_lines([f"**{p.title}** `{p.name}` v{p.version}" for p in library.packs])
        embed.add_field(name="Content", value=packs, inline=False)
        embed.add_field(name="Prompts", value=str(len(library.prompts)))
        embed.add_field(name="Flashcards", value=str(len(library.flashcards)))
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(client: StudyBot) -> None:
    await client.add_cog(About(client))
