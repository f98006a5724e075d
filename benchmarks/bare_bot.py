"""The floor for interaction cost: a bare discord.py bot that answers every button and form at once.

It answers any button (one :class:`discord.ui.DynamicItem` matching every custom id, the same
routing studybot's persistent buttons use) and any submitted form (an ``on_interaction``
listener, the same routing studybot's answer form uses) with one constant ephemeral message.
It gets studybot's HTTP connection settings and intents, so what it costs per interaction is
the best discord.py itself can do, not a handicapped figure. Run as a process of its own:
``python -m benchmarks.bare_bot --api-base ... --gateway ... --token ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import signal
import sys
from typing import Any

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot import eventloop
from bot.bot import HTTP_CONNECTIONS, default_intents
from bot.localdiscord.process import PACKAGE_ROOT, BotProcess

READY_LINE = "bare bot ready"
ANSWER = "Noted."


class AnyButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?P<custom_id>.+)"):
    """Every button, whatever its custom id, answered with the constant message."""

    def __init__(self, custom_id: str) -> None:
        super().__init__(discord.ui.Button(label="any", custom_id=custom_id))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AnyButton:
        return cls(match["custom_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(ANSWER, ephemeral=True)


class BareBot(discord.Client):
    async def login(self, token: str) -> None:
        """The same bounded pool of kept-alive connections as :meth:`bot.bot.StudyBot.login`."""
        if self.http.connector is discord.utils.MISSING:
            self.http.connector = aiohttp.TCPConnector(limit=HTTP_CONNECTIONS, keepalive_timeout=60)
        await super().login(token)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(AnyButton)

    async def on_ready(self) -> None:
        print(READY_LINE, flush=True)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.modal_submit:
            await interaction.response.send_message(ANSWER, ephemeral=True)


async def _run(token: str) -> None:
    client = BareBot(intents=default_intents(), guild_ready_timeout=0.05)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(client.close()))
    async with client:
        await client.start(token)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bare_bot")
    parser.add_argument("--api-base", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    Route.BASE = args.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(args.gateway)
    eventloop.run(_run(args.token))  # the same loop as studybot, so the floor is like for like
    return 0


class BareBotProcess(BotProcess):
    """:class:`BotProcess` running this module instead of studybot."""

    async def start(self) -> None:
        log = self.log_path.open("ab")
        pythonpath = os.pathsep.join(p for p in (str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")) if p)
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "benchmarks.bare_bot", "--api-base", self.sim.api_base,
            "--gateway", self.sim.gateway_url, "--token", self.sim.token,
            cwd=PACKAGE_ROOT, stdout=log, stderr=log, env={**os.environ, "PYTHONPATH": pythonpath, **self.env},
        )
        log.close()

    async def wait_ready(self) -> None:
        await self.wait_for(lambda: READY_LINE in self.output(), "the bare bot to connect", 60)


if __name__ == "__main__":
    raise SystemExit(main())
