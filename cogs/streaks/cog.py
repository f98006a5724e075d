"""/streak and /leaderboard for members, /streak-admin for moderators."""

from __future__ import annotations

import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.feedback import CONTRIBUTORS, FeedbackService
from bot.quiz import QuizService
from bot.stats import ProgressService, Series, describe_weekly, render_weekly
from bot.streaks import LeaderboardPage, StreakService, describe_heatmap, render_heatmap
from cogs._common import BRAND_COLOUR, core_of, in_servers, no_pings, one_line, timezone_autocomplete
from cogs._common.authority import Audience, declared
from cogs._common.lifecycle import load_service, unload_service
from cogs.streaks.embeds import help_embed, leaderboard_embed, profile_embed, repair_text
from cogs.streaks.publisher import DiscordStreakPublisher
from cogs.streaks.views import LeaderboardView

log = logging.getLogger(__name__)

ON_OFF = [app_commands.Choice(name="on", value="on"), app_commands.Choice(name="off", value="off")]
BOARDS = [app_commands.Choice(name="current streak", value="current"),
          app_commands.Choice(name="best streak", value="best"),
          app_commands.Choice(name="this month", value="month"),
          app_commands.Choice(name="contributors (Helpful marks this month)", value="helpful")]


@in_servers
class Streaks(commands.GroupCog, group_name="streak", group_description="Your daily study streak",
              group_extras=declared(Audience.MEMBER)):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        core = client.core
        self.service = StreakService(core.db, core.clock, core.timezones, core.activity, core.audit, core.scheduler,
                                     DiscordStreakPublisher(client))
        self.progress = ProgressService(core.db, core.clock, core.timezones)
        super().__init__()

    async def cog_load(self) -> None:
        await load_service(self.client, self.service)

    async def cog_unload(self) -> None:
        await unload_service(self.client, self.service)

    @app_commands.command(name="show", description="Your streak (or a member's), freezes and a 26-week heatmap")
    @app_commands.describe(member="Whose streak to show (default: yours)")
    async def show(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        assert interaction.guild_id is not None
        target = member or interaction.user
        own = target.id == interaction.user.id
        profile = await self.service.profile(interaction.guild_id, target.id)
        name = one_line(target.display_name)
        state = profile.state
        title = f"{name} · {state.current}-day streak · best {state.best}"
        png = render_heatmap(profile.statuses, profile.today, title)
        feedback = self.client.services.find(FeedbackService)
        helpful = await feedback.received(interaction.guild_id, target.id) if feedback else None
        quiz = self.client.services.find(QuizService)  # right and wrong answers are the member's own business
        record = await quiz.record(interaction.guild_id, target.id) if quiz and own else None
        active = await self.progress.active_days(interaction.guild_id, target.id)
        chart_title, series = f"{name} · active days per week", [Series("active days", active.active_days)]
        chart = render_weekly(chart_title, active.weeks, series, top=7)
        weekly = discord.Embed(colour=BRAND_COLOUR).set_image(url="attachment://activity.png")
        await interaction.response.send_message(
            embeds=[profile_embed(profile, name, own, helpful, record), weekly],
            files=[discord.File(io.BytesIO(png), "heatmap.png",
                                description=describe_heatmap(profile.statuses, profile.today, title)),
                   discord.File(io.BytesIO(chart), "activity.png",
                                description=describe_weekly(chart_title, active.weeks, series))],
            ephemeral=own, allowed_mentions=no_pings())

    @app_commands.command(name="timezone", description="Set the timezone your days are counted in")
    @app_commands.describe(timezone="IANA timezone, e.g. Europe/Berlin")
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    async def timezone(self, interaction: discord.Interaction, timezone: str) -> None:
        zone = await self.service.set_timezone(interaction.user.id, timezone)
        assert zone is not None
        local = core_of(interaction).clock.now().astimezone(zone)
        await interaction.response.send_message(
            f"Your days now run midnight to midnight in **{zone.key}** (it is {local:%H:%M} on {local:%a %d %b} "
            "there). Days you already have are kept as they were.", ephemeral=True)

    @app_commands.command(name="remind", description="A DM at your local hour on days you have not studied yet")
    @app_commands.describe(state="Turn reminders on or off", hour="Local hour, 0-23 (default 20)")
    @app_commands.choices(state=ON_OFF)
    async def remind(self, interaction: discord.Interaction, state: app_commands.Choice[str],
                     hour: app_commands.Range[int, 0, 23] | None = None) -> None:
        assert interaction.guild_id is not None
        row = await self.service.set_reminder(interaction.guild_id, interaction.user.id, enabled=state.value == "on",
                                       hour=hour)
        if row.enabled:
            text = (f"I will DM you at **{row.hour:02d}:00** your time on days you have not studied yet, while your "
                    "streak is at least 2 days. Make sure DMs from this server are allowed.")
        else:
            text = "Streak reminders are off."
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="help", description="How streaks, freezes and reminders work")
    async def help(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=help_embed(), ephemeral=True)


@in_servers
@app_commands.default_permissions(manage_guild=True)
class StreakAdmin(commands.GroupCog, group_name="streak-admin", group_description="Moderate streaks",
                  group_extras=declared(Audience.MODERATOR)):
    def __init__(self, client: StudyBot, streaks: Streaks) -> None:
        self.client = client
        self.streaks = streaks
        super().__init__()

    @app_commands.command(name="repair", description="Mark a member's day as active (kept in the audit log)")
    @app_commands.describe(member="Whose streak", date="Their local date, YYYY-MM-DD",
                           reason="Why (shown in the audit log)")
    async def repair(self, interaction: discord.Interaction, member: discord.Member, date: str,
                     reason: app_commands.Range[str, 1, 300]) -> None:
        assert interaction.guild_id is not None
        repaired = await self.streaks.service.repair(interaction.guild_id, interaction.user.id, member.id, date,
                                                     reason)
        await interaction.response.send_message(repair_text(date.strip(), member, repaired), ephemeral=True,
                                                allowed_mentions=no_pings())

    @app_commands.command(name="announcements", description="Where streak milestones are celebrated, or off")
    @app_commands.describe(state="on or off", channel="Channel for milestones (default: the daily channel)")
    @app_commands.choices(state=ON_OFF)
    async def announcements(self, interaction: discord.Interaction, state: app_commands.Choice[str],
                            channel: discord.TextChannel | None = None) -> None:
        assert interaction.guild_id is not None
        announce = state.value == "on"
        await self.streaks.service.set_announcements(interaction.guild_id, interaction.user.id, announce=announce,
                                                     channel_id=channel.id if channel else None)
        if not announce:
            text = "Streak milestones will not be announced."
        elif channel:
            text = f"Streak milestones (7, 30, 100, 365 days) will be celebrated in {channel.mention}."
        else:
            text = await self._in_daily_channel(interaction)
        await interaction.response.send_message(text, ephemeral=True)

    async def _in_daily_channel(self, interaction: discord.Interaction) -> str:
        """Where milestones go without a channel of their own: the daily prompts' channel, when there is one that
        takes messages (a forum takes posts, which the milestones are not)."""
        assert interaction.guild is not None
        section = await self.streaks.service.settings_section(interaction.guild.id)
        daily = interaction.guild.get_channel(section.channel_id) if section.channel_id else None
        if daily is not None and not isinstance(daily, discord.ForumChannel):
            return f"Streak milestones will be celebrated in the daily-prompt channel, {daily.mention}."
        why = "there is none yet" if daily is None else f"{daily.mention} is a forum, which takes posts, not messages"
        return (f"Streak milestones are on, but they go to the daily-prompt channel and {why}: run this again with "
                "`channel` to choose a text channel for them.")


class Leaderboard(commands.Cog):
    def __init__(self, client: StudyBot, streaks: Streaks) -> None:
        self.client = client
        self.streaks = streaks

    @app_commands.command(name="leaderboard", description="Top streaks in this server, and your rank",
                          extras=declared(Audience.MEMBER))
    @app_commands.describe(board="current or best streak (default current), active days or Helpful marks this month")
    @app_commands.choices(board=BOARDS)
    @in_servers
    async def leaderboard(self, interaction: discord.Interaction,
                          board: app_commands.Choice[str] | None = None) -> None:
        assert interaction.guild is not None
        guild, caller = interaction.guild, interaction.user.id
        chosen = board.value if board else "current"

        feedback = self.client.services.find(FeedbackService)

        async def load(page_number: int) -> tuple[LeaderboardPage, discord.Embed]:
            if chosen == CONTRIBUTORS and feedback is not None:
                month, scores = await feedback.contributors(guild.id)
                page = await self.streaks.service.scored_board(guild.id, CONTRIBUTORS, scores, caller, month,
                                                               page_number)
            else:
                page = await self.streaks.service.leaderboard(guild.id, chosen, caller, page_number)
            return page, leaderboard_embed(page, guild.name)

        # Loading a page may ask the gateway (up to three times) which members are still here: answer first.
        await interaction.response.defer(thinking=True)
        page, embed = await load(0)
        if page.pages <= 1:  # one page: nothing to turn, so no pager that only shows two dead buttons
            await interaction.edit_original_response(embed=embed, allowed_mentions=no_pings())
            return
        view = LeaderboardView(caller, page, load)
        view.message = await interaction.edit_original_response(embed=embed, view=view, allowed_mentions=no_pings())
