"""Daily fan-out: many guilds due in the same minute, through Discord's limits.

Every guild's daily post falls due at 09:00 UTC, in a text channel (the post and the
thread started from it: two requests) or, in the forum variant, in a forum channel
(one tagged forum post: one request). The local Discord enforces the global
limit (50 requests a second) and the per-route buckets; the jobs fire together as
APScheduler fires them. The bound is what the limits allow: the requests Discord
served divided by 50 a second. The figure is wall time over that bound; a ratio near
1 means the limit, not the bot, sets the pace.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from benchmarks.common import Result
from benchmarks.harness import running_bot
from bot.daily import DailyService, Outcome
from bot.localdiscord import LocalDiscord, SimChannel
from bot.localdiscord.ratelimit import DEFAULT_RULES
from cogs.daily.forum import WANTED_TAGS

GLOBAL_LIMIT = 50


async def run(quick: bool = False) -> Result:
    return await fan_out(quick, forum=False)


def _posts(channel: SimChannel, forum: bool) -> int:
    if forum:  # each post is a thread in the forum, tagged as the prompt's kind and difficulty
        return sum(1 for t in channel.threads if t.name.startswith("Day ") and len(t.applied_tags) == 2)
    return sum(1 for m in channel.messages if m.embeds and m.embeds[0].get("title", "").startswith("Day "))


async def fan_out(quick: bool, *, forum: bool) -> Result:
    guild_count = 20 if quick else 1000
    channels: dict[int, SimChannel] = {}

    def world(sim: LocalDiscord) -> None:
        for g in range(guild_count):
            guild = sim.create_guild(f"Guild {g}")
            # a forum as /daily setup leaves it: the kind and difficulty tags in place
            channels[guild.id] = (guild.create_forum_channel("daily", tags=WANTED_TAGS) if forum
                                  else guild.create_text_channel("daily"))
            guild.add_member(f"mod{g}", manage_guild=True)

    async with running_bot(world, global_rate_limit=GLOBAL_LIMIT, bucket_rules=dict(DEFAULT_RULES)) as harness:
        sim = harness.sim
        service = harness.bot.services.get(DailyService)
        for guild_id, channel in channels.items():
            await service.setup(guild_id, 1, channel_id=channel.id, time_text="09:00", zone_text="UTC", role_id=None)
        harness.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        await harness.settle()
        requests_before, limited_before = len(sim.requests), sim.ratelimiter.limited
        began = time.perf_counter()
        results = await asyncio.gather(*(service.delivery.deliver_due(g) for g in channels))
        await harness.settle()
        wall = time.perf_counter() - began
        refused = sim.ratelimiter.limited - limited_before
        served = len(sim.requests) - requests_before - refused
        posts = {g: _posts(c, forum) for g, c in channels.items()}
        # A second firing (a restart, a duplicate job) must not post again.
        again = await asyncio.gather(*(service.delivery.deliver_due(g) for g in channels))
    lost = [g for g, n in posts.items() if n == 0]
    doubled = [g for g, n in posts.items() if n > 1]
    if lost or doubled or any(r.outcome is not Outcome.POSTED for r in results) \
            or any(r.outcome is not Outcome.ALREADY_POSTED for r in again):
        raise AssertionError(f"fan-out lost {len(lost)} posts and doubled {len(doubled)}")
    bound = served / GLOBAL_LIMIT
    ratio = wall / bound
    what = "one forum post, the thread and its first message together" if forum \
        else "the post and the thread started from it"
    return Result(
        name=f"Daily fan-out ({guild_count:,} guilds, forum channels)" if forum
        else f"Daily fan-out ({guild_count:,} guilds at once)",
        figure=f"{ratio:.2f}× the lower bound ({wall:.1f} s for {served:,} requests)",
        target="≤ 1.2",
        met=ratio <= 1.2,
        details=[f"{guild_count:,} posts, none lost, none doubled; a second firing posted nothing. Each post is "
                 f"{served / guild_count:.1f} requests ({what}). "
                 f"Bound: {served:,} served requests ÷ {GLOBAL_LIMIT}/s = {bound:.1f} s. Discord refused "
                 f"{refused:,} request{'' if refused == 1 else 's'} with 429. The bot paces scheduled traffic "
                 "with a token bucket at "
                 "48 requests/s (`STUDYBOT_REQUESTS_PER_SECOND`), which keeps it under the global limit "
                 "instead of bursting and retrying."],
    )
