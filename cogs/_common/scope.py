"""Where commands exist: studybot is installed to servers only, and its features live in servers.

Every top-level command states ``integration_types`` and ``contexts`` explicitly instead of
relying on Discord's defaults (all contexts) or the deprecated ``dm_permission``.
"""

from __future__ import annotations

from typing import TypeVar

from discord import app_commands

T = TypeVar("T")


def in_servers(target: T) -> T:
    """Server install; usable in server channels only (no DMs, no private channels)."""
    target = app_commands.allowed_installs(guilds=True, users=False)(target)
    return app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)(target)


def in_servers_and_bot_dms(target: T) -> T:
    """Server install; usable in servers and in a DM with the bot (for a member's own data)."""
    target = app_commands.allowed_installs(guilds=True, users=False)(target)
    return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)(target)
