"""The message confirming an interview's time, sent once for each agreed version, even across a crash.

A confirmation (or a move) is stored with a new version before anything is sent; the group then hears
"Interview confirmed for …" (or "moved to …") and the version is recorded told. A crash between the two
used to leave the group without the message while its event and reminders went ahead. Now every agreed
meeting whose latest version is untold is finished when the bot connects again: it looks first for the
message an interrupted attempt may have sent, and sends it only when it is not there.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Protocol

from bot.mock.meeting_repository import Meeting, MeetingRepository
from bot.mock.models import Group, Round, staying_in
from bot.mock.repository import PairingRepository
from bot.posting import crash_point, publish_once

log = logging.getLogger(__name__)


class ConfirmationPublisher(Protocol):
    async def post_confirmed(self, round_: Round, group: Group, meeting: Meeting) -> int | None:
        """Tell the group its agreed time ("moved to" from the second version on); the message's id in the group's thread, None when told by DM (a
        member whose DMs already hold it is not sent it again)."""
    async def find_confirmed(self, round_: Round, group: Group, meeting: Meeting) -> int | None:
        """That message, if an interrupted attempt already posted it in the group's thread and no later
        confirmation followed it."""


class Confirmations:
    def __init__(self, repo: MeetingRepository, pairing: PairingRepository, publisher: ConfirmationPublisher,
                 locks: defaultdict[int, asyncio.Lock]) -> None:
        self.repo, self.pairing, self.publisher = repo, pairing, publisher
        self._locks = locks  # the meeting service's: a member's click and the catch-up never tell at once

    async def tell(self, round_: Round, group: Group, meeting: Meeting, *, fresh: bool) -> None:
        """Tell ``group`` of ``meeting``'s agreed time once (``fresh``: stored just now, so nothing was sent
        before), then record that version told. Call with the group's lock held."""
        publisher = self.publisher

        async def post() -> int | None:
            message_id = await publisher.post_confirmed(round_, group, meeting)
            crash_point("meeting.confirmation-told")
            return message_id

        await publish_once(fresh=fresh, find_earlier=lambda: publisher.find_confirmed(round_, group, meeting),
                           publish=post)
        await self.repo.mark_told(group.id, meeting.version)

    async def catch_up(self, owns: Callable[[int], bool]) -> None:
        """After connecting: tell each group of this process whose confirmation a crash interrupted."""
        for untold in await self.repo.untold_confirmations():
            if not owns(untold.guild_id):
                continue
            try:
                async with self._locks[untold.group_id]:
                    meeting = await self.repo.meeting(untold.group_id)  # as it is now, under the group's lock
                    group = await self.pairing.group(untold.group_id)
                    round_ = await self.pairing.round(group.round_id) if group is not None else None
                    if meeting is None or meeting.status != "agreed" or meeting.told_version >= meeting.version \
                            or group is None or round_ is None:
                        continue
                    staying = staying_in(group, await self.pairing.departed_from(group.id))
                    await self.tell(round_, staying, meeting, fresh=False)
            except Exception:
                log.exception("could not tell group %s of its agreed time; it is tried again at the next start",
                              untold.group_id)
