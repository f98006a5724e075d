"""Small rendering helpers that keep every message inside Discord's rules."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import discord

BRAND_COLOUR = discord.Colour(0x5865F2)

TimestampStyle = Literal["f", "F", "d", "D", "t", "T", "R"]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 card``, ``3 cards``: a count and its noun in the number the count needs (``noun`` + s unless
    ``plural`` is given), so no message reads "1 cards"."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def truncate(text: str, limit: int, *, marker: str = "…") -> str:
    """Cut ``text`` to ``limit`` characters (Discord counts characters), marking the cut."""
    return text if len(text) <= limit else text[: limit - len(marker)] + marker


EMBED_TOTAL = 6000  # Discord's limit on all the text of a message's embeds together


def fit_embed(embed: discord.Embed, *, limit: int = EMBED_TOTAL, marker: str = "… (cut to fit)") -> discord.Embed:
    """Shorten the longest texts of ``embed`` (its description and field values) until the whole embed
    fits in ``limit`` (Discord's total, less what other embeds of the message take), so text that is
    valid piece by piece is never refused as a whole."""
    while (excess := len(embed) - limit) > 0:
        texts = [(len(embed.description or ""), -1)] + [(len(f.value or ""), i) for i, f in enumerate(embed.fields)]
        longest, index = max(texts)
        keep = max(longest - excess, len(marker) + 1)
        if keep >= longest:  # nothing left to shorten: only the fixed parts remain
            break
        if index < 0:
            embed.description = truncate(embed.description or "", keep, marker=marker)
        else:
            field = embed.fields[index]
            embed.set_field_at(index, name=field.name or "", value=truncate(field.value or "", keep, marker=marker),
                               inline=bool(field.inline))
    return embed


def no_pings() -> discord.AllowedMentions:
    """For messages that echo member text: nobody is pinged, whatever the text says."""
    return discord.AllowedMentions.none()


def discord_timestamp(moment: datetime, style: TimestampStyle = "f") -> str:
    """A ``<t:…>`` tag that Discord shows in each reader's own timezone."""
    return discord.utils.format_dt(moment, style)


def person(user_id: int | None) -> str:
    """A member's mention, or "a former member" where their id was replaced by 0 (``/privacy delete`` keeps
    shared records, such as a cancelled interview, without whose they were): ``<@0>`` reads as an unknown user."""
    return f"<@{user_id}>" if user_id else "a former member"


def server_name(guild: discord.Guild | None) -> str | None:
    """The server's name, when Discord has told it. During an outage Discord lists a server by its id alone, and
    discord.py keeps a placeholder with an empty name: a message naming it would read "in ****"."""
    return guild.name if guild is not None and guild.name else None
