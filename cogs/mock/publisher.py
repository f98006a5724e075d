"""The Discord side of a round: a private thread per group (DMs when threads are not allowed)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import discord

from bot.bot import StudyBot
from bot.mock import Delivery, Group, GroupBrief, GroupMember, Round, ShareFailed, TimePlan
from cogs._common import (
    locked_to_me,
    may_send_in,
    missing_permissions,
    no_pings,
    passing_failure,
    thread_refused,
)
from cogs._common.notices import notify_moderators
from cogs.mock.departure import brief_after_departure, departure_heading, departure_text
from cogs.mock.embeds import brief_content, brief_embeds, round_cancelled_plan, thread_name
from cogs.mock.member_dms import MemberDMs
from cogs.mock.member_notices import MemberNotices
from cogs.mock.texts import (
    MET_BEFORE_CANCEL,
    NOT_MET_BEFORE_CANCEL,
    announcement_heading,
    checkin_heading,
    feedback_text,
    round_cancelled_heading,
)
from cogs.mock.views import RUBRIC, brief_view, checkin_view, met_brief_view

log = logging.getLogger(__name__)

# developers/events/gateway-events.mdx, "Request Guild Members": user_ids return at most 100 members.
MEMBERS_PER_REQUEST = 100


def _members_only(group: Group) -> discord.AllowedMentions:
    return discord.AllowedMentions(everyone=False, roles=False,
                                   users=[discord.Object(m.user_id) for m in group.members])


class DiscordMockPublisher(MemberNotices):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        self.pace = client.core.pacer.acquire
        self.dms = MemberDMs(client)

    def _channel(self, channel_id: int) -> discord.TextChannel | None:
        channel = self.client.get_channel(channel_id)
        return channel if isinstance(channel, discord.TextChannel) else None

    async def members_present(self, guild_id: int, user_ids: Sequence[int]) -> set[int]:
        """Ask the gateway (Request Guild Members by id, which needs no privileged intent) in requests of at
        most 100 ids, Discord's limit; ``cache=False`` keeps a round of thousands out of the member cache."""
        guild = self.client.get_guild(guild_id)
        if guild is None:
            raise LookupError(f"guild {guild_id} is not available to this process")
        ids, present = sorted(set(user_ids)), set()
        for start in range(0, len(ids), MEMBERS_PER_REQUEST):
            chunk = ids[start:start + MEMBERS_PER_REQUEST]
            found = await guild.query_members(user_ids=chunk, limit=MEMBERS_PER_REQUEST, cache=False)
            present |= {member.id for member in found}
        return present

    async def deliver_group(self, round_: Round, group: Group, brief: GroupBrief) -> Delivery:
        channel = self._channel(round_.channel_id)
        if channel is None and self.client.in_outage(round_.guild_id):  # an outage hides channels still there
            raise ShareFailed("Discord lists the server as unavailable: the group waits for its thread", transient=True)
        thread = await self._thread(channel, round_, group) if channel else None
        content, embeds = brief_content(round_, group), brief_embeds(round_, group, brief)
        if thread is not None:
            if await self._brief(thread) is None:
                await self.pace()
                await thread.send(content, embeds=embeds, view=brief_view(group.id),
                                  allowed_mentions=_members_only(group))
            return Delivery("thread", thread.id)
        copies = {}
        for member in group.members:  # no private threads here: tell each member directly, once
            copy = await self.dms.send_once(member.user_id, content, lambda sent: sent == content, embeds=embeds,
                                            view=brief_view(group.id))
            if copy is not None:
                copies[member.user_id] = copy.id
        return Delivery("dm", dm_briefs=copies)

    async def _thread(self, channel: discord.TextChannel, round_: Round, group: Group) -> discord.Thread | None:
        name = thread_name(round_, group)
        existing = next((t for t in channel.threads if t.name == name), None)  # made before a crash
        thread = existing
        if thread is None:
            permissions = channel.permissions_for(channel.guild.me)
            # Creating it is not enough: adding the members and the brief need Send Messages in Threads.
            if not (permissions.create_private_threads and permissions.send_messages_in_threads):
                return None
            try:
                await self.pace()
                # Only moderators may add members to a thread that is not invitable, and the docs make no
                # exception for its creator: without Manage Threads the bot keeps it invitable to add the group.
                invitable = not channel.permissions_for(channel.guild.me).manage_threads
                thread = await channel.create_thread(name=name, type=discord.ChannelType.private_thread,
                                                     invitable=invitable, auto_archive_duration=10080)
            except discord.HTTPException as error:
                log.info("no private thread in #%s (%s); telling group %s by DM", channel.name, error.text, group.id)
                return None
        for member in group.members:
            try:
                await self.pace()
                await thread.add_user(discord.Object(member.user_id))
            except discord.HTTPException:
                log.warning("could not add %s to thread %s", member.user_id, thread.id, exc_info=True)
        return thread

    async def _brief(self, thread: discord.Thread) -> discord.Message | None:
        """The group's brief: the bot's first message with embeds in the thread; None when not (yet) there."""
        try:
            await self.pace()
            async for message in thread.history(limit=10, oldest_first=True):
                if message.author.id == self.client.user_id and message.embeds:
                    return message
        except discord.HTTPException:
            return None
        return None

    async def _group_thread(self, group: Group) -> discord.Thread | None:
        """The group's thread, fetched when the cache has dropped it.

        Discord archives a thread after a week without messages and the client then
        forgets it; it still exists, and sending in it brings it back.
        """
        if group.thread_id is None:
            return None
        thread = self.client.get_channel(group.thread_id)
        if thread is None:
            try:
                await self.pace()
                thread = await self.client.fetch_channel(group.thread_id)
            except (discord.NotFound, discord.Forbidden):
                log.info("thread %s of group %s is gone; telling its members by DM", group.thread_id, group.id)
                return None
        return thread if isinstance(thread, discord.Thread) else None

    async def _to_group(self, group: Group, content: str, sent_before: Callable[[str], bool] | None = None,
                        **extra: Any) -> discord.Message | None:
        """The group's thread, or each member's DMs (also when the thread no longer takes the bot's messages:
        a moderator took the right away, or the thread is gone); with ``sent_before``, a member whose DMs
        already hold the message (an interrupted attempt) is not sent it again."""
        thread = await self._group_thread(group)
        if thread is not None and may_send_in(thread) and not locked_to_me(thread):
            try:
                await self.pace()
                return await thread.send(content, allowed_mentions=_members_only(group), **extra)
            except discord.HTTPException as error:
                if not thread_refused(error):
                    raise
                log.info("thread %s of group %s refused a message (%s); telling its members by DM", thread.id,
                         group.id, error.text)
        elif thread is not None:
            log.info("may not post in thread %s any more; telling group %s by DM", thread.id, group.id)
        # Discord failing for a moment is raised, as in the thread: the caller tries again, and a member whose
        # DMs already hold the message is then not sent it twice.
        for member in group.members:
            if sent_before is None:
                await self.dms.send(member.user_id, content, passing_raises=True, **extra)
            else:
                await self.dms.send_once(member.user_id, content, sent_before, passing_raises=True, **extra)
        return None

    async def once_to_group(self, group: Group, text: str, heading: str, fresh: bool, **extra: Any) -> int | None:
        """Send ``text`` to the group; the message's id in its thread, None by DM. Unless ``fresh`` (just
        stored, so nothing was sent before), a member whose DMs already hold a message beginning with
        ``heading`` is not sent it again; a fresh message spares that read of each member's DMs."""
        sent_before = None if fresh else (lambda sent: sent.startswith(heading))
        message = await self._to_group(group, text, sent_before, **extra)
        return message.id if message else None

    async def announce(self, round_: Round, groups: list[Group]) -> int | None:
        channel = self._channel(round_.channel_id)
        if channel is None or not may_send_in(channel):
            return None  # the round goes on; its moderators were told why (``channel_problem``)
        triads = sum(len(g.members) == 3 for g in groups)
        pairs = len(groups) - triads
        people = sum(len(g.members) for g in groups)
        # A round of three is one trio and no pair: "0 pairs and 1 trio" would misdescribe it.
        parts = [f"{pairs} pair{'s' * (pairs != 1)}"] * bool(pairs) + [f"{triads} trio"] * bool(triads)
        shape = " and ".join(parts)
        await self.pace()
        message = await channel.send(
            f"{announcement_heading(round_)}: {people} members in {shape}. Check your private thread "
            "(or DMs) for your partner, roles and prompt. Not in yet? `/mock join` for the next round.",
            allowed_mentions=no_pings(), nonce=f"m{round_.id % 10**15}n{round_.number}")
        return message.id

    async def channel_problem(self, round_: Round) -> str | None:
        guild = self.client.get_guild(round_.guild_id)
        if guild is None or guild.me is None:
            return None  # not this process's server, or still connecting: Discord judges each request
        channel = guild.get_channel(round_.channel_id)
        if channel is None:
            return "its channel no longer exists, so the round was not announced and each group was told by DM"
        if not isinstance(channel, discord.TextChannel):
            return None
        problems, permissions = [], channel.permissions_for(guild.me)
        if not may_send_in(channel):
            missing = missing_permissions(channel, guild.me, needs=("view_channel", "send_messages"))
            problems.append(f"I am missing **{', '.join(missing)}** in {channel.mention}, so the round was not "
                            "announced")
        threads = [name for name, allowed in (("Create Private Threads", permissions.create_private_threads),
                                              ("Send Messages in Threads", permissions.send_messages_in_threads))
                   if not allowed]
        if threads:
            problems.append(f"I am missing **{', '.join(threads)}** in {channel.mention}, so each group was told "
                            "by DM instead of in a private thread of its own")
        return "; and ".join(problems) or None

    async def notify_moderators(self, guild_id: int, text: str, look_first: bool = False) -> bool:
        return await notify_moderators(self.client, guild_id, text, self.pace, look_first)

    async def find_announcement(self, round_: Round) -> int | None:
        """The round's announcement if an attempt interrupted before recording it already made it."""
        channel = self._channel(round_.channel_id)
        if channel is None or not _may_read(channel):
            return None
        heading = announcement_heading(round_)
        try:
            await self.pace()
            async for message in channel.history(after=round_.starts_at - timedelta(minutes=1), limit=100):
                if message.author.id == self.client.user_id and message.content.startswith(heading):
                    return message.id
        except discord.HTTPException:
            log.warning("could not look for an earlier announcement in #%s", channel.name, exc_info=True)
        return None

    async def checkin(self, round_: Round, group: Group, status: str = "agreed") -> int | None:
        heading = checkin_heading(round_)
        if status == "no-time":
            text = (f"{heading} and no time was agreed here, so it is recorded as "
                    "**no time found** (not a no-show). If you met anyway, press **We met**.")
        else:
            text = f"{heading}. How did it go?"
        message = await self._to_group(group, text, lambda sent: sent.startswith(heading),
                                       view=checkin_view(group.id, status))
        return message.id if message else None

    async def find_checkin(self, round_: Round, group: Group) -> int | None:
        """The check-in an interrupted attempt posted in the group's thread (in DMs, :meth:`checkin` looks
        member by member)."""
        return await self.find_in_thread(group, checkin_heading(round_))

    async def find_in_thread(self, group: Group, heading: str, among: str | None = None) -> int | None:
        """The id of the bot's latest message in the group's thread that begins with ``heading``; with
        ``among``, only when it is also the latest that begins with ``among`` (a newer one says otherwise)."""
        me = self.client.user
        if me is None:
            return None
        try:
            thread = await self._group_thread(group)
            if thread is None:
                return None
            await self.pace()
            async for message in thread.history(limit=50):
                if message.author.id == me.id and message.content.startswith(heading):
                    return message.id
                if among is not None and message.author.id == me.id and message.content.startswith(among):
                    return None
        except discord.HTTPException as error:
            log.info("could not look for %r in the thread of group %s: %s", heading, group.id, error.text)
        return None

    async def tell_round_cancelled(self, round_: Round, group: Group, *, fresh: bool) -> None:
        """A group that had already met keeps what it earned: its brief keeps **We met** (which offers the
        feedback forms) and the rubric; every other group's brief closes."""
        heading = round_cancelled_heading(round_)
        met = group.outcome == "met"
        after = MET_BEFORE_CANCEL if met else NOT_MET_BEFORE_CANCEL
        if fresh or await self.find_in_thread(group, heading) is None:
            await self.once_to_group(group, f"{heading} {after}", heading, fresh)
        await self.edit_brief(group, round_cancelled_plan(round_, met), view=met_brief_view(group.id) if met else None,
                              closed=not met)

    async def tell_departure(self, round_: Round, group: Group, gone: Sequence[GroupMember],
                             called_off: bool, times_open: int | None = None) -> int | None:
        heading = departure_heading(round_, called_off)
        message = await self._to_group(group, departure_text(round_, group, gone, called_off, times_open),
                                       lambda sent: sent.startswith(heading))
        return message.id if message else None

    async def find_departure(self, round_: Round, group: Group, called_off: bool) -> int | None:
        return await self.find_in_thread(group, departure_heading(round_, called_off))

    async def refresh_brief(self, round_: Round, group: Group, gone: Sequence[GroupMember], plan: TimePlan) -> None:
        content, when = brief_after_departure(round_, group, gone, plan)
        await self.edit_brief(group, when, content, closed=plan.status == "off")  # off: nothing left to press

    async def edit_brief(self, group: Group, when: discord.Embed, content: str | None = None, *,
                         closed: bool = False, view: discord.ui.View | None = None) -> None:
        """Replace the brief's "When to meet" embed (its last; the prompt stays) and, given, its text; with
        ``closed``, remove its buttons, or with ``view`` show those instead. In the thread, or in each member's
        DMs for a group told by DM. Nothing where the brief was deleted: the messages that follow it say what
        changed."""
        fields: dict[str, Any] = {"view": None} if closed else {"view": view} if view is not None else {}
        if content is not None:
            fields["content"] = content
        for brief in await self._briefs(group):
            try:
                await self.pace()
                await brief.edit(embeds=[*brief.embeds[:-1], when], allowed_mentions=_members_only(group),
                                 **fields)
            except discord.HTTPException as error:
                log.info("could not edit the brief of group %s: %s", group.id, error.text)

    async def _briefs(self, group: Group) -> list[discord.Message]:
        if group.thread_id is None:  # told by DM: each member has a copy
            rubric = RUBRIC(group.id)  # only a brief has the group's rubric button (a closed one has none)
            found = [await self.dms.copy(member.user_id, member.dm_message_id,
                                         lambda message: _has_button(message, rubric)) for member in group.members]
            return [brief for brief in found if brief is not None]
        thread = await self._group_thread(group)
        if thread is None or locked_to_me(thread):  # closed to the bot: the messages that follow say what changed
            return []
        brief = await self._brief(thread)
        return [brief] if brief is not None else []

    async def post_feedback(self, group: Group, from_id: int, to_id: int, scores: tuple[int, int, int],
                            note: str | None, *, replacing: tuple[int, int] | None = None) -> tuple[int, int] | None:
        """Post the feedback in the group's thread (or DM it), or edit the earlier version it replaces;
        returns where, so it can be removed later."""
        text = feedback_text(from_id, to_id, scores, note)
        if replacing is not None and await self._edit(replacing, text):
            return replacing
        thread = await self._group_thread(group)
        if thread is not None and (not may_send_in(thread) or locked_to_me(thread)):
            log.info("may not post in thread %s any more; sending the feedback by DM", thread.id)
            thread = None  # a moderator took the right away since the round began: the partner still hears it
        if thread is not None:
            try:
                await self.pace()
                sent = await thread.send(text, allowed_mentions=no_pings())
                return sent.channel.id, sent.id
            except discord.HTTPException as error:
                if not thread_refused(error):
                    raise ShareFailed(f"Discord refused the feedback message ({error.status})",
                                      transient=passing_failure(error)) from error
                # gone or closed to the bot: the DM still works
                log.info("thread %s refused the feedback (%s); sending it by DM", thread.id, error.text)
            except TimeoutError as error:
                raise ShareFailed("Discord did not answer in time", transient=True) from error
        try:
            sent_dm = await self.dms.send(to_id, text, passing_raises=True)
        except (discord.HTTPException, TimeoutError) as error:  # failing for a moment: tried again, as in the thread
            raise ShareFailed("Discord could not take the feedback DM for now", transient=True) from error
        return (sent_dm.channel.id, sent_dm.id) if sent_dm is not None else None

    async def find_feedback(self, group: Group, from_id: int, to_id: int, scores: tuple[int, int, int],
                            note: str | None) -> tuple[int, int] | None:
        """This very feedback, posted before a crash: the latest messages of the thread (or the DM) are read once."""
        text = feedback_text(from_id, to_id, scores, note)
        me = self.client.user
        if me is None:
            return None
        try:
            channel: discord.abc.Messageable | None = await self._group_thread(group) or await self.dms.channel(to_id)
            if channel is None:
                return None
            await self.pace()
            async for message in channel.history(limit=50):
                if message.author.id == me.id and message.content == text:
                    return message.channel.id, message.id
        except discord.HTTPException as error:
            log.info("could not look for feedback of group %s: %s", group.id, error.text)
        return None

    async def _edit(self, where: tuple[int, int], text: str) -> bool:
        """Edit the bot's own message in place; False when it is gone or can no longer be edited."""
        channel_id, message_id = where
        try:
            await self.pace()
            await self.client.get_partial_messageable(channel_id).get_partial_message(message_id).edit(
                content=text, allowed_mentions=no_pings())
        except discord.HTTPException as error:
            log.info("could not edit feedback message %s: %s; posting it again", message_id, error.text)
            return False
        return True


def _may_read(channel: discord.TextChannel) -> bool:
    """Whether the bot may read the channel's history (to find an announcement an interrupted attempt
    posted), by its own permissions: a refusal would count against Discord's invalid-request limit."""
    me = channel.guild.me
    return me is None or channel.permissions_for(me).read_message_history


def _has_button(message: discord.Message, custom_id: str) -> bool:
    return any(getattr(item, "custom_id", None) == custom_id
               for row in message.components for item in getattr(row, "children", ()))
