"""How /stats looks: the participation chart with a line per kind of activity."""

from __future__ import annotations

import io

import discord

from bot.stats import KINDS, ParticipationWeeks, Series, describe_weekly, render_weekly
from cogs._common import BRAND_COLOUR, truncate

CHART_NAME = "participation.png"


def participation_embed(guild_name: str, weeks: ParticipationWeeks) -> tuple[discord.Embed, discord.File]:
    """The embed and its chart: this week, last week and twelve weeks for every kind of activity."""
    series = [Series(label, weeks.counts[kind]) for kind, label in KINDS]
    title = f"{guild_name} · participation per week"
    png = render_weekly(title, weeks.weeks, series)
    lines = []
    for kind, label in KINDS:
        counts = weeks.counts[kind]
        lines.append(f"**{label.capitalize()}**: {counts[-1]} this week · {counts[-2]} last week · "
                     f"{sum(counts)} in 12 weeks")
    embed = discord.Embed(title=truncate(f"Participation · {guild_name}", 256), colour=BRAND_COLOUR,
                          description="\n".join(lines))
    embed.set_image(url=f"attachment://{CHART_NAME}")
    embed.set_footer(text="Weeks run Monday to Sunday; each action counts on the member's own date, and each "
                          "interview once, on the server's.")
    return embed, discord.File(io.BytesIO(png), CHART_NAME, description=describe_weekly(title, weeks.weeks, series))
