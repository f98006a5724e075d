"""Point the unmodified discord.py client at a LocalDiscord, and put things back afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord


@contextmanager
def pointed_at(sim: LocalDiscord) -> Iterator[None]:
    """Within the block, REST goes to ``sim.api_base`` and the gateway to ``sim.gateway_url``."""
    saved_base, saved_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = sim.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sim.gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved_base, saved_gateway
