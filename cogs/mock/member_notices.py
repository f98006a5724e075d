"""What a mock-interview member is told alone, by DM: a pause and its lifting, being left out of a round or the
only one taking part, and a partner disputing their no-show report.

Each is sent once: a retry (or a start after a crash) reads the member's latest DMs first. Discord failing for a
moment raises a transient :class:`ShareFailed`, so the service tries again after a pause instead of counting the
DM as sent; a refusal (closed DMs) is logged and skipped.
"""

from __future__ import annotations

from datetime import date

import discord

from bot.mock import Group, Round, ShareFailed, thread_url
from cogs.mock.member_dms import MemberDMs
from cogs.mock.texts import (
    PAUSED_FOR_NOSHOWS,
    PAUSED_FOR_SILENCE,
    RESUMED_AFTER_WITHDRAWAL,
    alone_text,
    left_out_text,
)


class MemberNotices:
    """Part of the mock publisher: the DMs to one member."""

    dms: MemberDMs

    async def dm(self, user_id: int, text: str) -> bool:
        return await self.dms.send(user_id, text) is not None

    async def tell_paused(self, user_id: int, *, fresh: bool, reason: str = "no-show") -> None:
        await self._dm_once(user_id, PAUSED_FOR_SILENCE if reason == "silent" else PAUSED_FOR_NOSHOWS, fresh)

    async def tell_resumed(self, user_id: int, *, fresh: bool) -> None:
        await self._dm_once(user_id, RESUMED_AFTER_WITHDRAWAL, fresh)

    async def _dm_once(self, user_id: int, text: str, fresh: bool) -> None:
        """``text`` to the member; unless ``fresh``, only if their DMs do not hold it from an interrupted attempt.
        Discord failing for a moment raises a transient :class:`ShareFailed`: the caller tries again."""
        try:
            if fresh:
                await self.dms.send(user_id, text, passing_raises=True)
            else:
                await self.dms.send_once(user_id, text, lambda sent: sent == text, passing_raises=True)
        except (discord.HTTPException, TimeoutError) as error:
            raise ShareFailed("Discord could not take the DM for now", transient=True) from error

    async def ask_to_withdraw(self, round_: Round, group: Group, reporter_id: int, absent_id: int) -> None:
        text = (f"<@{absent_id}> says the two of you did meet for mock interview round {round_.number}, which you "
                "reported they missed. If they are right, press **We met** on the check-in "
                + (f"in your thread ({thread_url(group.guild_id, group.thread_id)})" if group.thread_id
                   else "I sent you") +
                " to withdraw that report; it then counts for both your streaks. If not, nothing needs doing.")
        await self._dm_once(reporter_id, text, fresh=False)

    async def tell_left_out(self, round_: Round, user_id: int) -> None:
        await self._dm_once(user_id, left_out_text(round_), fresh=False)

    async def tell_alone(self, user_id: int, day: date) -> None:
        await self._dm_once(user_id, alone_text(day), fresh=False)
