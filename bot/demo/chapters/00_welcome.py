"""The guild meets the bot."""

from __future__ import annotations

from bot.demo.context import DemoContext


async def play(demo: DemoContext) -> None:
    demo.heading("Day 0 · the study group adds studybot")
    newcomer = demo.members[0]
    await demo.slash(newcomer, "about", in_channel=demo.channels["general"])
