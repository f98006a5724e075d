"""What a demo chapter gets: the running bot, the guild, its members, time, and the transcript."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.demo.transcript import Printer
from bot.localdiscord import BotHarness, Reply, SimChannel, SimGuild, SimMember, SimMessage, SimRole

MENTION_MARKS: tuple[tuple[type[SimChannel | SimRole | SimMember], str], ...] = (
    (SimChannel, "#"), (SimRole, "@"), (SimMember, "@"))


def _shown(value: Any) -> str:
    """An option value as Discord's client shows it in the sent command (``#daily``, ``@Moderators``)."""
    for kind, mark in MENTION_MARKS:
        if isinstance(value, kind):
            return f"{mark}{value.name}"
    return str(value)


def echo(command: str, options: dict[str, Any]) -> str:
    """``/daily setup channel:#daily time:09:00 …``: every option that was sent, in the order given."""
    return " ".join([f"/{command}", *(f"{name}:{_shown(value)}" for name, value in options.items())])


@dataclass
class DemoContext:
    harness: BotHarness
    guild: SimGuild
    channels: dict[str, SimChannel]
    members: list[SimMember]
    moderators: list[SimMember]
    printer: Printer
    rng: random.Random
    output_dir: Path
    notes: dict[str, Any] = field(default_factory=dict)  # chapters may leave facts for later ones

    @property
    def now(self) -> datetime:
        return self.harness.clock.now()

    def member(self, name: str) -> SimMember:
        return next(m for m in self.members + self.moderators if m.name == name)

    def say(self, text: str) -> None:
        self.printer.say(text)

    def heading(self, text: str) -> None:
        self.printer.heading(text)

    def show(self, item: Reply | SimMessage, *, who: str = "", action: str = "") -> None:
        if isinstance(item, Reply):
            self.printer.reply(who or item.interaction.user.name, action, item)
        else:
            channel = self.harness.sim.channels.get(item.channel_id)
            where = f"#{channel.name}" if channel else "DM"
            self.printer.message(item, where)

    def show_new(self, channel: SimChannel, since: int) -> None:
        """Print the messages posted in ``channel`` after the first ``since`` ones."""
        for message in channel.messages[since:]:
            self.show(message)

    async def slash(self, actor: SimMember, command: str, /, *, note: str = "",
                    in_channel: SimChannel | None = None, **options: Any) -> Reply:
        """Run ``/command`` as ``member`` and show the reply under the command exactly as it was sent."""
        reply = await actor.slash(command, in_channel=in_channel, **options)
        self.show(reply, who=actor.name, action=echo(command, options) + (f"  ({note})" if note else ""))
        return reply

    async def advance(self, delta: timedelta | None = None, **kwargs: float) -> None:
        await self.harness.advance(delta, **kwargs)

    async def advance_to(self, moment: datetime) -> None:
        await self.harness.advance_to(moment)
