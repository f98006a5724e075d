"""Welcome a new server, walk its moderators through setup, and answer /help.

The welcome goes to the server's system channel when the bot may post there, else to the first text
channel it may post in; without any, it is skipped (moderators still have /help and the setup commands).
Setup applies one checked plan through the daily, quiz and mock-interview services, which record
each change in the audit log under the moderator who pressed the button.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.onboarding import SetupPlan
from cogs._common import in_servers
from cogs._common.authority import Audience, declared, is_moderator
from cogs.welcome.embeds import help_embed, welcome_embed
from cogs.welcome.views import WelcomeView, summary_lines

log = logging.getLogger(__name__)


def where_to_welcome(guild: discord.Guild) -> discord.TextChannel | None:
    """The system channel if the bot may post there, else the first text channel it may post in."""
    me = guild.me
    candidates = [guild.system_channel] if guild.system_channel else []
    candidates += sorted(guild.text_channels, key=lambda c: (c.position, c.id))
    for channel in candidates:
        if channel is None or me is None:
            continue
        allowed = channel.permissions_for(me)
        if allowed.view_channel and allowed.send_messages and allowed.embed_links:
            return channel
    return None


class Welcome(commands.Cog):
    def __init__(self, client: StudyBot) -> None:
        self.client = client

    async def cog_load(self) -> None:
        self.client.add_view(WelcomeView())  # the Setup button on every welcome message ever posted

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        channel = where_to_welcome(guild)
        if channel is None:
            log.info("joined guild %s; no channel I may post the welcome in", guild.id)
            return
        try:
            await channel.send(embed=welcome_embed(guild.name), view=WelcomeView(),
                               allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            log.warning("could not post the welcome in guild %s", guild.id, exc_info=True)

    @app_commands.command(name="help", description="What you can do with studybot here, by feature",
                          extras=declared(Audience.MEMBER))
    @in_servers
    async def help_command(self, interaction: discord.Interaction) -> None:
        moderator = await is_moderator(interaction)
        commands_ = list(self.client.tree.get_commands(type=discord.AppCommandType.chat_input))
        embed = help_embed(commands_, moderator=moderator)  # type: ignore[arg-type]
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def apply(self, interaction: discord.Interaction, guild_id: int, channel_id: int,
                    plan: SetupPlan) -> list[str]:
        """Write the daily, quiz and mock schedules of ``plan``; return the summary to show."""
        actor = interaction.user.id
        zone = plan.zone.key
        daily = self.client.get_cog("Daily").service  # type: ignore[union-attr]
        result = await daily.setup(guild_id, actor, channel_id=channel_id, time_text=f"{plan.daily_at:%H:%M}",
                                   zone_text=zone, role_id=None)
        quiz_next = None
        if plan.quiz_at is not None:
            quiz = self.client.get_cog("Quiz").service  # type: ignore[union-attr]
            overview = await quiz.setup(guild_id, actor, channel_id=channel_id,
                                        time_text=f"{plan.quiz_at:%H:%M}", zone_text=zone)
            quiz_next = overview.next_posts[0] if overview.next_posts else None
        mock_next: list = []
        if plan.mock is not None:
            mock = self.client.get_cog("Mock").service  # type: ignore[union-attr]
            _schedule, mock_next = await mock.set_schedule(
                guild_id, actor, cadence=plan.mock.cadence, weekday=plan.mock.weekday,
                time_text=f"{plan.mock.at:%H:%M}", zone_text=zone, channel_id=channel_id)
        guild = interaction.guild
        channel = guild.get_channel(channel_id) if guild else None
        log.info("guild %s set up from the welcome message by %s", guild_id, actor)
        return summary_lines(channel, channel_id, plan, result.next_posts, quiz_next, mock_next,
                             guild.me if guild else None)
