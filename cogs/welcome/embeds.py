"""What the welcome message and /help say."""

from __future__ import annotations

import discord
from discord import app_commands

from cogs._common import BRAND_COLOUR, truncate
from cogs._common.authority import Audience, audience_of

MODERATOR_MARK = "(Moderators)"


def welcome_embed(guild_name: str) -> discord.Embed:
    embed = discord.Embed(
        title="Thanks for adding studybot 👋",
        description=(f"I run a study group for AI-native engineering interviews here in **{guild_name}**: "
                     "a daily AI-systems design prompt with a discussion thread, spaced-repetition flashcards, "
                     "a daily quiz, streaks and mock-interview pairings."),
        colour=BRAND_COLOUR)
    embed.add_field(name="Moderators", value=(
        "Press **Set up studybot** below (needs **Manage Server**): pick the channel, then the time and "
        "timezone of the daily prompt, and, if you like, the quiz and mock interviews. It takes a minute and "
        "everything can be changed later with `/daily setup`, `/quiz setup` and `/mock-admin schedule`. "
        "What only you can fix (a post I could not deliver) I say in the server's system channel, or in a "
        "channel you choose with `/studybot settings notices-channel`."),
        inline=False)
    embed.add_field(name="Everyone", value=(
        "`/help` lists what you can do. Start with `/cards study` for today's flashcards, and answer the daily "
        "prompt from its **Submit answer** button once it is posted."), inline=False)
    return embed


def welcome_back_embed(guild_name: str, kept: list[str]) -> discord.Embed:
    """Added back while the server's data was kept: nothing to set up again, and what is still set up."""
    embed = discord.Embed(
        title="Welcome back 👋",
        description=(f"Everything **{guild_name}** had here was kept: members' streaks, flashcard progress and "
                     f"answers, and these schedules, which run again from now on: **{', '.join(kept)}**."),
        colour=BRAND_COLOUR)
    embed.add_field(name="Moderators", value=(
        "`/studybot settings show` lists every schedule and the permissions I still need. To change them, use "
        "`/daily setup`, `/quiz setup` and `/mock-admin schedule`, or press **Set up studybot** below."),
        inline=False)
    return embed


def is_for_moderators(command: app_commands.Command | app_commands.Group) -> bool:
    """Moderator- or owner-only, as the command (or its group) declares its audience."""
    return audience_of(command) in (Audience.MODERATOR, Audience.OWNER) or (
        command.description or "").startswith(MODERATOR_MARK)


def _commands_of(top: app_commands.Command | app_commands.Group) -> list[app_commands.Command]:
    if isinstance(top, app_commands.Group):
        return [c for child in top.commands for c in _commands_of(child)]
    return [top]


def help_embed(tree_commands: list[app_commands.Command | app_commands.Group], *, moderator: bool,
               owner: bool = False) -> discord.Embed:
    """One field per feature (top-level command), member commands first; moderators also see theirs, and the bot's
    owner its own commands (which answer nobody else, moderators included)."""
    embed = discord.Embed(title="studybot commands", colour=BRAND_COLOUR, description=(
        "What you can do here, by feature. Replies marked *only you can see this* are private."))
    moderator_lines: list[str] = []
    for top in sorted(tree_commands, key=lambda c: c.name):
        if top.name == "help":
            continue
        lines = []
        for command in _commands_of(top):
            if audience_of(command) is Audience.OWNER and not owner:
                continue
            description = (command.description or "").removeprefix(MODERATOR_MARK).strip()
            line = f"`/{command.qualified_name}` · {description}"
            if is_for_moderators(command):
                moderator_lines.append(line)
            else:
                lines.append(line)
        if lines and len(embed.fields) < 24:
            title = top.description if isinstance(top, app_commands.Group) and top.description else f"/{top.name}"
            embed.add_field(name=truncate(title, 256), value=truncate("\n".join(lines), 1024), inline=False)
    if moderator and moderator_lines:
        for index, chunk in enumerate(_chunks(moderator_lines, 1024)):
            if len(embed.fields) < 25:
                embed.add_field(name="For moderators (Manage Server)" + (" (more)" if index else ""),
                                value=chunk, inline=False)
    return embed


def _chunks(lines: list[str], limit: int) -> list[str]:
    """Lines joined into pieces of at most ``limit`` characters (an embed field's value limit)."""
    pieces: list[str] = []
    current = ""
    for line in lines:
        line = truncate(line, limit)
        if current and len(current) + 1 + len(line) > limit:
            pieces.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return [*pieces, current] if current else pieces
