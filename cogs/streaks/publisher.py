"""The Discord side of streaks: milestone posts, reminder DMs, and which members a leaderboard names are here."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

import discord

from bot.bot import StudyBot
from bot.streaks import CelebrationFailed, DirectMessagesClosedError, ProvisionalFreeze, ReminderCover
from cogs._common import discord_timestamp, may_send_in, no_pings, passing_failure, server_name

log = logging.getLogger(__name__)

# Beside posting, reading the channel back: a celebration an interrupted attempt posted is found there after a
# restart. Without Read Message History Discord answers that search with nothing (resources/message.mdx, "Get
# Channel Messages"), and the celebration would go out twice: the bot does not post where it could not look.
MILESTONE_NEEDS = ("read_message_history",)
# 50007: the member closed their DMs; 50278: they share no server with the bot any more.
CANNOT_DM = frozenset({50007, 50278})
# A member found in the server is not asked about again for this long: paging through a board asks nothing.
PRESENT_FOR = timedelta(hours=1)
# How long a leaderboard waits for the gateway's answer before showing the page as it is: the click's answer
# waits on it, and a shard's gateway takes about two requests a second (a busy moment would queue behind them).
ASK_WITHIN = 1.0
REMEMBERED_AT_MOST = 100_000  # members remembered as present, across servers, before the memory starts over


def _freezes(n: int) -> str:
    return f"{n} freeze" if n == 1 else f"{n} freezes"


def reminder_text(current: int, place: str, breaks_at: datetime, cover: ReminderCover | None) -> str:
    """The reminder DM. It always names the streak's end (``breaks_at``, relative): :meth:`find_reminder`
    recognises an earlier send by it. When a freeze would cover a missed today, or is holding the streak over
    a missed yesterday, it says so plainly."""
    ways = "Answer the daily prompt, review a few cards or take the quiz"
    off = "Turn these off with `/streak remind off`."
    if isinstance(cover, ProvisionalFreeze):
        spends = "your freeze" if cover.freezes == 1 else f"one of your {_freezes(cover.freezes)}"
        return (f"🔥 You missed yesterday, but a streak freeze is holding your {current}-day streak{place} for now. "
                f"{ways} before {discord_timestamp(cover.today_ends, 't')} ({discord_timestamp(breaks_at, 'R')}) "
                f"to keep it: studying today uses {spends} to cover yesterday. If you miss today too, the streak "
                f"ends, and the freeze is not used. {off}")
    if cover is None:
        return (f"🔥 Your {current}-day streak{place} is waiting for today. {ways} before "
                f"{discord_timestamp(breaks_at, 't')} to keep it ({discord_timestamp(breaks_at, 'R')}). {off}")
    return (f"🔥 Your {current}-day streak{place} is waiting for today. {ways} before "
            f"{discord_timestamp(cover.today_ends, 't')} ({discord_timestamp(cover.today_ends, 'R')}) to keep it "
            f"without using a freeze. If you miss today, a streak freeze will be used to cover it: you have "
            f"{_freezes(cover.freezes)}, so {_freezes(cover.freezes - 1)} would be left, and the streak would "
            f"then end {discord_timestamp(breaks_at, 'R')} unless you study before it. {off}")


def celebration(user_id: int, milestone: int) -> str:
    return f"🔥 <@{user_id}> reached a **{milestone}-day streak**! Keep it going."


class DiscordStreakPublisher:
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        self.pace = client.core.pacer.acquire
        self._present_at: dict[tuple[int, int], datetime] = {}  # (guild, member) -> when found in the server

    async def announce_milestone(self, guild_id: int, channel_id: int, user_id: int, milestone: int) -> int | None:
        channel = self.client.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            if self.client.in_outage(guild_id):  # an outage shows no channel: this one is not gone
                raise CelebrationFailed(f"Discord lists server {guild_id} as unavailable for now")
            log.info("milestone channel %s is gone; not announcing", channel_id)
            return None
        if not may_send_in(channel, also=MILESTONE_NEEDS):  # `/studybot settings show` names it
            log.info("may not post in milestone channel %s, or find it there again; not announcing", channel_id)
            return None
        await self.pace()
        try:
            message = await channel.send(celebration(user_id, milestone), allowed_mentions=no_pings())
        except discord.HTTPException as error:
            if passing_failure(error):  # failing for a moment, not refusing: tried again
                raise CelebrationFailed(f"Discord could not take the celebration for now ({error.status})") from error
            log.warning("could not announce a milestone in %s: %s", channel_id, error)
            return None
        return message.id

    async def find_milestone(self, channel_id: int, user_id: int, milestone: int) -> int | None:
        """A celebration posted before a crash: the latest messages of the channel are read once."""
        channel = self.client.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread) or self.client.user is None:
            return None
        wanted = celebration(user_id, milestone)
        try:
            await self.pace()
            async for message in channel.history(limit=50):
                if message.author.id == self.client.user.id and message.content == wanted:
                    return message.id
        except discord.HTTPException as error:
            log.info("could not read %s to look for a milestone: %s", channel_id, error.text)
        return None

    async def members_present(self, guild_id: int, user_ids: Sequence[int]) -> set[int]:
        """Ask the gateway (Request Guild Members by id, which needs no privileged intent) about a leaderboard
        page's members not found here within :data:`PRESENT_FOR`: at most 100 ids, Discord's limit, in one
        request, waited for :data:`ASK_WITHIN` at most (a timeout raises, and the page is shown as it is);
        ``cache=False`` keeps them out of the member cache."""
        guild = self.client.get_guild(guild_id)
        if guild is None:
            raise LookupError(f"guild {guild_id} is not available to this process")
        now = self.client.core.clock.now()
        wanted = sorted(set(user_ids))
        known = {user_id for user_id in wanted
                 if now - self._present_at.get((guild_id, user_id), now - PRESENT_FOR) < PRESENT_FOR}
        ask = [user_id for user_id in wanted if user_id not in known][:100]
        if not ask:
            return known
        found = await asyncio.wait_for(guild.query_members(user_ids=ask, limit=100, cache=False), ASK_WITHIN)
        if len(self._present_at) > REMEMBERED_AT_MOST:
            self._present_at.clear()
        for member in found:
            self._present_at[(guild_id, member.id)] = now
        return known | {member.id for member in found}

    async def find_reminder(self, guild_id: int, user_id: int, breaks_at: datetime, since: datetime) -> bool:
        """Today's reminder DM sent before a crash: among the DMs since the member's day began, the one naming
        the streak's end (yesterday's names the same end when a freeze holds the streak over today)."""
        if self.client.user is None:
            return False
        deadline = discord_timestamp(breaks_at, "R")
        try:
            user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
            channel = user.dm_channel or await user.create_dm()
            await self.pace()
            async for message in channel.history(limit=20, after=since):
                if message.author.id == self.client.user.id and deadline in message.content:
                    return True
        except discord.HTTPException as error:
            log.info("could not read the DMs of %s to look for a reminder: %s", user_id, error.text)
        return False

    async def send_reminder(self, guild_id: int, user_id: int, current: int, breaks_at: datetime,
                            cover: ReminderCover | None = None) -> None:
        name = server_name(self.client.get_guild(guild_id))
        place = f" in **{name}**" if name else ""
        try:
            await self.pace()
            user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
            await self.pace()
            await user.send(reminder_text(current, place, breaks_at, cover), allowed_mentions=no_pings())
        except discord.Forbidden as error:
            if error.code in CANNOT_DM:
                raise DirectMessagesClosedError from error
            raise

