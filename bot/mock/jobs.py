"""Every scheduler job id of mock interviews, built here and nowhere else.

The ids name what a job is for, so a restart (or another process) schedules the same job
under the same id instead of a second one, and unloading the feature removes them by prefix.
A job of one server's round or interview names that server first, so the bot leaving it
removes them all (``forget_guild_jobs``) without reading the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from bot.scheduler import JobScheduler

JOB_PREFIX = "mock:"
ROUND_PREFIX = f"{JOB_PREFIX}round:"
NUDGE_PREFIX = f"{JOB_PREFIX}remind:"
END_PREFIX = f"{JOB_PREFIX}end:"
ROOM_PREFIX = f"{JOB_PREFIX}room:"
REMINDER_PREFIX = f"{JOB_PREFIX}reminder:"
SHARE_PREFIX = f"{JOB_PREFIX}share:"
DELIVER_PREFIX = f"{JOB_PREFIX}deliver:"
PAUSE_PREFIX = f"{JOB_PREFIX}pause:"
ALONE_PREFIX = f"{JOB_PREFIX}alone:"
DISPUTE_PREFIX = f"{JOB_PREFIX}dispute:"
CANCEL_TELL_PREFIX = f"{JOB_PREFIX}cancel-tell:"
# The round service's and outcomes' jobs.
ROUND_PREFIXES = (ROUND_PREFIX, NUDGE_PREFIX, END_PREFIX, SHARE_PREFIX, DELIVER_PREFIX, PAUSE_PREFIX, ALONE_PREFIX,
                  DISPUTE_PREFIX, CANCEL_TELL_PREFIX)
TELL_PREFIX = f"{JOB_PREFIX}tell:"
# The quarter-hourly pass placing (or removing) the events and rooms owed in this process's servers.
EVENT_SYNC_JOB = f"{JOB_PREFIX}events"
MEETING_PREFIXES = (ROOM_PREFIX, REMINDER_PREFIX, TELL_PREFIX, EVENT_SYNC_JOB)  # the meeting service's jobs


def round_job(guild_id: int) -> str:
    """The server's recurring round start."""
    return f"{ROUND_PREFIX}{guild_id}"


def nudge_job(guild_id: int, round_id: int) -> str:
    """The mid-round nudge to groups that have not met yet."""
    return f"{NUDGE_PREFIX}{guild_id}:{round_id}"


def end_job(guild_id: int, round_id: int) -> str:
    return f"{END_PREFIX}{guild_id}:{round_id}"


def deliver_job(guild_id: int, round_id: int) -> str:
    """Another attempt at telling the groups of a round Discord failed to take a brief for."""
    return f"{DELIVER_PREFIX}{guild_id}:{round_id}"


def room_job(guild_id: int, group_id: int) -> str:
    """Removing a group's temporary voice room after its interview."""
    return f"{ROOM_PREFIX}{guild_id}:{group_id}"


def reminder_job(guild_id: int, group_id: int, user_id: int, kind: str, version: int) -> str:
    """One member's reminder before an agreed interview (a new version after a reschedule)."""
    return f"{REMINDER_PREFIX}{guild_id}:{group_id}:{user_id}:{kind}:{version}"


def tell_job(guild_id: int) -> str:
    """Another attempt at telling a server's groups the times proposed, agreed or cancelled that Discord failed
    to take for a moment."""
    return f"{TELL_PREFIX}{guild_id}"


def share_job(guild_id: int, group_id: int, from_id: int, to_id: int) -> str:
    """Another attempt at sharing one member's feedback after Discord failed for a moment."""
    return f"{SHARE_PREFIX}{guild_id}:{group_id}:{from_id}:{to_id}"


def pause_job(guild_id: int, user_id: int) -> str:
    """Another attempt at telling a member of their pause (or its lifting) after Discord failed for a moment."""
    return f"{PAUSE_PREFIX}{guild_id}:{user_id}"


def alone_job(guild_id: int) -> str:
    """Another attempt at telling the only member taking part that the scheduled round did not start."""
    return f"{ALONE_PREFIX}{guild_id}"


def cancel_tell_job(guild_id: int, round_id: int) -> str:
    """Another attempt at telling the groups of a cancelled round Discord failed to take the news for."""
    return f"{CANCEL_TELL_PREFIX}{guild_id}:{round_id}"


def dispute_job(guild_id: int, group_id: int, absent_id: int, reporter_id: int) -> str:
    """Another attempt at asking a reporter to withdraw a no-show report the absent member disputes."""
    return f"{DISPUTE_PREFIX}{guild_id}:{group_id}:{absent_id}:{reporter_id}"


def forget_guild_jobs(scheduler: JobScheduler, guild_id: int, prefixes: Iterable[str]) -> None:
    """Remove the jobs among ``prefixes`` that concern one server (each id names it after its prefix)."""
    for prefix in prefixes:
        scheduler.remove_prefix(f"{prefix}{guild_id}:")


class _OfAGuild(Protocol):
    @property
    def guild_id(self) -> int: ...


Stored = TypeVar("Stored", bound=_OfAGuild)


def rebuild(scheduler: JobScheduler, stored: Iterable[Stored], schedule: Callable[[Stored], None]) -> None:
    """At start-up: schedule the timer of each stored item whose server this process serves.

    Other processes (other shards) rebuild the timers of their own servers.
    """
    for item in stored:
        if scheduler.owns(item.guild_id):
            schedule(item)
