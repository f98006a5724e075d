"""A meeting's Discord event and voice room: placed or moved when a time is agreed, removed when the interview is
cancelled or over.

Part of :class:`bot.mock.meetings.MeetingService`. Only the process serving a server sees its channels and
events: what another process decided (shard 0's, taking a member's click in a DM) is left owed in the database
and placed by the serving process's quarter-hourly pass.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Protocol

from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock
from bot.mock.jobs import room_job
from bot.mock.meeting_repository import Meeting, MeetingRepository
from bot.mock.models import Group, Round, staying_in
from bot.mock.repository import PairingRepository
from bot.scheduler import JobScheduler

log = logging.getLogger(__name__)

ROOM_KEPT_AFTER = timedelta(minutes=30)  # a temporary room stays this long after the interview's planned end


class EventPublisher(Protocol):
    async def place_event(self, round_: Round, group: Group, meeting: Meeting,
                          voice_channel_id: int | None) -> tuple[int | None, int | None]: ...
    async def remove_event(self, guild_id: int, event_id: int) -> None: ...
    async def remove_room(self, guild_id: int, channel_id: int) -> None: ...


class MeetingEvents:
    repo: MeetingRepository
    pairing: PairingRepository
    publisher: EventPublisher
    _clock: Clock
    _scheduler: JobScheduler

    async def sync_owed_events(self) -> None:
        """Place, move or remove the events and rooms owed in this process's servers: at start, and every quarter
        of an hour for what another process decided (a member's answer in a DM reaches the process of shard
        0) and for what Discord failed to take for a moment (the publisher raises: nothing is recorded)."""
        for meeting in await self.repo.needing_event_sync():
            if not self._scheduler.owns(meeting.guild_id):
                continue
            try:
                await self.sync_event(meeting.group_id)
            except Exception:
                log.exception("could not bring the event of group %s up to date", meeting.group_id)

    async def sync_event(self, group_id: int) -> None:
        """Make the event and room match the meeting: placed or moved when agreed, gone when cancelled.

        Only the process serving the server sees its channels and events; another one (shard 0's, taking a
        member's click in a DM) leaves them owed, for :meth:`sync_owed_events` of the process serving it."""
        meeting = await self.repo.meeting(group_id)
        group = await self.pairing.group(group_id)
        if meeting is None or group is None or not self._scheduler.owns(meeting.guild_id):
            return
        group = staying_in(group, await self.pairing.departed_from(group_id))  # a room is not opened to who left
        round_ = await self.pairing.round(group.round_id)
        assert round_ is not None
        if meeting.status == "agreed" and meeting.event_version < meeting.version:
            schedule = await self.pairing.schedule(group.guild_id)
            event_id, room_id = await self.publisher.place_event(
                round_, group, meeting, schedule.voice_channel_id if schedule else None)
            if room_id != meeting.voice_channel_id:
                await self.repo.set_voice(group_id, room_id)
            await self.repo.set_event(group_id, event_id, meeting.version)
            self._schedule_cleanup(meeting)  # here, where the room is known (the confirming process may not serve it)
        elif meeting.status == "cancelled":
            await self._remove(meeting)

    async def _remove(self, meeting: Meeting) -> None:
        if meeting.event_id is not None:
            await self.publisher.remove_event(meeting.guild_id, meeting.event_id)
            await self.repo.set_event(meeting.group_id, None, meeting.event_version)
        if meeting.voice_channel_id is not None:
            await self.publisher.remove_room(meeting.guild_id, meeting.voice_channel_id)
            await self.repo.set_voice(meeting.group_id, None)

    def _schedule_cleanup(self, meeting: Meeting) -> None:
        if meeting.starts_at is None:
            return
        after = meeting.starts_at + timedelta(minutes=meeting.minutes) + ROOM_KEPT_AFTER
        self._scheduler.add(room_job(meeting.guild_id, meeting.group_id),
                            DateTrigger(run_date=max(after, self._clock.now())), self.cleanup,
                            meeting.group_id, meeting.version)

    async def cleanup(self, group_id: int, version: int) -> None:
        """After the interview: a temporary room (and the event placed in it) is removed."""
        meeting = await self.repo.meeting(group_id)
        if (meeting is None or meeting.version != version or meeting.voice_channel_id is None
                or not self._scheduler.owns(meeting.guild_id)):
            return
        await self._remove(meeting)
