"""/privacy: a member exports everything stored about them, or deletes it, on Discord too."""

from __future__ import annotations

import json
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.admin import PrivacyService
from bot.bot import StudyBot
from cogs._common import in_servers_and_bot_dms
from cogs._common.authority import Audience, declared
from cogs._common.uploads import sendable_file, upload_limit
from cogs.admin.views import ConfirmDeleteView

log = logging.getLogger(__name__)

GONE = {10003, 10008, 50001, 50013}  # unknown channel or message, no access: nothing left to delete


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
        an answer there does, and archives again by itself."""
        channel = self.client.get_channel(channel_id)
        if channel is None:
            await self.client.core.pacer.acquire()
            channel = await self.client.fetch_channel(channel_id)
        if isinstance(channel, discord.Thread) and channel.archived:
            await self.client.core.pacer.acquire()
            await channel.edit(archived=False, reason="privacy deletion")
        await self.client.core.pacer.acquire()
        await self.client.http.delete_message(channel_id, message_id, reason="privacy deletion")

    async def delete_posted_messages(self) -> None:
        """Delete queued messages on Discord (the bot may always delete its own); resumed at start."""
        while batch := await self.service.pending_messages():
            progressed = False
            for channel_id, message_id in batch:
                try:
                    await self._delete(channel_id, message_id)
                except discord.HTTPException as error:
                    if error.code not in GONE and error.status not in (403, 404):
                        log.warning("could not delete message %s yet: %s", message_id, error.text)
                        continue
                await self.service.message_gone(message_id)
                progressed = True
            if not progressed:
                return  # Discord is refusing for now; the next start tries again
