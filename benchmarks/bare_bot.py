"""The floor for interaction cost: a bare discord.py bot that answers every button and form at once.

It answers any button (one :class:`discord.ui.DynamicItem` matching every custom id, the same
routing studybot's persistent buttons use) and any submitted form (an ``on_interaction``
listener, the same routing studybot's answer form uses) with one constant ephemeral message.
It gets studybot's HTTP connection settings, intents and event loop, and freezes its start-up
heap as studybot does, so what it costs per interaction is the best discord.py itself can do,
not a handicapped figure. Run as a process of its own:
``python -m benchmarks.bare_bot --api-base ... --gateway ... --token ...``.

With ``--answers FILE`` it sends, instead, the very answers studybot sent to a sample of each
kind (:meth:`benchmarks.study_server.StudyServer.sample_answers`): the same embeds and buttons,
an edit where studybot edits, and for the answer form the same second message in the thread.
The thread message goes through the same request pacer in the same (member) lane as studybot's, at
studybot's rate: at most that many a second, sent at once while the second has room. That floor is
discord.py's cost for studybot's answers; what studybot costs above it is its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
from bot.bot import HTTP_CONNECTIONS, default_intents, freeze_startup_heap
from bot.localdiscord.process import PACKAGE_ROOT, BotProcess
from bot.pacing import RequestPacer, members_first

READY_LINE = "bare bot ready"
ANSWER = "Noted."


# Which sample answer a click gets, by the start of its custom id (studybot's ids; see cogs/*/views.py).
ANSWER_KINDS = (("studybot:cards:grade:", "grade"), ("studybot:quiz:pick:", "quiz"),
                ("studybot:daily:hints:", "hints"))


def _view(components: list[dict[str, Any]] | None) -> discord.ui.View | None:
    """The buttons of a recorded payload, as a view built the way a bot builds its own."""
    if not components:
        return None
    view = discord.ui.View(timeout=None)
    for row, action_row in enumerate(components):
        for button in action_row.get("components", []):
            emoji = (button.get("emoji") or {}).get("name")
            view.add_item(discord.ui.Button(style=discord.ButtonStyle(button["style"]), label=button.get("label"),
                                            custom_id=button.get("custom_id"), emoji=emoji, row=row,
                                            disabled=bool(button.get("disabled"))))
    return view


def _embeds(data: dict[str, Any]) -> list[discord.Embed]:
    return [discord.Embed.from_dict(embed) for embed in data.get("embeds") or []]


async def replay(client: BareBot, interaction: discord.Interaction, answer: dict[str, Any]) -> None:
    """Send ``answer`` (studybot's, recorded) in reply to ``interaction``, as discord.py calls would."""
    data = answer["data"]
    view = _view(data.get("components"))
    if answer["type"] == discord.InteractionResponseType.message_update.value:
        await interaction.response.edit_message(content=data.get("content"), embeds=_embeds(data), view=view)
    else:
        await interaction.response.send_message(data.get("content"), embeds=_embeds(data),
                                                view=view or discord.utils.MISSING,
                                                ephemeral=bool((data.get("flags") or 0) & 64),
                                                allowed_mentions=discord.AllowedMentions.none())
    shown = answer.get("thread")
    if shown is not None:
        members_first()  # as studybot's every interaction does
        await client.pacer.acquire()
        thread = client.get_channel(shown["channel_id"]) or client.get_partial_messageable(shown["channel_id"])
        assert isinstance(thread, discord.abc.Messageable)
        body = shown["data"]
        await thread.send(body.get("content"), embeds=_embeds(body),
                          view=_view(body.get("components")) or discord.utils.MISSING,
                          allowed_mentions=discord.AllowedMentions.none())


class AnyButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?P<custom_id>.+)"):
    """Every button, whatever its custom id, answered with the constant message (or a sample answer)."""

    def __init__(self, custom_id: str) -> None:
        super().__init__(discord.ui.Button(label="any", custom_id=custom_id))
        self.custom_id = custom_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AnyButton:
        return cls(match["custom_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        client = interaction.client
        assert isinstance(client, BareBot)
        kind = next((kind for prefix, kind in ANSWER_KINDS if self.custom_id.startswith(prefix)), None)
        if kind in client.samples:
            await replay(client, interaction, client.samples[kind])
            return
        await interaction.response.send_message(ANSWER, ephemeral=True)


class BareBot(discord.Client):
    def __init__(self, samples: dict[str, dict[str, Any]], rate: float, **options: Any) -> None:
        super().__init__(**options)
        self.samples = samples  # kind -> studybot's answer to replay (``--answers``); empty: the constant answer
        # A message in a thread counts against Discord's limits (50 a second per channel, as the local Discord
        # is run for the benchmarks): the replay paces it as studybot does, or a burst would be refused and retried.
        self.pacer = RequestPacer(rate)

    async def login(self, token: str) -> None:
        """The same bounded pool of kept-alive connections as :meth:`bot.bot.StudyBot.login`."""
        if self.http.connector is discord.utils.MISSING:
            self.http.connector = aiohttp.TCPConnector(limit=HTTP_CONNECTIONS, keepalive_timeout=60)
        await super().login(token)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(AnyButton)

    async def on_ready(self) -> None:
        freeze_startup_heap()  # as studybot does once its guilds are cached, so full collections cost both alike
        print(READY_LINE, flush=True)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.modal_submit:
            if "form" in self.samples:
                await replay(self, interaction, self.samples["form"])
                return
            await interaction.response.send_message(ANSWER, ephemeral=True)


async def _run(token: str, samples: dict[str, dict[str, Any]], rate: float) -> None:
    client = BareBot(samples, rate, intents=default_intents(), guild_ready_timeout=0.05)
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
    parser.add_argument("--answers", help="a JSON file of studybot's answers to replay (see the module's docstring)")
    parser.add_argument("--rate", type=float, default=48.0, help="requests a second for replayed thread messages")
    args = parser.parse_args(argv)
    samples: dict[str, dict[str, Any]] = {}
    if args.answers:
        with open(args.answers, encoding="utf-8") as handle:
            samples = json.load(handle)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    Route.BASE = args.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(args.gateway)
    eventloop.run(_run(args.token, samples, args.rate))  # the same loop as studybot, so the floor is like for like
    return 0


class BareBotProcess(BotProcess):
    """:class:`BotProcess` running this module instead of studybot (replaying ``answers`` when given)."""

    def __init__(self, *args: Any, answers: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answers = answers

    async def start(self) -> None:
        log = self.log_path.open("ab")
        pythonpath = os.pathsep.join(p for p in (str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")) if p)
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "benchmarks.bare_bot", "--api-base", self.sim.api_base,
            "--gateway", self.sim.gateway_url, "--token", self.sim.token,
            "--rate", str(self.rate), *(["--answers", self.answers] if self.answers else []),
            cwd=PACKAGE_ROOT, stdout=log, stderr=log, env={**os.environ, "PYTHONPATH": pythonpath, **self.env},
        )
        log.close()

    async def wait_ready(self) -> None:
        await self.wait_for(lambda: READY_LINE in self.output(), "the bare bot to connect", 60)


if __name__ == "__main__":
    raise SystemExit(main())
