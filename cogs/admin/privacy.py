"""/privacy: a member exports everything stored about them, or deletes it, on Discord too."""

from __future__ import annotations

import json
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.admin import OwedDeletion, PrivacyService
from bot.bot import StudyBot
from bot.posting import crash_point
from cogs._common import in_servers_and_bot_dms
from cogs._common.authority import Audience, declared
from cogs._common.notices import notify_moderators
from cogs._common.uploads import sendable_file, upload_limit
from cogs.admin.views import ConfirmDeleteView

log = logging.getLogger(__name__)

GONE = {10003, 10008}  # unknown channel or message: nothing left to delete
UNREACHABLE = {50001, 50013}  # no access: the message may well be there, and only a moderator can remove it now
NOTICE_SEARCH_LIMIT = 100  # one page of the system channel: a notice told just before a restart is in it
LINKS_IN_NOTICE = 15  # a notice stays far inside 2,000 characters; the log has every link


class Unreachable(Exception):
    """The bot's permissions say Discord would refuse to let it delete the message."""


def may_reach(channel: object) -> bool:
    """Whether the bot may delete its own message in ``channel``: it must see the channel, and reopen an
    archived thread first (Send Messages, or Manage Threads when the thread is locked too)."""
    if not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return True  # a DM: the bot's own messages there are always its to delete
    perms = channel.permissions_for(channel.guild.me)
    if not perms.view_channel:
        return False
    if isinstance(channel, discord.Thread) and channel.archived:
        return perms.manage_threads or (perms.send_messages and not channel.locked)
    return True


def jump_link(guild_id: int, owed: OwedDeletion) -> str:
    return f"https://discord.com/channels/{guild_id}/{owed.channel_id}/{owed.message_id}"


def unreachable_notice(guild_id: int, unreachable: list[OwedDeletion]) -> str:
    """What a server's moderators read when a member's deletion left messages only they can remove.

    It names no member: the member asked to be forgotten, and the links are enough to act on."""
    count = len(unreachable)
    them = "it" if count == 1 else "them"
    links = "\n".join(jump_link(guild_id, owed) for owed in unreachable[:LINKS_IN_NOTICE])
    more = (f"\n…and {count - LINKS_IN_NOTICE} more, listed in my log for the bot's host."
            if count > LINKS_IN_NOTICE else "")
    return (f"A member asked me to remove everything I keep about them. I could not delete "
            f"{'the message' if count == 1 else f'{count} messages'} I posted for them here, because I can no "
            f"longer reach {them} (I need View Channel there, and Send Messages or Manage Threads to reopen an "
            f"archived thread). Please delete {them} by hand:\n{links}{more}")


def what_remains(backup_keep: int) -> str:
    """The same words in the confirmation, the result and the README: what stays and for how long."""
    return (f"Copies in the nightly backups made before now expire within {backup_keep} days (backups older "
            f"than that are deleted every night). Moderators' audit entries and decisions you took part in stay "
            f"without your id.")


@in_servers_and_bot_dms
class Privacy(commands.GroupCog, group_name="privacy", group_description="Your data in studybot",
              group_extras=declared(Audience.MEMBER)):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        self.service = PrivacyService(client.core.db, client.core.clock)
        super().__init__()

    async def cog_unload(self) -> None:
        self.client.services.remove(self.service)

    async def cog_load(self) -> None:
        self.client.services.add(self.service)
        self.client.after_first_ready(self.delete_posted_messages)

    @app_commands.command(name="export", description="A JSON file of everything studybot stores about you")
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)  # every table is scanned next
        data = await self.service.export(interaction.user.id)
        payload = json.dumps({"user_id": str(interaction.user.id), "tables": data}, indent=2, default=str)
        file = sendable_file(payload.encode(), "studybot-my-data.json", upload_limit(interaction.guild),
                             what="Your data", hint="Ask the bot's host for the export; nothing was changed.")
        rows = sum(len(rows) for rows in data.values())
        await interaction.followup.send(f"Here is everything stored about you ({rows} records).",
                                        file=file, ephemeral=True)

    @app_commands.command(name="delete", description="Remove everything studybot stores about you")
    async def delete(self, interaction: discord.Interaction) -> None:
        keep = self.client.core.settings.backup_keep

        async def confirmed(click: discord.Interaction) -> None:
            await click.response.defer()  # the deletion scans every table before it can say what it removed
            deletion = await self.service.delete(interaction.user.id)
            crash_point("privacy.queued")
            if deletion.messages_queued:
                self.client.spawn(self.delete_posted_messages(), name="studybot-privacy-messages")
            summary = ", ".join(f"{table} ({count})" for table, count in sorted(deletion.changed.items()))
            count = deletion.messages_queued
            posted = (f" I am also deleting the {count} message{'s' if count != 1 else ''} I posted for you "
                      "(answers, feedback, suggestions, streak milestones)." if count else "")
            await click.edit_original_response(
                content=f"Done. Removed: {summary or 'nothing'}. You are off every leaderboard.{posted}\n"
                        f"{what_remains(keep)}", view=None)

        view = ConfirmDeleteView(interaction.user.id, confirmed)
        await interaction.response.send_message(
            "This removes your streaks, answers, flashcard progress, quiz answers, mock-interview sign-up, "
            "feedback, suggestions and settings in every server, and deletes the answers and feedback I posted "
            f"for you. It cannot be undone. {what_remains(keep)}", view=view, ephemeral=True)
        view.message = await interaction.original_response()

    async def _delete(self, channel_id: int, message_id: int) -> None:
        """Delete one message. Discord touches nothing in an archived thread (50083), and a day's discussion
        archives after a day: such a thread (no longer cached, so asked for) is reopened first, as posting
        an answer there does, and archives again by itself. Where the bot's permissions already say Discord
        would refuse, it does not ask (refused requests count against the bot's invalid-request limit)."""
        channel = self.client.get_channel(channel_id)
        if channel is None:
            await self.client.core.pacer.acquire()
            channel = await self.client.fetch_channel(channel_id)
        if not may_reach(channel):
            raise Unreachable
        if isinstance(channel, discord.Thread) and channel.archived:
            await self.client.core.pacer.acquire()
            await channel.edit(archived=False, reason="privacy deletion")
        await self.client.core.pacer.acquire()
        await self.client.http.delete_message(channel_id, message_id, reason="privacy deletion")

    async def delete_posted_messages(self) -> None:
        """Delete queued messages on Discord (the bot may always delete its own); resumed at start.

        A message the bot can no longer reach stays on Discord, so the server's moderators are told where it
        is before it leaves the queue (told again if the bot stops in between: a notice twice rather than
        never). Left queued, it would be retried and announced at every start without ever going."""
        while batch := await self.service.pending_messages():
            progressed = False
            unreachable: dict[int, list[OwedDeletion]] = {}
            for owed in batch:
                try:
                    await self._delete(owed.channel_id, owed.message_id)
                except Unreachable:
                    unreachable.setdefault(self._guild_of(owed), []).append(owed)
                    continue
                except discord.HTTPException as error:
                    if error.code in UNREACHABLE or (error.status == 403 and error.code not in GONE):
                        unreachable.setdefault(self._guild_of(owed), []).append(owed)
                        continue
                    if error.code not in GONE and error.status != 404:
                        log.warning("could not delete message %s yet: %s", owed.message_id, error.text)
                        continue
                crash_point("privacy.deleted")
                await self.service.message_gone(owed.message_id)
                progressed = True
            for guild_id, owed_here in unreachable.items():
                await self._tell_moderators(guild_id, owed_here)
                crash_point("privacy.told")
                for owed in owed_here:
                    await self.service.message_gone(owed.message_id)
                progressed = True
            if not progressed:
                return  # Discord is refusing for now; the next start tries again

    def _guild_of(self, owed: OwedDeletion) -> int:
        """The server of a queued message; 0 when it was queued without one and its channel is not cached."""
        if owed.guild_id is not None:
            return owed.guild_id
        guild = getattr(self.client.get_channel(owed.channel_id), "guild", None)
        return guild.id if guild is not None else 0

    async def _tell_moderators(self, guild_id: int, unreachable: list[OwedDeletion]) -> None:
        links = " ".join(jump_link(guild_id, owed) for owed in unreachable)
        log.warning("a privacy deletion could not reach %d message(s) in guild %s; they stay on Discord: %s",
                    len(unreachable), guild_id, links)
        if not guild_id or await self._told_before(guild_id, jump_link(guild_id, unreachable[0])):
            return
        if not await notify_moderators(self.client, guild_id, unreachable_notice(guild_id, unreachable),
                                       self.client.core.pacer.acquire):
            log.warning("guild %s has no system channel I may post in, so its moderators were not told", guild_id)

    async def _told_before(self, guild_id: int, link: str) -> bool:
        """Whether a notice naming ``link`` is among the system channel's recent messages: the bot stopped
        after telling the moderators and before the message left the queue, so they are not told twice."""
        guild = self.client.get_guild(guild_id)
        channel = guild.system_channel if guild else None
        if guild is None or channel is None or not channel.permissions_for(guild.me).read_message_history:
            return False
        try:
            await self.client.core.pacer.acquire()
            async for message in channel.history(limit=NOTICE_SEARCH_LIMIT):
                if message.author.id == self.client.user_id and link in message.content:
                    return True
        except discord.HTTPException as error:
            log.warning("could not read guild %s's system channel for an earlier notice: %s", guild_id, error.text)
        return False
