"""``studybot demo``: the real bot on a local Discord, playing a scripted stretch of days.

No token and no network: a LocalDiscord on 127.0.0.1, a temporary SQLite file, a
ManualClock and a seeded random generator, so every run prints the same story.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import random
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.demo import chapters
from bot.demo.context import DemoContext
from bot.demo.transcript import Printer
from bot.localdiscord import BotHarness, BucketRule, LocalDiscord

log = logging.getLogger(__name__)

MEMBER_NAMES = ["ada", "grace", "linus", "margaret", "ken", "barbara", "dennis", "frances", "alan", "radia"]
MODERATOR_NAMES = ["mod-maya", "mod-omar"]
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday morning
TRANSCRIPT = "transcript.md"
VIEWER_ZONE = ZoneInfo("Europe/London")  # the reader the transcript imitates: the study group's own zone
TRANSCRIPT_HEADER = ("# studybot demo transcript\n\nWhat members and moderators saw on the local Discord, "
                     "as the demo printed it. Images written beside this file are shown at the end.\n\n```text\n")


class Tee:
    """Writes to the terminal and to the saved transcript at once."""

    def __init__(self, *streams: TextIO) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


def chapter_modules() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(chapters.__path__) if info.name[:2].isdigit())


async def play(*, seed: int = 7, out: TextIO | None = None, output_dir: Path | None = None,
               db_path: Path | None = None) -> DemoContext:
    """Run every chapter; return the context (tests inspect it)."""
    clock = ManualClock(START)
    output_dir = output_dir or Path(tempfile.mkdtemp(prefix="studybot-demo-"))
    output_dir.mkdir(parents=True, exist_ok=True)
    transcript_path = output_dir / TRANSCRIPT
    with transcript_path.open("w", encoding="utf-8") as saved:
        saved.write(TRANSCRIPT_HEADER)
        printer = Printer(Tee(out or sys.stdout, saved))
        demo = await _play(seed, clock, printer, output_dir, db_path)
        saved.write("```\n")
        images = sorted(p.name for p in output_dir.glob("*.png"))
        if images:
            saved.write("\n" + "".join(f"![{name}]({name})\n" for name in images))
    return demo


async def _play(seed: int, clock: ManualClock, printer: Printer, output_dir: Path,
                db_path: Path | None) -> DemoContext:
    buckets = {"POST /channels/{channel_id}/messages": BucketRule(1000, 1.0)}
    async with LocalDiscord(clock=clock, global_rate_limit=None, bucket_rules=buckets) as sim:
        guild = sim.create_guild("AI Systems Study Group", owner_name="founder")
        channels = {name: guild.create_text_channel(name) for name in ("general", "daily-prompts", "mock-interviews")}
        guild.create_role("Daily ping", mentionable=True)  # members opt in; anyone may ping it
        moderators = [guild.add_member(name, manage_guild=True) for name in MODERATOR_NAMES]
        members = [guild.add_member(name) for name in MEMBER_NAMES]
        printer.resolve_mentions_with(lambda text: _names(sim, text))
        printer.use_clock(clock.now)
        printer.use_viewer_zone(VIEWER_ZONE)
        with tempfile.TemporaryDirectory() as tmp:
            harness = BotHarness(sim, db_path or Path(tmp) / "demo.sqlite3", clock)
            await harness.start()
            demo = DemoContext(harness, guild, channels, members, moderators, printer, random.Random(seed),
                               output_dir)
            try:
                printer.heading(f"studybot demo · local Discord on 127.0.0.1:{sim.port} · seed {seed}\n"
                                f"Times are shown as Discord shows them to a reader in {VIEWER_ZONE.key}.")
                for name in chapter_modules():
                    module = importlib.import_module(f"{chapters.__name__}.{name}")
                    await module.play(demo)
                if sim.errors:
                    raise RuntimeError(f"the bot sent requests Discord would reject: {sim.errors}")
                printer.say(f"Done. The transcript and images are in {output_dir} ({TRANSCRIPT}).")
            finally:
                await harness.stop()
                printer.resolve_mentions_with(None)
                printer.use_clock(None)
                printer.use_viewer_zone(None)
    return demo


def _names(sim: LocalDiscord, text: str) -> str:
    """``<@id>`` → ``@name``, ``<#id>`` → ``#channel``, ``<@&id>`` → ``@role``, as a Discord client shows them."""
    def user(match: re.Match[str]) -> str:
        member = sim.users.get(int(match.group(1)))
        return f"@{member.name}" if member else match.group(0)

    def channel(match: re.Match[str]) -> str:
        found = sim.channels.get(int(match.group(1)))
        return f"#{found.name}" if found else match.group(0)

    def role(match: re.Match[str]) -> str:
        for guild in sim.guilds.values():
            if int(match.group(1)) in guild.roles:
                return f"@{guild.roles[int(match.group(1))].name}"
        return match.group(0)

    text = re.sub(r"<@&(\d+)>", role, text)
    text = re.sub(r"<@!?(\d+)>", user, text)
    return re.sub(r"<#(\d+)>", channel, text)
