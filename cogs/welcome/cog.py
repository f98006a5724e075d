"""Welcome a new server, walk its moderators through setup, and answer /help.

The welcome goes to the server's system channel when the bot may post there, else to the first text
channel it may post in; without any, it is skipped (moderators still have /help and the setup commands).
Setup applies one checked plan through the daily, quiz and mock-interview services, which record
each change in the audit log under the moderator who pressed the button.
"""

from __future__ import annotations

import logging
from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.admin import GuildRetention, OverviewService
from bot.bot import StudyBot
from bot.posting import crash_point
from cogs._common import in_servers, missing_permissions
from cogs._common.authority import Audience, declared, is_moderator, is_owner
from cogs._common.dispatch import has_button
from cogs.welcome.embeds import help_embed, welcome_back_embed, welcome_embed
from cogs.welcome.views import FORMS, SETUP_BUTTON_ID, WelcomeView

log = logging.getLogger(__name__)

WELCOME_SEARCH = 50  # latest messages of the welcome channel searched for a welcome posted before a restart


def where_to_welcome(guild: discord.Guild) -> discord.TextChannel | None:
    """The system channel if the bot may post there, else the first text channel it may post in. Posting includes
    reading the channel back: a welcome a stop cut off before it was marked posted is looked for there at the next
    start, and without Read Message History Discord answers that search with an empty page (resources/message.mdx,
    "Get Channel Messages"), so the welcome would be posted twice."""
    me = guild.me
    candidates = [guild.system_channel] if guild.system_channel else []
    candidates += sorted(guild.text_channels, key=lambda c: (c.position, c.id))
    for channel in candidates:
        if channel is None or me is None:
            continue
        if not missing_permissions(channel, me, also=("read_message_history",)):
            return channel
    return None


class Welcome(commands.Cog):
    def __init__(self, client: StudyBot) -> None:
        self.client = client

    async def cog_load(self) -> None:
        self.client.add_view(WelcomeView())  # the Setup button on every welcome message ever posted
        self.client.forms.add(*FORMS)  # step 2's form, answered from its custom id (it outlives a restart)

    async def cog_unload(self) -> None:
        self.client.forms.remove(*FORMS)

    @commands.Cog.listener()
    async def on_guild_welcome_owed(self, guild: discord.Guild, look_first: bool = False) -> None:
        """A server joined (or added the bot back, also while it was offline, when Discord sends no join) and
        its join is recorded with the welcome owed: post it, then mark it posted. ``look_first`` after a
        restart: a process may have posted it before it stopped, so the channel is searched first."""
        retention = self.client.services.find(GuildRetention)
        channel = where_to_welcome(guild)
        if channel is None:
            log.info("joined guild %s; no channel I may post the welcome in", guild.id)
        elif not (look_first and await self._already_welcomed(channel, guild.me.joined_at if guild.me else None)):
            # Added back within the 30 days a server's data is kept: say what was kept rather than "set up".
            kept = await OverviewService.running_schedules(guild.id, self.client.services.settings_sections())
            embed = welcome_back_embed(guild.name, kept) if kept else welcome_embed(guild.name)
            try:
                await channel.send(embed=embed, view=WelcomeView(), allowed_mentions=discord.AllowedMentions.none())
            except discord.HTTPException:
                log.warning("could not post the welcome in guild %s", guild.id, exc_info=True)
                return  # still owed: the next start tries again
            crash_point("welcome.posted")
        if retention is not None:
            await retention.welcomed(guild.id)

    async def _already_welcomed(self, channel: discord.TextChannel, joined_at: datetime | None) -> bool:
        """Whether the channel's latest messages hold the bot's own welcome (its Setup button) of this join:
        one posted before the bot last joined greeted an earlier join (the server removed the bot and added
        it back), so it does not stand for the welcome owed now."""
        joined = discord.utils.time_snowflake(joined_at) if joined_at is not None else 0  # to the millisecond
        try:
            async for message in channel.history(limit=WELCOME_SEARCH):
                if message.id < joined:
                    break  # the latest messages come first: the rest are older still
                if message.author == self.client.user and has_button(message, SETUP_BUTTON_ID):
                    return True
        except discord.HTTPException:
            log.warning("could not look for an earlier welcome in #%s", channel.name, exc_info=True)
        return False

    @app_commands.command(name="help", description="What you can do with studybot here, by feature",
                          extras=declared(Audience.MEMBER))
    @in_servers
    async def help_command(self, interaction: discord.Interaction) -> None:
        moderator = await is_moderator(interaction)
        owner = moderator and await is_owner(interaction)  # owner commands are listed among the moderators' own
        commands_ = list(self.client.tree.get_commands(type=discord.AppCommandType.chat_input))
        embed = help_embed(commands_, moderator=moderator, owner=owner)
        await interaction.response.send_message(embed=embed, ephemeral=True)
