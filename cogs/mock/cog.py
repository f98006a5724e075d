"""/mock: members opt into mock interviews; /mock-admin: moderators schedule and steer the rounds."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.errors import InvalidInput
from bot.mock import MAX_EXCLUSIONS, WEEKDAY_NAMES, WEEKDAYS, MockService
from cogs._common import (
    BRAND_COLOUR,
    discord_timestamp,
    in_servers,
    missing_permissions,
    no_pings,
    one_line,
    timezone_autocomplete,
)
from cogs._common.authority import Audience, declared
from cogs._common.lifecycle import load_service, unload_service
from cogs._common.permissions import POSTING
from cogs.mock.embeds import (
    current_round_text,
    history_line,
    interview_stands_text,
    ratings_text,
    round_started_text,
    signup_embed,
    stats_embed,
    today_round_text,
)
from cogs.mock.meeting_publisher import DiscordMeetingPublisher
from cogs.mock.meeting_views import FORMS as MEETING_FORMS
from cogs.mock.meeting_views import MEETING_ITEMS, cancel_view
from cogs.mock.publisher import DiscordMockPublisher
from cogs.mock.views import DYNAMIC_ITEMS
from cogs.mock.views import FORMS as FEEDBACK_FORMS

log = logging.getLogger(__name__)

ROLES = [app_commands.Choice(name=r, value=r) for r in ("either", "interviewer", "candidate")]
LEVELS = [app_commands.Choice(name=lv, value=lv) for lv in ("junior", "mid", "senior", "staff")]
CADENCES = [app_commands.Choice(name="every week", value="weekly"),
            app_commands.Choice(name="every two weeks", value="biweekly")]
WEEKDAY_CHOICES = [app_commands.Choice(name=n, value=v) for v, n in zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)]


@in_servers
class Mock(commands.GroupCog, group_name="mock", group_description="Mock-interview pairings",
           group_extras=declared(Audience.MEMBER)):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        core = client.core
        publisher = DiscordMockPublisher(client)
        self.service = MockService(core.db, core.clock, core.content, core.scheduler, core.audit, core.activity,
                                   publisher, DiscordMeetingPublisher(client, publisher))
        super().__init__()

    async def cog_load(self) -> None:
        self.client.add_dynamic_items(*DYNAMIC_ITEMS, *MEETING_ITEMS)
        self.client.forms.add(*FEEDBACK_FORMS, *MEETING_FORMS)
        await load_service(self.client, self.service)

    async def cog_unload(self) -> None:
        await unload_service(self.client, self.service)
        self.client.remove_dynamic_items(*DYNAMIC_ITEMS, *MEETING_ITEMS)
        self.client.forms.remove(*FEEDBACK_FORMS, *MEETING_FORMS)

    # -- members ---------------------------------------------------------------------------------
    @app_commands.command(name="join", description="Take part in mock interviews")
    @app_commands.describe(role="What you would like to practise", level="Your level", timezone="Your IANA timezone",
                           availability="When you are free, your time, e.g. 'Mon-Fri 18-21, Sat 10-14' or 'anytime'")
    @app_commands.choices(role=ROLES, level=LEVELS)
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    async def join(self, interaction: discord.Interaction, role: app_commands.Choice[str],
                   level: app_commands.Choice[str], timezone: str,
                   availability: app_commands.Range[str, 1, 200]) -> None:
        assert interaction.guild_id is not None
        signup = await self.service.join(interaction.guild_id, interaction.user.id, role=role.value,
                                                 level=level.value, timezone=timezone, availability=availability)
        ahead = await self.service.rounds_ahead(interaction.guild_id)
        when = f"The next round starts {discord_timestamp(ahead.next_round, 'F')}." if ahead.next_round else \
            "A moderator has not scheduled rounds yet."
        current = await self.service.current_group(interaction.guild_id, interaction.user.id)
        # Joining again (to change preferences) keeps the interview the member already has in this round.
        if ahead.running is not None and current is not None and current[0].id == ahead.running.id \
                and current[1].has(interaction.user.id) and (current[2] is None or current[2].status != "cancelled"):
            when = (f"You are already paired in round {ahead.running.number} (see `/mock status`); these "
                    f"preferences count from the next one. {when}")
        elif ahead.running is not None:  # joining does not add anyone to a round already paired
            when = (f"Round {ahead.running.number} is already under way (until "
                    f"{discord_timestamp(ahead.running.ends_at, 'f')}), so you are paired from the next one. {when}")
        await interaction.response.send_message(f"You are in. {when}", embed=signup_embed(signup, "Your sign-up"),
                                                ephemeral=True)

    @app_commands.command(name="edit", description="Change your mock-interview preferences")
    @app_commands.choices(role=ROLES, level=LEVELS)
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    async def edit(self, interaction: discord.Interaction, role: app_commands.Choice[str] | None = None,
                   level: app_commands.Choice[str] | None = None, timezone: str | None = None,
                   availability: app_commands.Range[str, 1, 200] | None = None) -> None:
        assert interaction.guild_id is not None
        signup = await self.service.edit_signup(interaction.guild_id, interaction.user.id,
                                                 role=role.value if role else None, level=level.value if level else None,
                                                 timezone=timezone, availability=availability)
        await interaction.response.send_message(embed=signup_embed(signup, "Updated"), ephemeral=True)

    @app_commands.command(name="pause", description="Sit out the next rounds (or all, until you rejoin)")
    @app_commands.describe(rounds="How many rounds to sit out (leave empty: until you /mock join again)")
    async def pause(self, interaction: discord.Interaction, rounds: app_commands.Range[int, 1, 12] | None = None) -> None:
        assert interaction.guild_id is not None
        await self.service.pause(interaction.guild_id, interaction.user.id, rounds)
        text = (f"You will sit out the next {rounds} round(s)." if rounds else
                "You are paused until you `/mock join` again.")
        await self._answer_with_interview(interaction, text)

    @app_commands.command(name="leave", description="Stop taking part in mock interviews")
    async def leave(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await self.service.leave(interaction.guild_id, interaction.user.id)
        await self._answer_with_interview(interaction, "You have left mock interviews. Your history is kept; "
                                                       "`/mock join` to come back.")

    async def _answer_with_interview(self, interaction: discord.Interaction, text: str) -> None:
        """Answer `/mock leave` or `/mock pause`, adding the interview still standing in this round, if any, with
        the button that calls it off."""
        assert interaction.guild_id is not None
        live = await self.service.live_interview(interaction.guild_id, interaction.user.id)
        if live is None:
            await interaction.response.send_message(text, ephemeral=True)
            return
        round_, group = live
        await interaction.response.send_message(f"{text}\n\n{interview_stands_text(round_, group, interaction.user.id)}",
                                                view=cancel_view(group.id), ephemeral=True, allowed_mentions=no_pings())

    @app_commands.command(name="status", description="Your sign-up, next round, current partner and history")
    async def status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        signup = await self.service.require_signup(interaction.guild_id, interaction.user.id)
        embed = signup_embed(signup, "Your mock interviews")
        ahead = await self.service.rounds_ahead(interaction.guild_id)
        embed.add_field(name="Next round",
                        value=discord_timestamp(ahead.next_round, "F") if ahead.next_round else "not scheduled")
        current = await self.service.current_group(interaction.guild_id, interaction.user.id)
        if current:
            round_, group, meeting = current
            embed.add_field(name=f"This round ({round_.number})", inline=False,
                            value=current_round_text(round_, group, meeting))
        excluded = await self.service.exclusions_of(interaction.guild_id, interaction.user.id)
        if excluded:
            embed.add_field(name="Never paired with (only you see this)", inline=False,
                            value=", ".join(f"<@{u}>" for u in excluded))
        ratings = await self.service.ratings_received(interaction.guild_id, interaction.user.id)
        if ratings is not None:
            embed.add_field(name="Ratings from your partners", inline=False, value=ratings_text(ratings))
        history = await self.service.history(interaction.guild_id, interaction.user.id, 5)
        if history:
            embed.add_field(name="History", inline=False,
                            value="\n".join(history_line(r, g, interaction.user.id, gone, meeting, absent)
                                            for r, g, gone, meeting, absent in history)[:1024])
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=no_pings())

    @app_commands.command(name="exclude", description="Never be paired with a member (private; up to 3)")
    @app_commands.describe(member="Who you never want as a partner; they are not told")
    async def exclude(self, interaction: discord.Interaction, member: discord.Member) -> None:
        assert interaction.guild_id is not None
        now = await self.service.exclude(interaction.guild_id, interaction.user.id, member.id,
                                        excluded_is_bot=member.bot)
        await interaction.response.send_message(
            f"Done: you will never be paired with {member.mention}. Nobody else is told, and moderators only see "
            f"how many exclusions exist. You exclude {len(now)} of {MAX_EXCLUSIONS} members.",
            ephemeral=True, allowed_mentions=no_pings())

    @app_commands.command(name="unexclude", description="Allow a member you excluded to be paired with you again")
    async def unexclude(self, interaction: discord.Interaction, member: discord.Member) -> None:
        assert interaction.guild_id is not None
        now = await self.service.unexclude(interaction.guild_id, interaction.user.id, member.id)
        await interaction.response.send_message(
            f"{member.mention} can be paired with you again. You exclude {len(now)} of {MAX_EXCLUSIONS} members.",
            ephemeral=True, allowed_mentions=no_pings())


@in_servers
@app_commands.default_permissions(manage_guild=True)
class MockAdmin(commands.GroupCog, group_name="mock-admin", group_description="Schedule and steer mock interviews",
                group_extras=declared(Audience.MODERATOR)):
    def __init__(self, client: StudyBot, mock: Mock) -> None:
        self.client = client
        self.service = mock.service
        super().__init__()

    @app_commands.command(name="schedule", description="When rounds start and where they are announced")
    @app_commands.describe(cadence="How often", weekday="Day rounds start", time="Local time, e.g. 18:00 or 6pm",
                           timezone="IANA timezone", channel="Announcements and private threads (default: here)",
                           voice="Voice channel for interviews (default: a temporary one per group, if I may)")
    @app_commands.choices(cadence=CADENCES, weekday=WEEKDAY_CHOICES)
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    async def schedule(self, interaction: discord.Interaction, cadence: app_commands.Choice[str],
                       weekday: app_commands.Choice[str], time: str, timezone: str,
                       channel: discord.TextChannel | None = None,
                       voice: discord.VoiceChannel | None = None) -> None:
        assert interaction.guild is not None
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise InvalidInput("Rounds are announced in a text channel, and this is not one.",
                               hint="Give the `channel` option, or run the command in a text channel.")
        if target.is_news():  # each group gets a private thread, which Discord allows in text channels only
            raise InvalidInput(f"{target.mention} is an announcement channel, where Discord allows no private "
                               "threads, so groups could not get their own.", hint="Pick a plain text channel.")
        change = await self.service.set_schedule(
            interaction.guild.id, interaction.user.id, cadence=cadence.value, weekday=weekday.value,
            time_text=time, zone_text=timezone, channel_id=target.id, voice_channel_id=voice.id if voice else None)
        lines = [f"{change.schedule.describe}, in {target.mention}."]
        if change.starts_now:
            lines += ["", today_round_text(change.too_few)]
        if change.running is not None:
            lines += ["", f"Round {change.running.number} is still open: it keeps the end its members were told, "
                          f"{discord_timestamp(change.running.ends_at, 'F')}, and this schedule starts after it."]
        lines += ["", "**Next rounds**", *(f"• {discord_timestamp(m, 'F')}" for m in change.next_rounds)]
        lines += round_channel_lines(target, interaction.guild.me)
        lines += event_permission_lines(interaction.guild, voice)
        await interaction.response.send_message("\n".join(lines), ephemeral=True)
        if change.starts_now:  # after answering: pairing and posting take longer than Discord waits for a reply
            self.client.spawn(self.service.start_due(interaction.guild.id), name="studybot-mock-now")

    @app_commands.command(name="pair-now", description="Start a round now")
    async def pair_now(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        started = await self.service.pair_now(interaction.guild_id, interaction.user.id)
        groups = await self.service.groups(started.round.id)
        await interaction.followup.send(round_started_text(started, len(groups)), ephemeral=True,
                                        allowed_mentions=no_pings())

    @app_commands.command(name="cancel-round", description="Cancel an open round")
    @app_commands.describe(number="Which open round (needed when a pair-now round runs beside the scheduled one)")
    @app_commands.rename(number="round")
    async def cancel_round(self, interaction: discord.Interaction,
                           number: app_commands.Range[int, 1] | None = None) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        round_ = await self.service.cancel_round(interaction.guild_id, interaction.user.id, number)
        text = f"Round {round_.number} is cancelled ({round_.kind}); its groups were told."
        still = await self.service.open_rounds(interaction.guild_id)
        if still:
            text += " Still open: " + ", ".join(r.label for r in still) + "."
        await interaction.followup.send(text, ephemeral=True)

    @cancel_round.autocomplete("number")
    async def _open_round_choices(self, interaction: discord.Interaction,
                                  current: str) -> list[app_commands.Choice[int]]:
        """The open rounds, each with whether it is the scheduled one and when it ends (in UTC: a choice's name
        is plain text, which Discord shows as typed)."""
        assert interaction.guild_id is not None
        rounds = await self.service.open_rounds(interaction.guild_id)
        return [app_commands.Choice(name=f"{r.label.capitalize()}, ends {r.ends_at:%a %d %b %H:%M} UTC",
                                    value=r.number) for r in rounds if current.strip() in str(r.number)][:25]

    @app_commands.command(name="history", description="Recent groups, for everyone or one member")
    async def history(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        assert interaction.guild_id is not None
        found = await self.service.history(interaction.guild_id, member.id if member else None, 15)
        lines = [history_line(r, g, None, gone, meeting, absent)
                 for r, g, gone, meeting, absent in found] or ["No rounds yet."]
        embed = discord.Embed(title="Mock interview history" + (f" · {one_line(member.display_name)}" if member else ""),
                              description="\n".join(lines)[:4096], colour=BRAND_COLOUR)
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=no_pings())

    @app_commands.command(name="stats", description="Participants, rounds, meetings, ratings, no-shows")
    async def stats(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await interaction.response.send_message(embed=stats_embed(await self.service.stats(interaction.guild_id)),
                                                 ephemeral=True)


def round_channel_lines(channel: discord.TextChannel, me: discord.Member | None, *,
                        needs: tuple[str, ...] = POSTING) -> list[str]:
    """What the bot lacks in the channel rounds are announced in, where each group gets a private thread; ``needs``
    leaves out what a reply has already named (the welcome form's, for the daily prompt in the same channel)."""
    missing = missing_permissions(channel, me, also=("create_private_threads",), needs=needs)
    if not missing:
        return []
    return ["", f"⚠️ I am missing **{', '.join(missing)}** in {channel.mention}; without private threads "
                "I tell each pair by DM."]


def event_permission_lines(guild: discord.Guild, voice: discord.VoiceChannel | None) -> list[str]:
    """Where agreed interviews will be held, and what permission would make it better."""
    mine = guild.me.guild_permissions
    if voice is not None:
        here = voice.permissions_for(guild.me)
        if here.create_events and here.view_channel and here.connect:
            return ["", f"Agreed interviews become Discord events in {voice.mention}."]
        return ["", f"⚠️ I need **Create Events**, **View Channel** and **Connect** in {voice.mention} to hold "
                    "interviews there."]
    if mine.manage_channels and mine.create_events:
        return ["", "Agreed interviews get a Discord event in a private voice channel I make for each group."]
    if mine.create_events:
        return ["", "Agreed interviews get a Discord event that points at the group's thread. Pick a `voice` "
                    "channel, or give me **Manage Channels**, for a room to meet in."]
    return ["", "⚠️ Without **Create Events** agreed interviews get no Discord event; the thread still says when."]
