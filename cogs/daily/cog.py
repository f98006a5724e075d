"""/daily: moderators set up and steer the daily prompt; members use the buttons on each post."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.daily import DailyService, Outcome
from bot.errors import InvalidInput, check_all
from bot.feedback import FeedbackService
from bot.timezones import parse_local_time, parse_zone
from cogs._common import (
    discord_timestamp,
    in_servers,
    missing_permissions,
    no_pings,
    timezone_autocomplete,
)
from cogs._common.authority import Audience, declared
from cogs._common.confirm import ask_before_removing_schedule
from cogs._common.lifecycle import load_service, unload_service
from cogs._common.prompts import DIFFICULTY_CHOICES, KIND_CHOICES, prompt_embed
from cogs.daily.embeds import status_embed
from cogs.daily.forum import ensure_tags, missing_tags
from cogs.daily.publisher import DAILY_NEEDS, DiscordDailyPublisher
from cogs.daily.views import DYNAMIC_ITEMS, FORMS, KindsView, add_prompt_form

log = logging.getLogger(__name__)

# Where a daily prompt can go. discord.py counts a media channel as a forum, but Discord's client makes it a
# gallery of images and videos, and a prompt is text: the option offers only these.
PROMPT_CHANNEL_TYPES = [discord.ChannelType.text, discord.ChannelType.news, discord.ChannelType.forum]


class PromptChannel(app_commands.Transformer):
    """The ``channel`` option of ``/daily setup``: a text, announcement or forum channel."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return PROMPT_CHANNEL_TYPES

    async def transform(self, interaction: discord.Interaction,
                        value: object) -> discord.TextChannel | discord.ForumChannel:
        channel = value.resolve() if isinstance(value, app_commands.AppCommandChannel) else None
        if not isinstance(channel, discord.TextChannel | discord.ForumChannel):
            raise app_commands.TransformerError(value, self.type, self)
        return channel


def postable(channel: discord.TextChannel | discord.ForumChannel) -> None:
    """Refuse a channel the option does not offer, which still arrives while Discord holds the command as an
    older version of the bot registered it."""
    if channel.type not in PROMPT_CHANNEL_TYPES:
        raise InvalidInput(f"{channel.mention} is a media channel, made for images and videos: a daily prompt is "
                           "text, so it cannot be posted there.",
                           hint="Pick a text channel, or a forum channel for one tagged post a day.")


@in_servers
@app_commands.default_permissions(manage_guild=True)
class Daily(commands.GroupCog, group_name="daily", group_description="Daily AI-systems design prompts",
            group_extras=declared(Audience.MODERATOR)):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        core = client.core
        self.service = DailyService(core.db, core.clock, core.content, core.scheduler, core.audit, core.activity,
                                    DiscordDailyPublisher(client))
        super().__init__()

    async def cog_load(self) -> None:
        self.client.add_dynamic_items(*DYNAMIC_ITEMS)
        self.client.forms.add(*FORMS)
        await load_service(self.client, self.service)

    async def cog_unload(self) -> None:
        await unload_service(self.client, self.service)
        self.client.remove_dynamic_items(*DYNAMIC_ITEMS)
        self.client.forms.remove(*FORMS)

    @app_commands.command(name="setup", description="Choose where and when the daily prompt is posted")
    @app_commands.describe(channel="Where prompts are posted: a text channel, or a forum (one tagged post a day)",
                           time="Local time, e.g. 09:00 or 9am",
                           timezone="IANA timezone, e.g. Europe/Berlin", role="A role to ping with each post")
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    async def setup(self, interaction: discord.Interaction,
                    channel: app_commands.Transform[discord.TextChannel | discord.ForumChannel, PromptChannel],
                    time: str, timezone: str, role: discord.Role | None = None) -> None:
        assert interaction.guild is not None

        def pingable_role() -> None:
            if role is not None and role.is_default():
                raise InvalidInput("I will not ping @everyone with the daily prompt.",
                                   hint="Create a role such as `Daily prompt` that members can opt into, and pick it.")
            # Discord lets a member ping a role that is not mentionable only with Mention Everyone there: the bot,
            # which has it, must not ping such a role every day for a moderator who may not ping it themselves.
            member = interaction.user
            if role is not None and not role.mentionable and isinstance(member, discord.Member) \
                    and not channel.permissions_for(member).mention_everyone:
                raise InvalidInput(f"You may not ping {role.mention} in {channel.mention} yourself, so I will not ping "
                                   "it there for you every day.",
                                   hint="Turn on *Allow anyone to @mention this role* in the role's settings, or ask "
                                        "a moderator who may mention every role.")

        # every mistake at once: the channel and role here, the time and the zone as the service reads them
        check_all(lambda: postable(channel), pingable_role, lambda: parse_local_time(time),
                  lambda: parse_zone(timezone))
        result = await self.service.setup(interaction.guild.id, interaction.user.id, channel_id=channel.id,
                                          time_text=time, zone_text=timezone, role_id=role.id if role else None)
        schedule = result.schedule
        lines = [f"Daily prompts will be posted in {channel.mention} at **{schedule.local_time:%H:%M}** "
                 f"({schedule.zone.key})" + (f", pinging {role.mention}." if role else "."),
                 "", "**Next posts**"]
        lines += [f"• {m.astimezone(schedule.zone):%a %d %b %H:%M %Z} · {discord_timestamp(m, 'R')}"
                  for m in result.next_posts]
        if result.posts_now:
            lines += ["", f"Today's {schedule.local_time:%H:%M} has already passed and today's prompt is not out "
                          "yet, so I am posting it now."]
        missing = missing_permissions(channel, interaction.guild.me, also=DAILY_NEEDS)
        if missing:
            lines += ["", f"⚠️ I am missing **{', '.join(missing)}** in {channel.mention}: grant them or the "
                          "post will fail."]
        if role is not None and not role.mentionable and not channel.permissions_for(
                interaction.guild.me).mention_everyone:
            # Discord notifies a role only when it is mentionable or the sender may mention everyone
            lines += ["", f"⚠️ {role.mention} cannot be pinged by me: members will see the mention but get no "
                          "notification. Turn on *Allow anyone to @mention this role* in the role's settings, or "
                          f"grant me **Mention @everyone, @here, and All Roles** in {channel.mention}."]
        if isinstance(channel, discord.ForumChannel):
            lines[0] = lines[0].replace("Daily prompts will be posted in", "Each day's prompt will be a forum post in")
            if missing_tags(channel) and channel.permissions_for(interaction.guild.me).manage_channels:
                await interaction.response.defer(ephemeral=True, thinking=True)  # creating tags is a request
            tags_line = await ensure_tags(channel, interaction.guild.me)
            lines += ["", tags_line or "Each post is tagged with its kind and difficulty."]
        if interaction.response.is_done():
            await interaction.followup.send("\n".join(lines), ephemeral=True, allowed_mentions=no_pings())
        else:
            await interaction.response.send_message("\n".join(lines), ephemeral=True, allowed_mentions=no_pings())
        if result.posts_now:  # after answering: the post waits its turn behind other scheduled traffic
            self.client.spawn(self.service.deliver_due(interaction.guild.id), name="studybot-daily-now")

    @app_commands.command(name="remove", description="Stop the daily prompt here and delete its schedule")
    async def remove(self, interaction: discord.Interaction) -> None:
        await ask_before_removing_schedule(
            interaction, self.service,
            question="Remove the daily prompt schedule in {channel}? No more prompts will be posted; past posts and "
                     "answers stay.",
            removed="The daily prompt schedule for {channel} is removed; nothing more will be posted. Past posts and "
                    "answers stay. `/daily setup` starts it again.",
            kept="Kept: the daily prompt goes on as before.")

    @app_commands.command(name="pause", description="Stop posting daily prompts until resumed")
    async def pause(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await self.service.set_enabled(interaction.guild_id, interaction.user.id, False)
        await interaction.response.send_message("Daily prompts are paused. `/daily resume` starts them again.",
                                                ephemeral=True)

    @app_commands.command(name="resume", description="Start posting daily prompts again")
    async def resume(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        schedule = await self.service.set_enabled(interaction.guild_id, interaction.user.id, True)
        # The next post as /daily status lists it: not the timer's next firing, which is today's time even
        # when today's prompt is already out (posted earlier, or with /daily post-now).
        next_run = next(iter(await self.service.next_posts(interaction.guild_id, 1)), None)
        when = f" The next one is {discord_timestamp(next_run, 'F')}." if next_run else ""
        owed = await self.service.today_pending(interaction.guild_id)
        if owed:
            when = " Today's time has passed and today's prompt is not out yet, so I am posting it now." + when
        await interaction.response.send_message(
            f"Daily prompts are back on in <#{schedule.channel_id}>.{when}", ephemeral=True)
        if owed:  # after answering: the post waits its turn behind other scheduled traffic
            self.client.spawn(self.service.deliver_due(interaction.guild_id), name="studybot-daily-now")

    @app_commands.command(name="status", description="Next post, prompts left in the rotation, last post")
    async def status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        status = await self.service.status(interaction.guild_id)
        await interaction.response.send_message(embed=status_embed(status), ephemeral=True)

    @app_commands.command(name="preview", description="See the next prompt before it is posted (only you)")
    async def preview(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        preview = await self.service.preview(interaction.guild_id)
        embed = prompt_embed(preview.prompt)
        embed.set_footer(text=f"Hints: {preview.prompt.render_hints()}"[:2048])
        when = f"Posting {discord_timestamp(preview.when, 'F')}." if preview.when else "Posting is paused."
        await interaction.response.send_message(f"Next up. {when}", embed=embed, ephemeral=True)

    @app_commands.command(name="skip", description="Skip the next prompt; the one after it is posted instead")
    async def skip(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        skipped, following = await self.service.skip(interaction.guild_id, interaction.user.id)
        after = f" Next up: **{following.title}**." if following else ""
        await interaction.response.send_message(f"Skipped **{skipped.title}**.{after}", ephemeral=True)

    @app_commands.command(name="post-now", description="Post today's prompt now if it has not been posted")
    async def post_now(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.service.post_now(interaction.guild_id, interaction.user.id)
        record = result.record
        if result.outcome is Outcome.POSTED and record:
            text = f"Posted day {record.day_number} in <#{record.channel_id}>."
        elif result.outcome is Outcome.ALREADY_POSTED and record:
            text = (f"Today's prompt (day {record.day_number}) is already posted in <#{record.channel_id}>; "
                    "there is one per day.")
        else:
            text = f"I could not post it: {result.reason}."
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=no_pings())

    @app_commands.command(name="kinds", description="Choose which kinds of prompts this server gets")
    async def kinds(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        status = await self.service.status(interaction.guild_id)
        view = KindsView(interaction.user.id, status.schedule.kinds)
        await interaction.response.send_message("Which kinds of prompts should be posted?", view=view,
                                                ephemeral=True)
        view.message = await interaction.original_response()

    @app_commands.command(name="add", description="Write a prompt of this server's own into the rotation")
    @app_commands.describe(kind="What kind of prompt it is", difficulty="How hard it is")
    @app_commands.choices(kind=KIND_CHOICES, difficulty=DIFFICULTY_CHOICES)
    async def add(self, interaction: discord.Interaction, kind: app_commands.Choice[str],
                  difficulty: app_commands.Choice[str]) -> None:
        await add_prompt_form(kind.value, difficulty.value).show(interaction)

    @app_commands.command(name="best", description="Pick a member's answer as a day's best answer")
    @app_commands.describe(member="Whose answer is the best", date="The post's date, YYYY-MM-DD (default: the latest)")
    async def best(self, interaction: discord.Interaction, member: discord.Member, date: str | None = None) -> None:
        assert interaction.guild_id is not None
        feedback = self.client.services.get(FeedbackService)
        day = await feedback.day_from(interaction.guild_id, date)
        previous = await feedback.choose_best(interaction.guild_id, day, member.id, interaction.user.id)
        text = f"🏅 {member.mention}'s answer is the best answer of {day.isoformat()}."
        if previous is not None and previous != member.id:
            text += f" It replaces <@{previous}>'s."
        closed = await feedback.is_closed(interaction.guild_id, day)
        text += (" That day has already closed, so it is recorded but not highlighted." if closed else
                 " It is highlighted in the thread when the day closes, and its author is told.")
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=no_pings())


__all__ = ["Daily"]
