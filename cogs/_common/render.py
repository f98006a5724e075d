"""Small rendering helpers that keep every message inside Discord's rules."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import discord

BRAND_COLOUR = discord.Colour(0x5865F2)

TimestampStyle = Literal["f", "F", "d", "D", "t", "T", "R"]


def truncate(text: str, limit: int, *, marker: str = "…") -> str:
    """Cut ``text`` to ``limit`` characters (Discord counts characters), marking the cut."""
    return text if len(text) <= limit else text[: limit - len(marker)] + marker


def no_pings() -> discord.AllowedMentions:
    """For messages that echo member text: nobody is pinged, whatever the text says."""
    return discord.AllowedMentions.none()


def discord_timestamp(moment: datetime, style: TimestampStyle = "f") -> str:
    """A ``<t:…>`` tag that Discord shows in each reader's own timezone."""
    return discord.utils.format_dt(moment, style)
