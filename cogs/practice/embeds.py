"""How a practice prompt and a page of the archive look."""

from __future__ import annotations

import discord

from bot.practice import ArchivePage, PracticeOffer
from cogs._common import BRAND_COLOUR, truncate
from cogs._common.prompts import KIND_LABELS, prompt_embed


def practice_embed(offer: PracticeOffer) -> discord.Embed:
    embed = prompt_embed(offer.prompt, title=truncate(f"Practice · {offer.prompt.title}", 256))
    embed.set_footer(text=truncate(f"Only you see this · {offer.left} unanswered prompt"
                                   f"{'s' * (offer.left != 1)} to practise · source: {offer.prompt.source}", 2048))
    return embed


def archive_embed(page: ArchivePage, kind: str | None, guild_id: int) -> discord.Embed:
    what = KIND_LABELS.get(kind, kind) if kind else "all kinds"
    embed = discord.Embed(title=f"Past prompts · {what}", colour=BRAND_COLOUR)
    lines = []
    for entry in page.entries:
        title = entry.prompt.title if entry.prompt else f"{entry.prompt_id} (no longer in the packs)"
        kind_label = KIND_LABELS.get(entry.prompt.kind.value, "") if entry.prompt else ""
        where = f"<#{entry.thread_id}>" if entry.thread_id else (
            f"[post](https://discord.com/channels/{guild_id}/{entry.channel_id}/{entry.message_id})"
            if entry.message_id else f"<#{entry.channel_id}>")
        lines.append(f"**Day {entry.day_number}** · {entry.local_date:%d %b %Y} · {truncate(title, 120)}"
                     f"{' · ' + kind_label if kind_label else ''} · {where}")
    embed.description = truncate("\n".join(lines), 4000) if lines else (
        "No prompts posted yet." if not kind else "No prompt of that kind was posted yet.")
    embed.set_footer(text=f"Page {page.page} of {page.pages} · {page.total} prompt{'s' * (page.total != 1)} · "
                          "/practice gives you one you have not answered")
    return embed
