"""/quiz: moderators run a daily multiple-choice quiz built from the flashcards."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.quiz import QuizService
from cogs._common import in_servers, missing_permissions, timezone_autocomplete
from cogs._common.authority import Audience, declared
from cogs._common.confirm import ask_before_removing_schedule
from cogs._common.lifecycle import load_service, unload_service
from cogs.quiz.embeds import hours_text, overview_embed
from cogs.quiz.publisher import QUIZ_NEEDS, DiscordQuizPublisher
from cogs.quiz.views import DYNAMIC_ITEMS


@in_servers
@app_commands.default_permissions(manage_guild=True)
class Quiz(commands.GroupCog, group_name="quiz", group_description="The daily flashcard quiz",
           group_extras=declared(Audience.MODERATOR)):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        core = client.core
        self.service = QuizService(core.db, core.clock, core.content, core.scheduler, core.audit, core.activity,
                                   DiscordQuizPublisher(client), core.server_content)
        super().__init__()

    async def cog_load(self) -> None:
        self.client.add_dynamic_items(*DYNAMIC_ITEMS)
        await load_service(self.client, self.service)

    async def cog_unload(self) -> None:
        await unload_service(self.client, self.service)
        self.client.remove_dynamic_items(*DYNAMIC_ITEMS)

    @app_commands.command(name="setup", description="Post a daily quiz question in a channel at a local time")
    @app_commands.describe(channel="Where the quiz is posted", time="Local time, e.g. 12:00 or 12pm",
                           timezone="IANA timezone, e.g. Europe/Berlin",
                           close_after="Hours until the answer is revealed (default 12)",
                           reveal_now="Tell members right or wrong as they answer (default: at the close)")
    @app_commands.rename(close_after="close-after", reveal_now="reveal-now")
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    async def setup(self, interaction: discord.Interaction, channel: discord.TextChannel, time: str, timezone: str,
                    close_after: app_commands.Range[int, 1, 23] = 12, reveal_now: bool = False) -> None:
        assert interaction.guild is not None
        overview = await self.service.setup(interaction.guild.id, interaction.user.id, channel_id=channel.id,
                                            time_text=time, zone_text=timezone, close_hours=close_after,
                                            reveal_now=reveal_now)
        text = (f"The quiz will be posted in {channel.mention} at **{overview.schedule.local_time:%H:%M}** "
                f"({overview.schedule.zone.key}) and close {hours_text(close_after)} later.")
        missing = missing_permissions(channel, interaction.guild.me, also=QUIZ_NEEDS)
        if missing:
            text += (f"\n⚠️ I am missing **{', '.join(missing)}** in {channel.mention}: grant them or the quiz will "
                     "not be posted.")
        if overview.posts_now:
            text += "\nToday's time has already passed and today's quiz is not out yet, so I am posting it now."
        await interaction.response.send_message(text, embed=overview_embed(overview), ephemeral=True)
        if overview.posts_now:  # after answering: the post waits its turn behind other scheduled traffic
            self.client.spawn(self.service.deliver_due(interaction.guild.id), name="studybot-quiz-now")

    @app_commands.command(name="remove", description="Stop the daily quiz here and delete its schedule")
    async def remove(self, interaction: discord.Interaction) -> None:
        await ask_before_removing_schedule(
            interaction, self.service,
            question="Remove the daily quiz schedule in {channel}? No more quizzes will be posted; past quizzes and "
                     "answers stay.",
            removed="The daily quiz schedule for {channel} is removed; no more quizzes will be posted (one already "
                    "open still closes and reveals). `/quiz setup` starts it again.",
            kept="Kept: the daily quiz goes on as before.")

    @app_commands.command(name="pause", description="Stop posting the daily quiz until resumed")
    async def pause(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await self.service.set_enabled(interaction.guild_id, interaction.user.id, False)
        await interaction.response.send_message("The daily quiz is paused. `/quiz resume` starts it again.",
                                                ephemeral=True)

    @app_commands.command(name="resume", description="Start posting the daily quiz again")
    async def resume(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await self.service.set_enabled(interaction.guild_id, interaction.user.id, True)
        overview = await self.service.overview(interaction.guild_id)
        owed = await self.service.today_pending(interaction.guild_id)
        text = "The daily quiz is back on." + (" Today's time has passed and today's quiz is not out yet, so I am "
                                              "posting it now." if owed else "")
        await interaction.response.send_message(text, embed=overview_embed(overview), ephemeral=True)
        if owed:
            self.client.spawn(self.service.deliver_due(interaction.guild_id), name="studybot-quiz-now")

    @app_commands.command(name="status", description="Next quiz, cards left in the cycle, last quiz")
    async def status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        overview = await self.service.overview(interaction.guild_id)
        await interaction.response.send_message(embed=overview_embed(overview), ephemeral=True)
