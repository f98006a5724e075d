"""How suggestions look in the review queue and to their authors."""

from __future__ import annotations

import discord

from bot.community import Deck, ServerItem, Status, Suggestion, deck_title, item_summary
from bot.content.models import Prompt
from cogs._common import BRAND_COLOUR, discord_timestamp, member_text, one_line, truncate
from cogs._common.prompts import DIFFICULTY_MARKS, KIND_LABELS
from cogs._common.render import fit_embed

STATUS_MARKS = {Status.PENDING: "⏳ waiting for review", Status.APPROVED: "✅ approved",
                Status.REJECTED: "❌ rejected"}
STATUS_COLOURS = {Status.PENDING: BRAND_COLOUR, Status.APPROVED: discord.Colour.green(),
                  Status.REJECTED: discord.Colour.red()}


def _bullets(values: list[str] | tuple[str, ...]) -> str:
    return truncate("\n".join(f"• {member_text(v)}" for v in values), 1024) if values else "—"


def suggestion_embed(suggestion: Suggestion, *, note: str | None = None) -> discord.Embed:
    item = suggestion.item
    if isinstance(item, Prompt):
        embed = discord.Embed(title=truncate(one_line(f"Prompt suggestion #{suggestion.id}: {item.title}"), 256),
                              description=truncate(member_text(item.scenario), 3000),
                              colour=STATUS_COLOURS[suggestion.status])
        embed.add_field(name="Kind", value=KIND_LABELS.get(item.kind.value, item.kind.value))
        embed.add_field(name="Difficulty", value=DIFFICULTY_MARKS.get(item.difficulty.value, item.difficulty.value))
        embed.add_field(name="Scale and constraints", value=_bullets(item.constraints), inline=False)
        embed.add_field(name="Follow-up questions", value=_bullets(item.follow_ups), inline=False)
        embed.add_field(name="Hints", value=_bullets(item.hints), inline=False)
        embed.add_field(name="What a strong answer covers", value=_bullets(item.rubric), inline=False)
    else:
        embed = discord.Embed(title=f"Card suggestion #{suggestion.id}", colour=STATUS_COLOURS[suggestion.status],
                              description=f"**{truncate(member_text(item.front), 1000)}**\n\n"
                                          f"{truncate(member_text(item.back), 2000)}")
        embed.add_field(name="Topic", value=member_text(", ".join(item.tags)) or "—")
        embed.add_field(name="Wrong options for the quiz", value=_bullets(item.wrong_answers), inline=False)
    who = "uploaded by" if suggestion.deck.startswith("doc-") else "suggested by"
    embed.add_field(name="From", value=f"{who} <@{suggestion.author_id}> · {deck_title(suggestion.deck)}\n"
                                       f"source: {truncate(str(item.source), 900)}", inline=False)
    status = STATUS_MARKS[suggestion.status]
    if suggestion.reviewer_id:
        status += f" by <@{suggestion.reviewer_id}>"
    if suggestion.decided_at:
        status += f" on {discord_timestamp(suggestion.decided_at, 'f')}"
    if suggestion.reason:
        status += f"\nReason: {truncate(member_text(suggestion.reason), 700)}"
    embed.add_field(name="Status", value=truncate(status, 1024), inline=False)
    if note:
        embed.add_field(name="Note", value=truncate(note, 1024), inline=False)
    return fit_embed(embed)  # every part within its limit can still make more than Discord's total; Edit shows all


def _listed(text: str, limit: int) -> str:
    """Member text on one line of a list: shortened first, then escaped, so a masked link or a heading a member
    wrote cannot make the bot's list look like something else (and no escape is cut in half)."""
    return member_text(truncate(one_line(text), limit))


def mine_embed(suggestions: list[Suggestion]) -> discord.Embed:
    embed = discord.Embed(title="Your suggestions", colour=BRAND_COLOUR)
    if not suggestions:
        embed.description = "You have not suggested anything here yet. Try `/suggest card` or `/suggest prompt`."
        return embed
    lines = []
    for s in suggestions:
        line = f"**#{s.id}** {s.kind} · {_listed(s.summary, 80)} · {STATUS_MARKS[s.status]}"
        if s.reason:
            line += f" ({_listed(s.reason, 120)})"
        lines.append(line)
    embed.description = truncate("\n".join(lines), 4000)
    return embed


def queue_embed(waiting: list[Suggestion], total: int) -> discord.Embed:
    embed = discord.Embed(title=f"Review queue · {total} waiting", colour=BRAND_COLOUR)
    embed.description = truncate("\n".join(
        f"**#{s.id}** {s.kind} · {_listed(s.summary, 90)} · <@{s.author_id}>" for s in waiting) or
        "Nothing is waiting. 🎉", 4000)
    return embed


def author_notice(suggestion: Suggestion, guild_name: str, *, edited: bool = False) -> str:
    """The DM an author gets once their suggestion is decided."""
    what = f"your {suggestion.kind} suggestion #{suggestion.id} (“{truncate(suggestion.summary, 120)}”)"
    if suggestion.status is Status.APPROVED:
        how = "approved with a moderator's edits" if edited else "approved"
        return (f"🎉 In **{guild_name}**, {what} was {how} and is now part of the server's content, "
                "credited to you.")
    return (f"In **{guild_name}**, {what} was not accepted.\nReason: {truncate(suggestion.reason or '—', 600)}\n"
            "You can revise it and suggest it again.")


DECKS_NAMED = 25  # at most 25 keys of 31 characters, and the rest of the reply, fit in one message


def decks_saved_text(decks: list[Deck]) -> str:
    """What a moderator reads after choosing the server's decks in ``/content decks``."""
    on = [deck for deck in decks if deck.enabled]
    if not on:
        return ("Saved. No deck is on: study sessions, the quiz, the daily prompt and `/practice` have nothing to "
                "draw from until you switch one on with `/content decks`.")
    names = ", ".join(f"`{deck.key}`" for deck in on[:DECKS_NAMED])
    if len(on) > DECKS_NAMED:  # a server with many document decks: the reply stays under Discord's 2,000
        names += f" and {len(on) - DECKS_NAMED} more (`/content decks` lists them all)"
    return (f"Saved. Decks on: {names}. Study sessions, the quiz, the daily prompt and `/practice` use only "
            "these decks (`/daily kinds` narrows the daily prompt further).")


def item_label(entry: ServerItem) -> str:
    """``the card “What is a reranker?”``: a server item named inside a bot message (its text escaped)."""
    kind = "prompt" if isinstance(entry.item, Prompt) else "card"
    return f"the {kind} “{truncate(member_text(one_line(item_summary(entry.item))), 120)}”"
