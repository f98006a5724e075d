"""The Discord side of an agreed interview: thread messages, reminders, the scheduled event and its room.

Where the interview happens, in order of preference: the voice channel moderators
chose (when the bot may make events there), a temporary private voice channel for the
group (when the bot may manage channels), else an external event pointing at the
group's thread (when the bot may create events at all). Without Create Events there is
no event; the thread still says when to meet.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

import discord

from bot.bot import StudyBot
from bot.mock import Group, Meeting, Round, ShareFailed, TimeOption, local_label, thread_url
from cogs._common import (
    discord_timestamp,
    locked_to_me,
    may_send_in,
    member_text,
    passing_failure,
    person,
    truncate,
)
from cogs.mock.embeds import agreed_plan, cancelled_plan, roles_text
from cogs.mock.meeting_views import confirmed_view, proposal_view
from cogs.mock.publisher import DiscordMockPublisher
from cogs.mock.texts import nudge_heading

log = logging.getLogger(__name__)

EVENT_DESCRIPTION = ("A mock interview of this server's study group. The group's private thread has the prompt, "
                     "the roles and the rubric.")
REMINDER_LEADS = {"day": "in 24 hours", "soon": "in 15 minutes"}


def event_name(round_: Round, group: Group) -> str:
    return f"Mock interview · round {round_.number}, group {group.position}"


CONFIRMED = "✅ Interview "


def confirmed_heading(meeting: Meeting) -> str:
    """How the message confirming a version of the agreed time begins: what a restart looks for."""
    assert meeting.starts_at is not None
    verb = "moved to" if meeting.version > 1 else "confirmed for"
    return f"{CONFIRMED}{verb} {discord_timestamp(meeting.starts_at, 'F')}"


def proposal_heading(option: TimeOption) -> str:
    """How the message showing a member's proposed time begins: what a restart looks for."""
    what = "moving the interview to" if option.purpose == "move" else "meeting at"
    return f"🗓️ {person(option.proposed_by)} proposes {what} {discord_timestamp(option.starts_at, 'F')}"


def cancelled_heading(meeting: Meeting) -> str:
    """How the message telling a group of a member's cancellation begins: what a restart looks for."""
    return f"✖️ {person(meeting.cancelled_by)} cancelled this interview."


class DiscordMeetingPublisher:
    def __init__(self, client: StudyBot, base: DiscordMockPublisher) -> None:
        self.client = client
        self.base = base
        self.pace = client.core.pacer.acquire

    # -- thread messages -----------------------------------------------------------------------
    async def post_proposal(self, round_: Round, group: Group, option: TimeOption, *, fresh: bool) -> int | None:
        heading = proposal_heading(option)
        text = (f"{heading} ({discord_timestamp(option.starts_at, 'R')}). It is confirmed once everyone has "
                "accepted it.")
        return await self.base.once_to_group(group, text, heading, fresh, view=proposal_view(option.id))

    async def find_proposal(self, round_: Round, group: Group, option: TimeOption) -> int | None:
        return await self.base.find_in_thread(group, proposal_heading(option))

    async def post_confirmed(self, round_: Round, group: Group, meeting: Meeting, *, fresh: bool) -> int | None:
        assert meeting.starts_at is not None
        heading = confirmed_heading(meeting)
        lines = [f"{heading} ({discord_timestamp(meeting.starts_at, 'R')}), {meeting.minutes} minutes.",
                 roles_text(group), self._where(group, meeting),
                 "Reminders come 24 hours and 15 minutes before. **Add to calendar** gives you an .ics file."]
        return await self.base.once_to_group(group, "\n".join(lines), heading, fresh, view=confirmed_view(group.id))

    async def show_agreed(self, round_: Round, group: Group, meeting: Meeting) -> None:
        await self.base.edit_brief(group, agreed_plan(meeting))

    async def find_confirmed(self, round_: Round, group: Group, meeting: Meeting) -> int | None:
        # The latest confirmation in the thread must be this one: a time moved away and back again repeats one.
        return await self.base.find_in_thread(group, confirmed_heading(meeting), among=CONFIRMED)

    def _where(self, group: Group, meeting: Meeting) -> str:
        event = f" · [event](https://discord.com/events/{group.guild_id}/{meeting.event_id})" if meeting.event_id else ""
        room_id = meeting.voice_channel_id
        guild = self.client.get_guild(group.guild_id)
        placed = guild.get_scheduled_event(meeting.event_id) if guild and meeting.event_id else None
        if room_id is None and placed is not None:
            room_id = placed.channel_id  # the voice channel moderators chose
        if room_id:
            return f"📍 Meet in <#{room_id}>{event}"
        if meeting.event_id:
            return f"📍 Meet in this thread (share a call link here){event}"
        return "📍 Meet in this thread (share a call link here)."

    async def post_cancelled(self, round_: Round, group: Group, meeting: Meeting, *, fresh: bool) -> int | None:
        reason = truncate(member_text(meeting.cancel_reason or ""), 300)
        heading = cancelled_heading(meeting)
        return await self.base.once_to_group(group, f"{heading} Reason: {reason}\nIts event and reminders are gone. "
                                         "A moderator can pair you again this round with pair-now.", heading, fresh)

    async def show_cancelled(self, round_: Round, group: Group, meeting: Meeting) -> None:
        await self.base.edit_brief(group, cancelled_plan(meeting), closed=True)

    async def find_cancelled(self, round_: Round, group: Group, meeting: Meeting) -> int | None:
        return await self.base.find_in_thread(group, cancelled_heading(meeting))

    async def nudge(self, round_: Round, group: Group) -> int | None:
        heading = nudge_heading(round_)
        message = await self.base._to_group(
            group, f"{heading} {discord_timestamp(round_.ends_at, 'R')} and your group has no "
                   "agreed time yet. Press **Pick times** on the brief above, or propose a time that suits you.\n"
                   f"{roles_text(group)}", lambda sent: sent.startswith(heading))
        return message.id if message else None

    async def find_nudge(self, round_: Round, group: Group) -> int | None:
        return await self.base.find_in_thread(group, nudge_heading(round_))

    async def remind(self, round_: Round, group: Group, meeting: Meeting, user_id: int, zone: ZoneInfo,
                     kind: str) -> None:
        assert meeting.starts_at is not None
        others = ", ".join(f"<@{m.user_id}> ({m.role})" for m in group.members if m.user_id != user_id)
        text = (f"⏰ Your mock interview is {REMINDER_LEADS[kind]}: **{local_label(meeting.starts_at, zone)}** "
                f"({zone.key}) · {discord_timestamp(meeting.starts_at, 'F')}.\n"
                f"You are the **{group.role_of(user_id)}**, with {others}.\n"
                f"{self._where(group, meeting)}\nThread: {thread_url(group.guild_id, group.thread_id)}")
        try:
            if await self.base.dms.send(user_id, text, passing_raises=True) is not None:
                return
        except discord.HTTPException as error:  # failing for a moment: the DM is tried again, not the thread
            raise ShareFailed("Discord could not take the reminder for now", transient=True) from error
        thread = self.client.get_channel(group.thread_id) if group.thread_id else None
        if isinstance(thread, discord.Thread) and may_send_in(thread) and not locked_to_me(thread):  # DMs closed
            await self.pace()
            await thread.send(f"<@{user_id}> {text}",
                              allowed_mentions=discord.AllowedMentions(everyone=False, roles=False,
                                                                       users=[discord.Object(user_id)]))

    async def find_reminder(self, group: Group, meeting: Meeting, user_id: int, kind: str) -> bool:
        """Whether this reminder already reached the member (by DM, or in the thread when DMs were closed).

        Only asked after a restart for a reminder claimed but not marked sent, so reading a little
        history is fine. The lead, the meeting's instant and the thread link together name it.
        """
        assert meeting.starts_at is not None
        marks = (REMINDER_LEADS[kind], discord_timestamp(meeting.starts_at, "F"),
                 thread_url(group.guild_id, group.thread_id))
        bot_id = self.client.user.id if self.client.user else None

        def is_it(message: discord.Message) -> bool:
            return message.author.id == bot_id and all(mark in message.content for mark in marks)

        dm = await self.base.dms.channel(user_id)
        places: list[discord.abc.Messageable] = [dm] if dm is not None else []
        thread = self.client.get_channel(group.thread_id) if group.thread_id else None
        if isinstance(thread, discord.Thread):
            places.append(thread)
        for place in places:
            try:
                await self.pace()
                async for message in place.history(limit=25):
                    if is_it(message):
                        return True
            except discord.HTTPException as error:
                log.info("could not read %s to look for a reminder: %s", place, error.text)
        return False

    # -- the event and its room ----------------------------------------------------------------
    async def place_event(self, round_: Round, group: Group, meeting: Meeting,
                          voice_channel_id: int | None) -> tuple[int | None, int | None]:
        guild = self.client.get_guild(group.guild_id)
        if guild is None or meeting.starts_at is None:
            return meeting.event_id, meeting.voice_channel_id
        start = meeting.starts_at
        end = start + timedelta(minutes=meeting.minutes)
        room, room_id = await self._room(guild, round_, group, meeting, voice_channel_id)
        event = await self._existing_event(guild, round_, group, meeting)
        try:
            await self.pace()
            if event is not None:
                await event.edit(start_time=start, end_time=end)
                return event.id, room_id
            if room is not None:
                created = await guild.create_scheduled_event(
                    name=event_name(round_, group), start_time=start, end_time=end, channel=room,
                    entity_type=discord.EntityType.voice, privacy_level=discord.PrivacyLevel.guild_only,
                    description=EVENT_DESCRIPTION)
            elif guild.me.guild_permissions.create_events:
                created = await guild.create_scheduled_event(
                    name=event_name(round_, group), start_time=start, end_time=end,
                    entity_type=discord.EntityType.external, privacy_level=discord.PrivacyLevel.guild_only,
                    location=thread_url(group.guild_id, group.thread_id), description=EVENT_DESCRIPTION)
            else:
                log.info("guild %s: no Create Events permission; group %s gets no event", guild.id, group.id)
                return None, room_id
        except discord.HTTPException as error:
            if passing_failure(error):  # failing for a moment: left owed for the next pass (found by name)
                raise
            log.warning("could not place the event of group %s: %s", group.id, error.text)
            return meeting.event_id, room_id
        return created.id, room_id

    async def _existing_event(self, guild: discord.Guild, round_: Round, group: Group,
                              meeting: Meeting) -> discord.ScheduledEvent | None:
        """The group's event still to happen: by its stored id, else by name (made just before a crash). One Discord
        ended or cancelled (an unstarted event hours after its start) can no longer be moved: a new one is made."""
        live = (discord.EventStatus.scheduled, discord.EventStatus.active)
        if meeting.event_id is not None:
            event = guild.get_scheduled_event(meeting.event_id)
            if event is not None and event.status in live:
                return event
        name = event_name(round_, group)
        return next((e for e in guild.scheduled_events if e.name == name and e.status in live), None)

    async def _room(self, guild: discord.Guild, round_: Round, group: Group, meeting: Meeting,
                    chosen_id: int | None) -> tuple[discord.VoiceChannel | None, int | None]:
        me = guild.me
        chosen = guild.get_channel(chosen_id) if chosen_id else None
        if isinstance(chosen, discord.VoiceChannel):
            allowed = chosen.permissions_for(me)
            if allowed.create_events and allowed.view_channel and allowed.connect:
                return chosen, meeting.voice_channel_id  # not the bot's own room: it is never removed
        own = guild.get_channel(meeting.voice_channel_id) if meeting.voice_channel_id else None
        if isinstance(own, discord.VoiceChannel):
            return own, own.id
        name = event_name(round_, group)[:100]
        # A room made just before a crash (or a timeout) was never recorded: adopt it rather than make a second.
        made = next((c for c in guild.voice_channels if c.name == name
                     and c.overwrites_for(guild.default_role).view_channel is False), None)
        if made is not None:
            return made, made.id
        if not (me.guild_permissions.manage_channels and me.guild_permissions.create_events):
            return None, None
        overwrites: dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite] = {
            guild.default_role: discord.PermissionOverwrite(view_channel=False, connect=False),
            me: discord.PermissionOverwrite(view_channel=True, connect=True)}
        for member in group.members:
            overwrites[guild.get_member(member.user_id) or discord.Object(member.user_id)] = \
                discord.PermissionOverwrite(view_channel=True, connect=True)
        try:
            await self.pace()
            room = await guild.create_voice_channel(name, overwrites=overwrites,
                                                    user_limit=len(group.members) + 1)
        except discord.HTTPException as error:
            if passing_failure(error):  # failing for a moment: the next pass makes (or adopts) it
                raise
            log.info("guild %s: no room for group %s (%s)", guild.id, group.id, error.text)
            return None, None
        return room, room.id

    async def remove_event(self, guild_id: int, event_id: int) -> None:
        guild = self.client.get_guild(guild_id)
        if guild is None:
            return
        try:
            await self.pace()
            await self.client.http.delete_scheduled_event(guild_id, event_id)
        except discord.NotFound:
            log.debug("event %s was already gone", event_id)
        except discord.Forbidden:
            event = guild.get_scheduled_event(event_id)
            if not await self._left_to_moderators(guild_id, f"the event **{event.name if event else event_id}**",
                                                  "Manage Events"):
                raise

    async def remove_room(self, guild_id: int, channel_id: int) -> None:
        guild = self.client.get_guild(guild_id)
        channel = guild.get_channel(channel_id) if guild else None
        if channel is None:
            return
        try:
            await self.pace()
            await channel.delete(reason="The mock interview is over or was cancelled.")
        except discord.NotFound:
            log.debug("room %s was already gone", channel_id)
        except discord.Forbidden:
            if not await self._left_to_moderators(guild_id, f"the private voice room {channel.mention}",
                                                  "Manage Channels"):
                raise

    async def _left_to_moderators(self, guild_id: int, what: str, permission: str) -> bool:
        """The bot may no longer remove what it made for an interview: the moderators are told once (an attempt
        interrupted after telling them is found among their notices), and the bot stops asking Discord; whether
        they were told (while they cannot be, the refusal stands and a later start tries again)."""
        text = (f"Mock interviews: I could not remove {what}, made for an interview that is over or was "
                f"cancelled, because I am missing **{permission}**. Please delete it yourself.")
        return await self.base.notify_moderators(guild_id, text, look_first=True)
