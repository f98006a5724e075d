"""/privacy: a member exports everything stored about them, or deletes it, on Discord too."""

from __future__ import annotations

import json

import discord
from apscheduler.triggers.cron import CronTrigger
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.admin import PrivacyService
from bot.bot import StudyBot
from bot.posting import crash_point
from bot.rewards import RolesTakenBack
from cogs._common import counted, in_servers_and_bot_dms
from cogs._common.authority import Audience, declared
from cogs._common.uploads import sendable_file, upload_limit
from cogs.admin.deletions import PostedMessageDeleter
from cogs.admin.views import ConfirmDeleteView
from cogs.rewards import DiscordRolePublisher

# Deletions left queued are resumed by the process serving each message's server every quarter of an hour,
# not only at its start: another process may have taken the member's request and stopped halfway (and this
# one does not restart with it), or Discord refused for the moment.
RESUME_JOB = "privacy:deletions"


def what_remains(backup_keep: int) -> str:
    """The same words in the confirmation, the result and the README: what stays and for how long."""
    return (f"Copies in the nightly backups made before now expire within {backup_keep} days (backups older "
            f"than that are deleted every night). Moderators' audit entries and decisions you took part in stay "
            f"without your id. A choice another member made never to be paired with you stays theirs.")


@in_servers_and_bot_dms
class Privacy(commands.GroupCog, group_name="privacy", group_description="Your data in studybot",
              group_extras=declared(Audience.MEMBER)):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        self.service = PrivacyService(client.core.db, client.core.clock, roles=DiscordRolePublisher(client))
        self.deleter = PostedMessageDeleter(client, self.service)
        super().__init__()

    async def cog_unload(self) -> None:
        self.client.services.remove(self.service)
        self.client.forget_ready_hook(self.resume_deletions)
        self.client.core.scheduler.remove(RESUME_JOB)

    async def cog_load(self) -> None:
        self.client.services.add(self.service)
        self.client.after_first_ready(self.resume_deletions)
        self.client.core.scheduler.add(RESUME_JOB, CronTrigger(minute="5,20,35,50", timezone="UTC"),
                                       self.resume_deletions)

    @app_commands.command(name="export", description="A JSON file of everything studybot stores about you")
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)  # every table is scanned next
        data = await self.service.export(interaction.user.id)
        payload = json.dumps({"user_id": str(interaction.user.id), "tables": data}, indent=2, default=str)
        file = sendable_file(payload.encode(), "studybot-my-data.json", upload_limit(interaction.guild),
                             what="Your data", hint="Ask the bot's host for the export; nothing was changed.")
        rows = sum(len(rows) for rows in data.values())
        await interaction.followup.send(f"Here is everything stored about you ({counted(rows, 'record')}).",
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
            posted = (f" I am also deleting the {counted(count, 'message')} I posted for you "
                      "(answers, feedback, suggestions, streak milestones); where I can no longer reach one, I "
                      "tell that server's moderators where it is, without your name." if count else "")
            await click.edit_original_response(
                content=f"Done. Removed: {summary or 'nothing'}. You are off every leaderboard.{posted}"
                        f"{self.roles_text(deletion.roles)}\n{what_remains(keep)}", view=None)

        view = ConfirmDeleteView(interaction.user.id, confirmed)
        await interaction.response.send_message(
            "This removes your streaks, answers, flashcard progress, quiz answers, mock-interview sign-up, "
            "feedback, suggestions and settings in every server, takes back the reward roles I gave you, and "
            f"deletes the answers and feedback I posted for you. It cannot be undone. {what_remains(keep)}",
            view=view, ephemeral=True)
        view.message = await interaction.original_response()

    def roles_text(self, roles: RolesTakenBack) -> str:
        """What became of the reward roles the member held: taken back, or named where Discord kept them."""
        text = f" I took back the {counted(roles.taken, 'reward role')} your streaks earned." if roles.taken else ""
        for kept in roles.kept:
            guild = self.client.get_guild(kept.guild_id)
            role = guild.get_role(kept.role_id) if guild is not None else None
            where = (f"**{escape_markdown(role.name)}** in **{escape_markdown(guild.name)}**"
                     if guild is not None and role is not None else "a reward role in a server I can no longer reach")
            text += (f" I could not take back {where} ({kept.why.rstrip('.')}); a moderator of that server can "
                     "remove it.")
        return text

    async def delete_posted_messages(self) -> None:
        """Delete on Discord what the bot posted for members who asked to be forgotten, in every server."""
        await self.deleter.run()

    async def resume_deletions(self) -> None:
        """What is left queued in this process's servers (at a shard's start, in that shard's): another
        process resumes the rest, so processes restarted together do not each delete or report a message."""
        await self.deleter.run(owns=self.client.core.scheduler.owns)
