"""Deleting on Discord the messages the bot posted for a member who asked to be forgotten.

The member's rows go in one transaction (:class:`bot.admin.PrivacyService`), which queues every message
the bot posted for them; this worker empties that queue, at once and at every start. Any process may
delete any message through REST, so the process that took the request does all of it, also in servers
another process serves. What is left queued (a process stopped halfway, or Discord refused for the
moment) is resumed at each shard's start and every quarter of an hour by the process serving the
message's server (shard 0's for those without one, such as DMs): processes restarted together do not
each delete, or report to the moderators, the same message. Each batch is claimed in the database first,
so a process starting while another works through a member's request leaves that batch to it (a process
restarted with the same shards takes its predecessor's claims back at once; any other waits ten
minutes, and a batch still going after five holds what is left of it anew). A message the bot can no
longer reach, or that Discord has refused to delete for a day, stays on Discord: the server's moderators
are told where, once (in the channel they chose for notices, else the system channel), and it leaves the
queue.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Sequence

import discord

from bot.admin import OwedDeletion, PrivacyService
from bot.bot import StudyBot
from bot.posting import crash_point
from bot.posting.retry import is_transient, storage_problem
from cogs._common import no_pings
from cogs._common.notices import notice_places, told_before

log = logging.getLogger(__name__)

GONE = {10003, 10008}  # unknown channel or message: nothing left to delete
UNREACHABLE = {50001, 50013}  # no access: the message may well be there, and only a moderator can remove it now
LINKS_IN_NOTICE = 15  # a notice stays far inside 2,000 characters; the log has every link


class Unreachable(Exception):
    """The bot's permissions say Discord would refuse to let it delete the message."""


def may_reach(channel: object) -> bool:
    """Whether the bot may delete its own message in ``channel``: it must see the channel, and reopen an
    archived thread first (Send Messages, or Manage Threads when the thread is locked too)."""
    if not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return True  # a DM: the bot's own messages there are always its to delete
    me = channel.guild.me
    if me is None:  # a server another process serves, fetched by id: only Discord can say
        return True
    perms = channel.permissions_for(me)
    if not perms.view_channel:
        return False
    if isinstance(channel, discord.Thread) and channel.archived:
        return perms.manage_threads or (perms.send_messages and not channel.locked)
    return True


def jump_link(guild_id: int, owed: OwedDeletion) -> str:
    return f"https://discord.com/channels/{guild_id}/{owed.channel_id}/{owed.message_id}"


def unreachable_notice(guild_id: int, unreachable: list[OwedDeletion], *, refused: bool = False) -> str:
    """What a server's moderators read when a member's deletion left messages only they can remove: the bot
    cannot reach them, or (``refused``) Discord has refused to delete them for a day.

    It names no member: the member asked to be forgotten, and the links are enough to act on."""
    count = len(unreachable)
    them = "it" if count == 1 else "them"
    links = "\n".join(jump_link(guild_id, owed) for owed in unreachable[:LINKS_IN_NOTICE])
    more = (f"\n…and {count - LINKS_IN_NOTICE} more, listed in my log for the bot's host."
            if count > LINKS_IN_NOTICE else "")
    why = (f"because Discord has refused to let me delete {them} for a day now" if refused else
           f"because I can no longer reach {them} (I need View Channel there, and Send Messages or Manage Threads "
           f"to reopen an archived thread)")
    return (f"A member asked me to remove everything I keep about them. I could not delete "
            f"{'the message' if count == 1 else f'{count} messages'} I posted for them here, {why}. "
            f"Please delete {them} by hand:\n{links}{more}")


class PostedMessageDeleter:
    """Empties the deletion queue on Discord: one pass at a time per process."""

    def __init__(self, client: StudyBot, service: PrivacyService) -> None:
        self.client = client
        self.service = service
        self.pace = client.core.pacer.acquire
        self._draining = asyncio.Lock()  # each shard's start-up pass and members' deletions, one at a time

    async def run(self, owns: Callable[[int], bool] | None = None) -> None:
        """Delete every queued message (or those of the servers ``owns``), or leave it to the moderators;
        what Discord refuses for now stays queued for the next pass."""
        async with self._draining:
            claimant = self.client.core.scheduler.shards.key
            try:
                while batch := await self.service.claim_messages(claimant, owns=owns):
                    if not await self._work_through(claimant, batch):
                        return  # Discord is refusing for now; the next pass tries again
            except sqlite3.OperationalError as error:
                if not is_transient(error):  # a fault that passes (locked, read-only); anything else is a bug
                    raise
                log.warning("privacy deletions wait for the database (%s); the next pass resumes them",
                            storage_problem(error) or error)

    async def _work_through(self, claimant: str, batch: list[OwedDeletion]) -> bool:
        """One batch; whether any message left the queue. An unreachable message leaves it only once its
        server's moderators were told (or looked for and found told, after a restart in between). A batch
        Discord's pace stretches past half its claim holds the rest anew before going on."""
        progressed = False
        unreachable: dict[tuple[int, bool], list[OwedDeletion]] = {}  # (server, refused for a day): messages
        claimed_at = self.service.now()
        held = {owed.message_id for owed in batch}
        for done, owed in enumerate(batch):
            if self.service.renewal_due(claimed_at):
                held = await self.service.renew_claim(claimant, batch[done:])
                claimed_at = self.service.now()
            if owed.message_id not in held:
                continue  # the claim ran out before it could be renewed, and another process took this one
            try:
                await self._delete(owed.channel_id, owed.message_id)
            except Unreachable:
                unreachable.setdefault((self._guild_of(owed), False), []).append(owed)
                continue
            except discord.HTTPException as error:
                if error.code in UNREACHABLE or error.status == 403:
                    unreachable.setdefault((self._guild_of(owed), False), []).append(owed)
                    continue
                if error.code not in GONE and error.status != 404:
                    log.warning("could not delete message %s yet: %s", owed.message_id, error.text or error.status)
                    if await self.service.refused(owed):
                        unreachable.setdefault((self._guild_of(owed), True), []).append(owed)
                    continue
            crash_point("privacy.deleted")
            await self.service.message_gone(owed.message_id)
            progressed = True
        for (guild_id, refused), owed_here in unreachable.items():
            await self._tell_moderators(guild_id, owed_here, refused=refused)
            crash_point("privacy.told")
            for owed in owed_here:
                await self.service.message_gone(owed.message_id)
            progressed = True
        return progressed

    async def _delete(self, channel_id: int, message_id: int) -> None:
        """Delete one message. Discord touches nothing in an archived thread (50083), and a day's discussion
        archives after a day: such a thread (no longer cached, so asked for) is reopened first, as posting
        an answer there does, and archives again by itself. Where the bot's permissions already say Discord
        would refuse, it does not ask (refused requests count against the bot's invalid-request limit)."""
        channel = self.client.get_channel(channel_id)
        if channel is None:
            await self.pace()
            channel = await self.client.fetch_channel(channel_id)
        if not may_reach(channel):
            raise Unreachable
        if isinstance(channel, discord.Thread) and channel.archived:
            await self.pace()
            await channel.edit(archived=False, reason="privacy deletion")
        await self.pace()
        await self.client.http.delete_message(channel_id, message_id, reason="privacy deletion")

    def _guild_of(self, owed: OwedDeletion) -> int:
        """The server of a queued message; 0 when it was queued without one and its channel is not cached."""
        if owed.guild_id is not None:
            return owed.guild_id
        guild = getattr(self.client.get_channel(owed.channel_id), "guild", None)
        return guild.id if guild is not None else 0

    async def _tell_moderators(self, guild_id: int, unreachable: list[OwedDeletion], *, refused: bool) -> None:
        links = " ".join(jump_link(guild_id, owed) for owed in unreachable)
        log.warning("a privacy deletion could not reach %d message(s) in guild %s; they stay on Discord: %s",
                    len(unreachable), guild_id, links)
        channel, places = await self._notice_places(guild_id) if guild_id else (None, [])
        if channel is None:
            log.warning("guild %s has no notices or system channel I may post in, so its moderators were not told",
                        guild_id)
            return
        for place in places:  # told before a stop, perhaps where notices went then rather than where they go now
            if await told_before(self.client, place, jump_link(guild_id, unreachable[0]), self.pace):
                return
        try:
            await self.pace()
            await channel.send(unreachable_notice(guild_id, unreachable, refused=refused),
                               allowed_mentions=no_pings())
        except discord.HTTPException as error:
            log.warning("could not tell the moderators of guild %s: %s", guild_id, error.text or error.status)

    async def _notice_places(self, guild_id: int) -> tuple[discord.abc.Messageable | None,
                                                            Sequence[discord.abc.Messageable]]:
        """Where the server's moderators read the bot's notices now, and where a notice may have gone before.
        A server this process serves is read from the cache, with the bot's permissions there (the chosen
        channel and the system channel). In one another process serves, Discord judges the permissions
        itself, in the chosen channel or else the system channel it names; only that one is looked in."""
        guild = self.client.get_guild(guild_id)
        if guild is not None and guild.me is not None:
            return await notice_places(self.client, guild_id)
        chosen_id = await self.client.core.moderators.notices_channel_of(guild_id)
        if chosen_id:
            chosen = self.client.get_partial_messageable(chosen_id, guild_id=guild_id)
            return chosen, [chosen]
        try:
            await self.pace()
            data = await self.client.http.get_guild(guild_id)
        except discord.HTTPException:
            return None, []
        channel_id = data.get("system_channel_id")
        system = self.client.get_partial_messageable(int(channel_id), guild_id=guild_id) if channel_id else None
        return system, [system] if system is not None else []
