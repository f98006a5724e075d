"""Requests per daily post, counted at the local Discord: a text channel against a forum channel.

Every request the bot makes for a scheduled post counts against Discord's global limit of
50 a second, so the request count sets how fast a daily fan-out can ever be. The count is
taken at the simulator over whole days (the bot's REST requests between just before the
post time and just after), in guilds that post in a text channel and guilds that post in a
forum channel, over several days so a rare extra request would show.
"""

from __future__ import annotations

from datetime import timedelta

from benchmarks.common import Result
from benchmarks.harness import START, running_bot
from bot.daily import DailyService
from bot.localdiscord import LocalDiscord, SimChannel
from cogs.daily.forum import WANTED_TAGS

TEXT_TARGET, FORUM_TARGET = 2, 1


async def run(quick: bool = False) -> Result:
    guilds, days = (4, 2) if quick else (20, 5)
    channels: dict[str, dict[int, SimChannel]] = {"text": {}, "forum": {}}

    def world(sim: LocalDiscord) -> None:
        for g in range(guilds):
            for kind in ("text", "forum"):
                guild = sim.create_guild(f"{kind} {g}")
                channels[kind][guild.id] = (guild.create_forum_channel("daily", tags=WANTED_TAGS) if kind == "forum"
                                            else guild.create_text_channel("daily"))

    counted = {"text": 0, "forum": 0}
    async with running_bot(world) as harness:
        sim = harness.sim
        service = harness.bot.services.get(DailyService)
        for kind in channels:
            for guild_id, channel in channels[kind].items():
                await service.setup(guild_id, 1, channel_id=channel.id, time_text="09:00", zone_text="UTC",
                                    role_id=None)
        owner = {channel.id: kind for kind in channels for channel in channels[kind].values()}
        for day in range(days):
            await harness.advance_to(START.replace(hour=8, minute=59) + timedelta(days=day))
            before = len(sim.requests)
            await harness.advance(minutes=2)
            for method, path in sim.requests[before:]:
                if "/interactions/" in path or "/webhooks/" in path:
                    continue
                parts = path.split("/")  # /api/v10/channels/{id}/...
                channel_id = int(parts[4]) if len(parts) > 4 and parts[3] == "channels" else 0
                kind = owner.get(channel_id)
                if kind is None:
                    raise AssertionError(f"a request outside the daily channels: {method} {path}")
                counted[kind] += 1
        posts = {kind: sum(1 for c in channels[kind].values() for t in c.threads if t.name.startswith("Day "))
                 for kind in channels}
    if posts != {"text": guilds * days, "forum": guilds * days}:
        raise AssertionError(f"expected {guilds * days} posts of each kind, got {posts}")
    text = counted["text"] / posts["text"]
    forum = counted["forum"] / posts["forum"]
    return Result(
        name="Requests per daily post (text / forum)",
        figure=f"{text:.2f} / {forum:.2f}",
        target=f"{TEXT_TARGET} / {FORUM_TARGET}",
        met=text <= TEXT_TARGET and forum <= FORUM_TARGET,
        details=[f"{guilds} guilds posting in a text channel and {guilds} in a forum channel, {days} days each: "
                 f"{counted['text']:,} requests for {posts['text']:,} text posts (the post, then the thread "
                 "started from it; the post says how to take part, so the thread needs no opening message) and "
                 f"{counted['forum']:,} requests for {posts['forum']:,} forum posts (the thread and its first "
                 "message in one request, tagged with the prompt's kind and difficulty), counted at the local "
                 "Discord."],
    )
