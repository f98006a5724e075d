"""How a practice prompt and a page of the archive look."""

from __future__ import annotations

import discord

from bot.practice import ArchiveEntry, ArchivePage, PracticeOffer
from cogs._common import BRAND_COLOUR, member_text, truncate
from cogs._common.prompts import KIND_LABELS, prompt_embed


def practice_embed(offer: PracticeOffer) -> discord.Embed:
    embed = prompt_embed(offer.prompt, title=truncate(f"Practice · {offer.prompt.title}", 256))
    embed.set_footer(text=truncate(f"Only you see this · {offer.left} unanswered prompt"
                                   f"{'s' * (offer.left != 1)} to practise · source: {truncate(str(offer.prompt.source), 300)}",
                                   2048))
    return embed


def _entry_title(entry: ArchiveEntry) -> str:
    """A server's own prompt in a deck switched off here, or one a moderator removed, is not gone from any
    pack: say what happened."""
    if entry.prompt is None and entry.removed_title is not None:
        return f"{_title(entry.removed_title)} (removed from this server's content by a moderator)"
    if entry.prompt is None:
        return f"{truncate(entry.prompt_id, 100)} (no longer in the packs)"
    if entry.switched_off_deck is not None:
        return (f"{_title(entry.prompt.title)} (its deck `{truncate(entry.switched_off_deck, 60)}` "
                "is switched off in this server)")
    return _title(entry.prompt.title)


def _title(title: str) -> str:
    """A prompt's title in the list as written: a server's own may come from a member, and its markdown or a
    masked link must not render (nor the cut end a bold run the next line closes)."""
    return member_text(truncate(title, 120))


def archive_embed(page: ArchivePage, kind: str | None, guild_id: int, *, moderator: bool = False) -> discord.Embed:
    """One page of the archive; a moderator is also told how to switch back on the decks it names as off, and
    how a prompt it names as removed can be posted again."""
    what = KIND_LABELS.get(kind, kind) if kind else "all kinds"
    embed = discord.Embed(title=f"Past prompts · {what}", colour=BRAND_COLOUR)
    lines = []
    for entry in page.entries:
        title = _entry_title(entry)
        kind_label = KIND_LABELS.get(entry.kind, "") if entry.kind else ""  # a gone prompt's too, as posted
        where = f"<#{entry.thread_id}>" if entry.thread_id else (
            f"[post](https://discord.com/channels/{guild_id}/{entry.channel_id}/{entry.message_id})"
            if entry.message_id else f"<#{entry.channel_id}>")
        lines.append(f"{'✅ ' if entry.answered else ''}**Day {entry.day_number}** · {entry.local_date:%d %b %Y} · "
                     f"{title}{' · ' + kind_label if kind_label else ''} · {where}")
    embed.description = truncate("\n".join(lines), 4000) if lines else (
        "No prompts posted yet." if not kind else "No prompt of that kind was posted yet.")
    off = sorted({entry.switched_off_deck for entry in page.entries if entry.switched_off_deck is not None})
    if moderator and off:
        commands = "\n".join(f"`/content decks deck:{deck} on:True`" for deck in off)
        embed.add_field(name="Switched-off decks", inline=False, value=truncate(
            f"Switch a deck back on to post and practise its prompts here again:\n{commands}", 1024))
    if moderator and any(entry.removed_title is not None for entry in page.entries):
        embed.add_field(name="Removed prompts", inline=False, value=(
            "`/content remove` deletes a prompt for good, so no command brings it back. To post it again, "
            "write it anew with `/daily add`; it joins the rotation as a new prompt."))
    embed.set_footer(text=f"Page {page.page} of {page.pages} · {page.total} prompt{'s' * (page.total != 1)}, "
                          f"{page.answered} answered by you (✅) · /practice gives you one you have not answered")
    return embed
