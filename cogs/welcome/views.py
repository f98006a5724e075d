"""The Setup button on the welcome message and the two steps behind it: a channel, then one form.

Who may set up is decided at every step, when they press (moderators: Manage Server or the server's
moderator role), never from the message or a custom id; the form is checked as a whole and every mistake is listed
in one reply with a button to correct the same values.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, TypeVar

import discord

from bot.daily import DailySchedule, DailyService
from bot.errors import InvalidInput, NotConfigured
from bot.mock import MockService
from bot.overview import ConfiguredFeature
from bot.quiz import QuizService
from bot.welcome import MOCK_EXAMPLE, SetupPlan, read_setup_form
from cogs._common import BaseView, discord_timestamp, missing_permissions
from cogs._common.access import client_of, service_of
from cogs._common.authority import Audience
from cogs._common.forms import FormRoute, ModeratorForm, text_input
from cogs._common.ids import NUMBER, CustomId
from cogs.mock import round_channel_lines

log = logging.getLogger(__name__)

SETUP_BUTTON_ID = "studybot:welcome:setup"
T = TypeVar("T")


@dataclass(frozen=True)
class Applied:
    """The reply to a submitted form, and what is owed today: a server already set up whose times moved to ones
    already past today gets today's prompt and quiz now if they are not out, as ``/daily setup`` and ``/quiz
    setup`` post them (and a restart later that day would)."""

    lines: list[str]
    daily_now: bool = False
    quiz_now: bool = False
    mock_now: bool = False  # today's mock round, moved to a time already past, starts now


async def apply_plan(interaction: discord.Interaction, guild_id: int, channel_id: int, plan: SetupPlan) -> Applied:
    """Write the daily, quiz and mock schedules of ``plan`` through their services; return the summary."""
    actor = interaction.user.id
    zone = plan.zone.key
    daily, quiz = service_of(interaction, DailyService), service_of(interaction, QuizService)
    # The form asks only for times: what the setup commands chose beside them (the ping role, the quiz's hours
    # open and its reveal rule, the interviews' voice channel) is kept when the form changes a schedule already set up.
    daily_before = await _set_up(daily.configured(guild_id))
    _check_kept_ping(interaction, channel_id, daily_before)
    result = await daily.setup(guild_id, actor, channel_id=channel_id, time_text=f"{plan.daily_at:%H:%M}",
                               zone_text=zone, role_id=daily_before.role_id if daily_before else None)
    quiz_next = None
    quiz_now = False
    if plan.quiz_at is not None:
        quiz_before = await _set_up(quiz.configured(guild_id))
        if quiz_before is None:
            overview = await quiz.setup(guild_id, actor, channel_id=channel_id, time_text=f"{plan.quiz_at:%H:%M}",
                                        zone_text=zone)
        else:
            overview = await quiz.setup(guild_id, actor, channel_id=channel_id, time_text=f"{plan.quiz_at:%H:%M}",
                                        zone_text=zone, close_hours=quiz_before.close_hours,
                                        reveal_now=quiz_before.reveal_now)
        quiz_next = overview.next_posts[0] if overview.next_posts else None
        quiz_now = overview.posts_now
    mock = service_of(interaction, MockService)
    # An empty quiz or interview field changes nothing: a schedule set up before runs on, and the reply says so.
    quiz_kept = await quiz.settings_section(guild_id) if plan.quiz_at is None else None
    mock_kept = await mock.settings_section(guild_id) if plan.mock is None else None
    mock_next: list[datetime] = []
    mock_now = mock_too_few = False
    if plan.mock is not None:
        mock_before = await mock.schedule(guild_id)  # its voice channel, chosen with /mock-admin schedule, is kept
        change = await mock.set_schedule(
            guild_id, actor, cadence=plan.mock.cadence, weekday=plan.mock.weekday,
            time_text=f"{plan.mock.at:%H:%M}", zone_text=zone, channel_id=channel_id,
            voice_channel_id=mock_before.voice_channel_id if mock_before else None)
        mock_next, mock_now, mock_too_few = change.next_rounds, change.starts_now, change.too_few
    guild = interaction.guild
    channel = guild.get_channel(channel_id) if guild else None
    log.info("guild %s set up from the welcome message by %s", guild_id, actor)
    lines = summary_lines(channel, channel_id, plan, result.next_posts, quiz_next, mock_next,
                          guild.me if guild else None, quiz_kept=quiz_kept, mock_kept=mock_kept)
    owed = [what for what, now in (("prompt", result.posts_now), ("quiz", quiz_now)) if now]
    if owed:  # said above the closing line, as the /daily and /quiz setup replies say it
        lines[-2:-2] = ["", *(f"Today's time for the {what} has already passed and today's {what} is not out yet, "
                              "so I am posting it now." for what in owed)]
    if mock_now:  # as /mock-admin schedule says it
        lines[-2:-2] = ["", "Today's mock round time has already passed and today's round has not started, " + (
            "but fewer than two members are free to take part, so no round starts today." if mock_too_few else
            "so it starts now.")]
    return Applied(lines, result.posts_now, quiz_now, mock_now)


def _check_kept_ping(interaction: discord.Interaction, channel_id: int, before: DailySchedule | None) -> None:
    """The form keeps the ping role ``/daily setup`` chose; moving the prompt to another channel pings it there. As
    ``/daily setup`` asks, a role that is not mentionable is pinged only for a moderator who may ping it there
    themselves: the bot, which may, must not ping it every day in a channel where they may not."""
    guild, member = interaction.guild, interaction.user
    if guild is None or before is None or before.role_id is None or before.channel_id == channel_id:
        return
    role, target = guild.get_role(before.role_id), guild.get_channel(channel_id)
    if role is None or role.mentionable or target is None or not isinstance(member, discord.Member):
        return
    if not target.permissions_for(member).mention_everyone:
        raise InvalidInput(f"You may not ping {role.mention} in {target.mention} yourself, so I will not move the "
                           "daily prompt's ping of it there for you. Nothing was changed.",
                           hint="Pick the channel the prompt is posted in now, or ask a moderator who may mention "
                                "every role (`/daily setup` also changes the role).")


async def _set_up(schedule: Awaitable[T]) -> T | None:
    """The schedule a feature has, or None when it is not set up yet."""
    try:
        return await schedule
    except NotConfigured:
        return None


class WelcomeView(BaseView):
    """Persistent: the button keeps working after restarts (stable custom id, no timeout). Anyone sees
    it; only moderators get past it, decided when they press (``BaseView.interaction_check``)."""

    audience: ClassVar[Audience | None] = Audience.MODERATOR

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Set up studybot", style=discord.ButtonStyle.primary, emoji="🛠️",
                       custom_id=SETUP_BUTTON_ID)
    async def setup_button(self, interaction: discord.Interaction, _button: discord.ui.Button[WelcomeView]) -> None:
        await interaction.response.send_message(
            "**Step 1 of 2** · Which channel should the daily prompt go to? The quiz and mock-interview "
            "announcements go there too (each can be moved later).",
            view=ChannelStep(interaction.user.id), ephemeral=True)


class ChannelStep(BaseView):
    """Pick the channel; picking it opens the form."""

    audience: ClassVar[Audience | None] = Audience.MODERATOR

    def __init__(self, owner_id: int) -> None:
        super().__init__(owner_id=owner_id, timeout=900)

    @discord.ui.select(cls=discord.ui.ChannelSelect, channel_types=[discord.ChannelType.text],
                       placeholder="Pick a text channel", min_values=1, max_values=1)
    async def channel(self, interaction: discord.Interaction, select: discord.ui.ChannelSelect[ChannelStep]) -> None:
        await setup_form(select.values[0].id, await answers_in_use(interaction)).show(interaction)


@dataclass
class Answers:
    """What the moderator typed, kept so a correction starts from it."""

    daily_time: str = "09:00"
    timezone: str = ""
    quiz_time: str = ""
    mock: str = ""


async def answers_in_use(interaction: discord.Interaction) -> Answers:
    """Where the form starts: on a server already set up, the daily prompt's time and zone as they run. The form is
    also how moderators add a quiz or interviews later, and its daily fields are required: a stock 09:00 left as it
    stands would move the daily prompt (the quiz and interview fields start empty, which keeps those as they are)."""
    assert interaction.guild_id is not None
    schedule = await _set_up(service_of(interaction, DailyService).configured(interaction.guild_id))
    if schedule is None:
        return Answers()
    return Answers(daily_time=f"{schedule.local_time:%H:%M}", timezone=schedule.zone.key)


SETUP_FORM = CustomId("studybot:welcome:setupform", channel=NUMBER)


def setup_form(channel_id: int, answers: Answers) -> ModeratorForm:
    """Step 2: times, timezone, quiz and mock interviews. The chosen channel rides in the custom id, so the
    form still works after a restart; the submission checks it is still a text channel of this server."""
    return ModeratorForm("Set up studybot (step 2 of 2)", [
        text_input("Daily prompt time", "daily_time", max_length=10, min_length=3, paragraph=False,
                   default=answers.daily_time, placeholder="e.g. 09:00 or 9am"),
        text_input("Timezone", "timezone", max_length=60, min_length=2, paragraph=False, default=answers.timezone,
                   placeholder="Europe/London, America/New_York, or a city such as Berlin"),
        text_input("Daily quiz time", "quiz_time", max_length=10, required=False, paragraph=False,
                   default=answers.quiz_time, placeholder="e.g. 18:00 or 6pm",
                   description="Leave empty for no quiz (one already set up stays as it is)."),
        text_input("Mock interviews", "mock", max_length=40, required=False, paragraph=False, default=answers.mock,
                   placeholder="e.g. weekly Tuesday 18:00",
                   description="Leave empty for none (a schedule already set up stays as it is)."),
    ], SETUP_FORM(channel_id))


async def _setup_submitted(interaction: discord.Interaction, match: re.Match[str], fields: dict[str, str]) -> None:
    guild = interaction.guild
    assert guild is not None
    [channel_id] = SETUP_FORM.values(match)
    target = guild.get_channel(channel_id)
    if not isinstance(target, discord.TextChannel):
        raise InvalidInput("The channel picked in step 1 is not a text channel of this server (any more).",
                           hint="Press **Set up studybot** again and pick a channel.")
    # The channel rides in the custom id, which a modified client can write: a moderator may aim the daily posts
    # only at a channel they can see, as the step 1 menu offers.
    if isinstance(interaction.user, discord.Member) and not target.permissions_for(interaction.user).view_channel:
        raise InvalidInput("You cannot see the channel picked in step 1, so you cannot set studybot up there.",
                           hint="Press **Set up studybot** again and pick a channel you can see.")
    answers = Answers(fields.get("daily_time", ""), fields.get("timezone", ""), fields.get("quiz_time", ""),
                      fields.get("mock", ""))
    try:
        plan = read_setup_form(daily_time=answers.daily_time, timezone=answers.timezone,
                               quiz_time=answers.quiz_time, mock=answers.mock)
    except InvalidInput as error:
        await interaction.response.send_message(
            error.render(), view=CorrectionStep(interaction.user.id, channel_id, answers), ephemeral=True)
        return
    await interaction.response.defer(ephemeral=True, thinking=True)  # three schedules are written next
    applied = await apply_plan(interaction, guild.id, channel_id, plan)
    await interaction.followup.send("\n".join(applied.lines), ephemeral=True)
    client = client_of(interaction)  # after answering: the posts wait their turn behind other scheduled traffic
    if applied.daily_now:
        client.spawn(service_of(interaction, DailyService).deliver_due(guild.id), name="studybot-daily-now")
    if applied.quiz_now:
        client.spawn(service_of(interaction, QuizService).deliver_due(guild.id), name="studybot-quiz-now")
    if applied.mock_now:
        client.spawn(service_of(interaction, MockService).start_due(guild.id), name="studybot-mock-now")


FORMS = (FormRoute(SETUP_FORM.pattern, Audience.MODERATOR, _setup_submitted),)


class CorrectionStep(BaseView):
    """One button that reopens the form with what was typed, so only the mistakes need retyping."""

    audience: ClassVar[Audience | None] = Audience.MODERATOR

    def __init__(self, owner_id: int, channel_id: int, answers: Answers) -> None:
        super().__init__(owner_id=owner_id, timeout=900)
        self.channel_id = channel_id
        self.answers = answers

    @discord.ui.button(label="Correct it", style=discord.ButtonStyle.primary)
    async def correct(self, interaction: discord.Interaction, _button: discord.ui.Button[CorrectionStep]) -> None:
        await setup_form(self.channel_id, self.answers).show(interaction)


def summary_lines(channel: discord.abc.GuildChannel | None, channel_id: int, plan: SetupPlan,
                  daily_next: list[datetime], quiz_next: datetime | None, mock_next: list[datetime],
                  me: discord.Member | None, *, quiz_kept: ConfiguredFeature | None = None,
                  mock_kept: ConfiguredFeature | None = None) -> list[str]:
    """What was set up, the next runs in Discord's own time tags, and any permission still missing; a quiz or
    interview schedule the form left alone (``*_kept``) is named as it runs on."""
    mention = f"<#{channel_id}>"
    lines = [f"✅ studybot is set up in {mention} ({plan.zone.key}).", "",
             f"**Daily prompt** at {plan.daily_at:%H:%M}; next "
             + ", ".join(discord_timestamp(moment, "f") for moment in daily_next[:2]) + "."]
    if plan.quiz_at is not None:
        lines.append(f"**Daily quiz** at {plan.quiz_at:%H:%M}"
                     + (f"; next {discord_timestamp(quiz_next, 'f')}." if quiz_next else "."))
    elif quiz_kept is not None:
        lines.append(kept_line(quiz_kept, "`/quiz remove` stops it"))
    else:
        lines.append("**Daily quiz**: not set up (`/quiz setup` adds it).")
    if plan.mock is not None:
        when = f"; next round {discord_timestamp(mock_next[0], 'f')}" if mock_next else ""
        lines.append(f"**Mock interviews** {plan.mock.cadence} on {plan.mock.weekday.title()} at "
                     f"{plan.mock.at:%H:%M}{when}. Members join with `/mock join`.")
    elif mock_kept is not None:
        lines.append(kept_line(mock_kept, "`/mock-admin schedule` changes it"))
    else:
        lines.append(f"**Mock interviews**: not scheduled (`/mock-admin schedule`, e.g. {MOCK_EXAMPLE}).")
    if channel is not None and me is not None:
        missing = missing_permissions(channel, me, also=("create_public_threads",))
        if missing:
            lines += ["", f"⚠️ I am missing **{', '.join(missing)}** in {mention}: grant them or posts will fail."]
        if plan.mock is not None and isinstance(channel, discord.TextChannel):  # as `/mock-admin schedule` warns
            lines += round_channel_lines(channel, me, needs=())
    lines += ["", "Members can run `/help` to see what they can do."]
    return lines


def kept_line(feature: ConfiguredFeature, change: str) -> str:
    """A schedule the server had before, which the form left empty and so unchanged."""
    paused = ", paused" if not feature.enabled else ""
    where = f" in <#{feature.channel_id}>" if feature.channel_id else ""
    return f"**{feature.name}** unchanged{paused}: {feature.summary}{where} ({change})."
