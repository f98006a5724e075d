"""The one place where errors raised while handling an interaction are turned into replies.

Slash commands, buttons, selects and modals all end up here. A
:class:`~bot.errors.UserFacingError` becomes an ephemeral message written for the
person; a failed permission check says which permission is missing; anything else is
logged with its traceback and the member gets a short apology, never a traceback.
"""

from __future__ import annotations

import logging
from typing import Any, cast

import discord
from discord import app_commands

from bot.errors import UserFacingError
from bot.logcontext import guild_var
from bot.posting.retry import storage_problem

log = logging.getLogger(__name__)

GENERIC_FAILURE = "Something went wrong on my side and it has been logged. Please try again in a moment."

# What a member is told when the database refused the write: specific, and honest that nothing was kept
# (every write is one transaction, so a refused one left nothing behind).
STORAGE_MESSAGES = {
    "locked": "My database is busy right now, so **nothing was recorded**. Please try again in a minute.",
    "read-only": "My database cannot be written at the moment (it is read-only), so **nothing was recorded**. "
                 "The bot's operator has been told in the log; please try again later.",
    "full": "My storage is full, so **nothing was recorded**. The bot's operator has been told in the log; "
            "please try again later.",
    "unavailable": "My database could not be reached, so **nothing was recorded**. Please try again in a minute.",
}


def permission_name(flag: str) -> str:
    """The name Discord's client shows (``manage_guild`` is "Manage Server" there)."""
    return {"manage_guild": "Manage Server"}.get(flag, flag.replace("_", " ").title())


def describe_error(error: BaseException) -> tuple[str, bool]:
    """Return the message for the user and whether the error is unexpected (worth a traceback)."""
    original = error
    while isinstance(original, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = getattr(original, "original", None) or original.__cause__
        if inner is None or inner is original:
            break
        original = inner
    if isinstance(original, UserFacingError):
        return original.render(), False
    problem = storage_problem(original)
    if problem is not None:
        return STORAGE_MESSAGES[problem], False
    if isinstance(original, app_commands.MissingPermissions):
        needed = ", ".join(permission_name(p) for p in original.missing_permissions)
        return f"You need the **{needed}** permission to do that.", False
    if isinstance(original, app_commands.BotMissingPermissions):
        needed = ", ".join(permission_name(p) for p in original.missing_permissions)
        return f"I am missing the **{needed}** permission here. Ask a moderator to grant it.", False
    if isinstance(original, app_commands.NoPrivateMessage):
        return "This command only works inside a server.", False
    if isinstance(original, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {original.retry_after:.0f} s.", False
    if isinstance(original, app_commands.CheckFailure):
        return str(original) or "You cannot use this command here.", False
    if isinstance(original, app_commands.TransformerError):
        return f"I could not understand `{original.value}` for that option.", False
    return GENERIC_FAILURE, True


def _innermost(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = getattr(error, "original", None) or error.__cause__
        if inner is None or inner is error:
            break
        error = inner
    return error


async def report_interaction_error(interaction: discord.Interaction, error: BaseException) -> None:
    message, unexpected = describe_error(error)
    problem = storage_problem(_innermost(error))
    if problem is not None:
        client = interaction.client
        path = getattr(getattr(getattr(client, "core", None), "settings", None), "database_path", "the database")
        log.error("the database %s is %s (%s); an interaction of user %s in guild %s recorded nothing",
                  path, problem, _innermost(error), interaction.user.id, interaction.guild_id)
    if unexpected:
        command = interaction.command.qualified_name if interaction.command else None
        log.error(
            "interaction failed (guild=%s user=%s command=%s custom_id=%s)",
            interaction.guild_id, interaction.user.id, command,
            cast(dict[str, Any], interaction.data or {}).get("custom_id"), exc_info=error,
        )
    try:
        if interaction.response.is_done():
            await _drop_public_placeholder(interaction)
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell user %s about an error", interaction.user.id, exc_info=True)


async def _drop_public_placeholder(interaction: discord.Interaction) -> None:
    """After a public "thinking" defer, Discord turns the first follow-up into that message, for everyone,
    whatever it asks: the placeholder is deleted first, so the error goes to the member alone."""
    if interaction.response.type is not discord.InteractionResponseType.deferred_channel_message:
        return
    original = await interaction.original_response()
    if original.flags.loading and not original.flags.ephemeral:
        await interaction.delete_original_response()


class StudyTree(app_commands.CommandTree):
    """Command tree that checks each command's audience; errors go through :func:`report_interaction_error`
    and log lines carry the guild."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Every command's declared audience is checked here, before its options are even read."""
        from cogs._common.authority import authorize, command_audience

        guild_var.set(interaction.guild_id)
        if interaction.command is None:
            return True  # not ours: discord.py answers an unknown command itself
        try:
            return await authorize(interaction, command_audience(interaction))
        except Exception as error:  # discord.py calls this check outside on_error: answer here, or nobody does
            await report_interaction_error(interaction, error)
            return False

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report_interaction_error(interaction, error)
