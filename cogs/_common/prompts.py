"""How a design prompt looks wherever it is shown: the daily post, a mock group's brief, a practice offer.

The labels, the prompt card, its hints and its rubric are one rendering, so a prompt reads the same
in every feature; each feature adds its own title and footer.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.content.models import Prompt
from cogs._common.render import BRAND_COLOUR, truncate
from cogs._common.text import item_text, one_line

KIND_LABELS = {"design": "System design", "debugging": "Debugging", "tradeoff": "Tradeoff",
               "product": "Product intuition", "behavioral": "Behavioral"}
DIFFICULTY_MARKS = {"easy": "●○○ easy", "medium": "●●○ medium", "hard": "●●● hard"}

KIND_CHOICES = [app_commands.Choice(name=label, value=value) for value, label in KIND_LABELS.items()]
DIFFICULTY_CHOICES = [app_commands.Choice(name=d, value=d) for d in ("easy", "medium", "hard")]


def prompt_embed(prompt: Prompt, *, title: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=truncate(one_line(title or prompt.title), 256),
                          description=truncate(item_text(prompt.id, prompt.scenario), 3000), colour=BRAND_COLOUR)
    embed.add_field(name="Kind", value=KIND_LABELS.get(prompt.kind.value, prompt.kind.value))
    embed.add_field(name="Difficulty", value=DIFFICULTY_MARKS.get(prompt.difficulty.value, prompt.difficulty.value))
    for name, value in prompt.render_fields():
        # escaped text is longer than what the validator measured: cut to Discord's limits, as the queue does
        embed.add_field(name=name, value=truncate(item_text(prompt.id, value), 1024), inline=False)
    return embed


def hints_embed(prompt: Prompt) -> discord.Embed:
    return discord.Embed(title=truncate(f"Hints · {prompt.title}", 256),
                         description=item_text(prompt.id, prompt.render_hints()), colour=BRAND_COLOUR)


RUBRIC_AFTER_ANSWERING = "Compare it with your own answer; the thread is a good place to ask about gaps."
RUBRIC_IN_PRIVATE = "Compare it with your own answer."
RUBRIC_FOR_INTERVIEWER = "Judge the candidate's answer against it, and name what they missed in your feedback."


def rubric_embed(prompt: Prompt, *, footer: str = RUBRIC_AFTER_ANSWERING) -> discord.Embed:
    """The rubric, with a footer that says how its reader uses it: a daily answerer has a thread to ask in, a
    private practice may be on a prompt never posted here (no thread), and a mock interviewer wrote no answer."""
    embed = discord.Embed(title=truncate(f"What a strong answer covers · {prompt.title}", 256),
                          description=item_text(prompt.id, prompt.render_rubric()), colour=BRAND_COLOUR)
    embed.set_footer(text=footer)
    return embed
