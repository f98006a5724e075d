"""Typed ways from an interaction to the bot, its shared resources and a feature's service.

``interaction.client`` is typed as discord.py's plain ``Client``; these accessors say once that
it is a :class:`~bot.bot.StudyBot`, so views and cogs need neither ``get_cog`` by name nor
``type: ignore``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord

if TYPE_CHECKING:
    from bot.bot import StudyBot
    from bot.core import Core

T = TypeVar("T")


def client_of(interaction: discord.Interaction) -> StudyBot:
    """The studybot client handling ``interaction`` (the only client that loads these extensions)."""
    return cast("StudyBot", interaction.client)


def core_of(interaction: discord.Interaction) -> Core:
    """The shared resources of the bot handling ``interaction``."""
    return client_of(interaction).core


def service_of(interaction: discord.Interaction, kind: type[T]) -> T:
    """The service of type ``kind``, registered by its feature's extension when it loaded."""
    return client_of(interaction).services.get(kind)


def payload_of(interaction: discord.Interaction) -> dict[str, Any]:
    """The interaction's raw ``data`` (custom id, values, submitted components) as a plain dict.

    discord.py types it as a union of typed dicts, one per interaction type; routing code reads
    the keys they share, so it takes the payload as JSON.
    """
    return cast(dict[str, Any], interaction.data or {})
