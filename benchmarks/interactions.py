"""Interaction latency: many members using the bot at the same instant, through the local Discord.

Measured per interaction from the moment the simulator sends INTERACTION_CREATE to the
moment the bot's callback reaches it: what a member experiences as responsiveness,
and what Discord's three-second rule bounds. Measured twice: with the bot in a
process of its own (as in production, where Discord is not on the bot's core), and
with the bot and the simulator sharing one process and one event loop.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from benchmarks.common import Result, percentile
from benchmarks.harness import START, running_bot
from bot.activity import ActivityService
from bot.audit import AuditLog
from bot.clock import ManualClock
from bot.content import ContentStore
from bot.daily import DailyService
from bot.localdiscord import LocalDiscord, SimChannel, SimMember, SimMessage
from bot.localdiscord.process import BotProcess
from bot.localdiscord.server import SimInteraction
from bot.scheduler import JobScheduler
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database
from bot.timezones import TimezoneResolver

BUTTON = "Hints"


def _world(sim: LocalDiscord, members: int) -> tuple[SimChannel, list[SimMember]]:
    guild = sim.create_guild("Load test")
    channel = guild.create_text_channel("general")
    people = [guild.add_member(f"member{i}") for i in range(members)]
    return channel, people


def _post(channel: SimChannel) -> SimMessage:
    return next(m for m in channel.messages if m.embeds)


def _latencies_ms(pending: list[SimInteraction]) -> list[float]:
    unanswered = [i for i in pending if i.acknowledged_monotonic is None]
    if unanswered:
        raise AssertionError(f"{len(unanswered)} of {len(pending)} interactions were never answered")
    return [(i.acknowledged_monotonic - i.created_monotonic) * 1000 for i in pending]  # type: ignore[operator]


async def _own_process(members: int) -> list[float]:
    clock = ManualClock(START)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        async with LocalDiscord(clock=clock) as sim:
            channel, people = _world(sim, members)
            db = Database(db_path)
            await db.open()
            service = DailyService(db, clock, ContentStore.load(SHIPPED_CONTENT_DIR),
                                   JobScheduler(clock, manual=True), AuditLog(db, clock),
                                   ActivityService(db, clock, TimezoneResolver(db)))
            due = START - timedelta(minutes=1)  # so the bot posts it as it starts
            await service.setup(channel.guild.id, 1, channel_id=channel.id, time_text=f"{due:%H:%M}",
                                zone_text="UTC", role_id=None)
            await db.close()
            bot = BotProcess(sim, clock, db_path)
            await bot.start()
            try:
                await bot.wait_for(lambda: any(m.embeds for m in channel.messages), "the day's post", 60)
                post = _post(channel)
                await bot.wait_for(lambda: post.thread is not None and "start-up work done" in bot.output(),
                                   "the post's thread", 30)
                pending = [member.start_click(post, BUTTON) for member in people]
                await asyncio.wait_for(asyncio.gather(*(i.acknowledged.wait() for i in pending)), 120)
            finally:
                await bot.stop()
            if sim.errors:  # latencies of requests Discord would refuse mean nothing
                raise RuntimeError(f"the bot sent requests Discord would reject: {sim.errors[:5]}")
    return _latencies_ms(pending)


async def _shared_process(members: int) -> list[float]:
    def build(sim: LocalDiscord) -> None:
        _world(sim, members)

    async with running_bot(build) as harness:
        guild = harness.guild
        channel = guild.channel("general")
        service = harness.bot.get_cog("Daily").service
        await service.setup(guild.id, 1, channel_id=channel.id, time_text="09:00", zone_text="UTC", role_id=None)
        await service.post_now(guild.id, 1)
        await harness.settle()
        post = _post(channel)
        people = [m for m in guild.members.values() if m.name.startswith("member")]
        pending = [member.start_click(post, BUTTON) for member in people]  # each reads the day's post
        await harness.settle()
    return _latencies_ms(pending)


def _summary(latencies: list[float]) -> str:
    return (f"p50 {percentile(latencies, 0.5):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms, "
            f"max {max(latencies):.0f} ms")


async def run(quick: bool = False) -> Result:
    members = 40 if quick else 500
    own = await _own_process(members)
    shared = await _shared_process(members)
    p50, p99 = percentile(own, 0.5), percentile(own, 0.99)
    return Result(
        name=f"Interaction latency ({members} members at once)",
        figure=f"p50 {p50:.0f} ms, p99 {p99:.0f} ms",
        target="p99 < 100 ms",
        met=p99 < 100,
        details=[
            f"{members} members clicked **{BUTTON}** on the day's post in the same instant (each click reads the "
            "day's post and answers with an ephemeral embed); time from INTERACTION_CREATE sent to the callback "
            "received.",
            f"Bot in its own process (the figure above): {_summary(own)}.",
            f"Bot and local Discord sharing one process and event loop: {_summary(shared)}.",
            "What limits it: all the clicks arrive in the same millisecond and one bot process handles them one "
            "after another on one core, so the last member waits for the whole burst, about "
            f"{max(own) / members:.1f} ms per click. Most of it is discord.py parsing each INTERACTION_CREATE "
            "(rebuilding the clicked message and "
            "its view) and sending each callback as its own HTTP request; studybot's part is one cached read "
            "(concurrent clicks on a fresh post share a single database read, which cut the shared-process "
            "figure by about 40 %) and callbacks reuse a pool of 32 kept-alive connections. Discord sends all of "
            "one guild's events down one gateway connection, so meeting 100 ms for a burst of 500 would take "
            "receiving interactions over HTTP (an interactions endpoint) behind several processes.",
        ],
    )
