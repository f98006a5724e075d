"""The mid-round nudge: a group still without an agreed time is told once that the round is nearly over.

Claimed, sent, then recorded sent. An attempt that died between the claim and the record is
finished by the next one (the round's nudge timer is rebuilt at start), which first looks for the
message the interrupted attempt may already have sent, so a group is nudged neither twice nor never.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.clock import Clock
from bot.mock.agreement import minutes_for
from bot.mock.meeting_repository import MeetingRepository
from bot.mock.models import Group, Round
from bot.posting import crash_point, publish_once
from bot.storage import Database

log = logging.getLogger(__name__)


class NudgePublisher(Protocol):
    async def nudge(self, round_: Round, group: Group) -> int | None:
        """Tell the group; the id of the message in its thread (None when told by DM)."""

    async def find_nudge(self, round_: Round, group: Group) -> int | None:
        """The nudge an interrupted attempt already posted in the group's thread (in DMs :meth:`nudge` looks)."""


async def nudge_groups(db: Database, clock: Clock, repo: MeetingRepository, publisher: NudgePublisher,
                       round_: Round, groups: list[Group]) -> tuple[int, int]:
    """Nudge every told group of ``round_`` without an outcome that has not been nudged: (how many were, how
    many Discord failed to take for now). A failed group does not keep the others waiting; its claim stays, so
    the next attempt looks for its nudge before sending it."""
    nudged = failed = 0
    for group in groups:
        if group.delivery == "pending" or group.outcome is not None:
            continue
        async with db.transaction() as conn:
            await repo.ensure(conn, group.id, group.guild_id, minutes_for(len(group.members)), clock.now())
        try:
            if await _nudge_once(clock, repo, publisher, round_, group):
                nudged += 1
        except Exception:
            log.exception("could not nudge group %s of round %s", group.id, round_.id)
            failed += 1
    return nudged, failed


async def _nudge_once(clock: Clock, repo: MeetingRepository, publisher: NudgePublisher, round_: Round,
                      group: Group) -> bool:
    claimed_now = await repo.claim_nudge(group.id, clock.now())
    if claimed_now:
        crash_point("nudge.claimed")
    elif not await repo.nudge_interrupted(group.id):
        return False  # nudged before, or no longer open

    async def post() -> int | None:
        message_id = await publisher.nudge(round_, group)
        crash_point("nudge.sent")
        return message_id

    await publish_once(fresh=claimed_now, find_earlier=lambda: publisher.find_nudge(round_, group), publish=post)
    await repo.mark_nudge_sent(group.id, clock.now())
    return True
