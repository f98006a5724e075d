"""Threads that archive after inactivity on the simulator's clock, and unarchive when written in.

topics/threads.mdx, "Active & Archived Threads": a thread archives after
``auto_archive_duration`` minutes without activity (a message, an unarchive, a change
of the duration); sending a message unarchives it unless it is locked. The bot learns
of an archive through THREAD_UPDATE with ``archived: true``, and discord.py then drops
the thread from its cache, so a bot that trusts its cache loses week-old threads here
exactly as it would on Discord.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.localdiscord.restkit import fail

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord
    from bot.localdiscord.state import SimChannel, SimMessage

NOTHING_DUE = timedelta(days=365)  # no active thread: nothing archives until one is created


def thread_update(sim: LocalDiscord, thread: SimChannel) -> None:
    """THREAD_UPDATE, sent only to a bot that can see the thread (topics/threads.mdx, "Gateway Events")."""
    if thread.guild is None or not thread.guild.bot_present:
        return
    if sim.bot_can(thread, "view_channel"):
        sim.dispatch_if_connected("THREAD_UPDATE", thread.to_json())


def archive_idle(sim: LocalDiscord) -> int:
    """Archive every thread whose inactivity has reached its ``auto_archive_duration``; answer how many.

    Runs before every request, so it only scans when the earliest possible archive is due:
    messages only postpone archives, and new or reopened threads lower the mark (:func:`watch`).
    """
    now = sim.clock.now()
    if sim.next_archive_due is not None and now < sim.next_archive_due:
        return 0
    archived = 0
    earliest: datetime | None = None
    for guild in sim.guilds.values():
        for thread in guild.threads:
            due = thread.archives_at()
            if due is None:
                continue
            if due <= now:
                thread.archived = True
                thread.archive_timestamp = due
                archived += 1
                thread_update(sim, thread)
            elif earliest is None or due < earliest:
                earliest = due
    sim.next_archive_due = earliest or now + NOTHING_DUE
    return archived


def watch(sim: LocalDiscord, thread: SimChannel) -> None:
    """A thread became active (created, reopened, given a shorter duration): it may archive sooner."""
    due = thread.archives_at()
    if due is not None and (sim.next_archive_due is None or due < sim.next_archive_due):
        sim.next_archive_due = due


def set_archived(sim: LocalDiscord, thread: SimChannel, archived: bool) -> None:
    if thread.archived == archived:
        return
    thread.archived = archived
    thread.archive_timestamp = sim.clock.now()
    if not archived:
        thread.last_activity = sim.clock.now()  # "Activity" includes unarchiving
        watch(sim, thread)
    thread_update(sim, thread)


def before_sending(sim: LocalDiscord, thread: SimChannel) -> None:
    """Sending in an archived thread unarchives it, unless a moderator locked it (topics/threads.mdx)."""
    moderator = sim.bot_can(thread, "manage_threads")
    if thread.locked and not moderator:
        if thread.archived:
            raise fail(400, 50083, "Thread is archived")
        raise fail(403, 160005, "Thread is locked")
    if thread.archived:
        set_archived(sim, thread, False)


def before_editing(sim: LocalDiscord, thread: SimChannel) -> None:
    """topics/threads.mdx, "Active & Archived Threads": messages in archived threads cannot be edited."""
    if thread.archived:
        raise fail(400, 50083, "Thread is archived")
    if thread.locked and not sim.bot_can(thread, "manage_threads"):
        raise fail(403, 160005, "Thread is locked")


def before_responding(sim: LocalDiscord, channel: SimChannel, *, ephemeral: bool) -> None:
    """An interaction's message in a thread is a message in it (topics/threads.mdx, "Locked Threads"): it
    reopens an archived thread and is refused in a locked one; one only its member sees is not in the thread."""
    if channel.is_thread and not ephemeral:
        before_sending(sim, channel)


def before_editing_message(sim: LocalDiscord, message: SimMessage) -> None:
    """:func:`before_editing` for a message edited through an interaction (an update or its webhook)."""
    channel = sim.channels.get(message.channel_id)
    if channel is not None and channel.is_thread and not message.ephemeral:
        before_editing(sim, channel)
