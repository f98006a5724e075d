""""Never pair me with": a member privately excludes a few others from their future pairings.

Only the member who set an exclusion can read it; the excluded member is never told or
shown anything, and moderators see counts only. The matcher treats every exclusion as a
hard constraint (see :mod:`bot.mock.matching`), whichever of the two set it.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.errors import Conflict, InvalidInput, NotFound
from bot.mock.meeting_repository import MeetingRepository
from bot.storage import Database

MAX_EXCLUSIONS = 3


class Exclusions:
    def __init__(self, db: Database, clock: Clock, repo: MeetingRepository) -> None:
        self._db, self._clock, self._repo = db, clock, repo

    async def add(self, guild_id: int, user_id: int, excluded_id: int, *, excluded_is_bot: bool = False) -> list[int]:
        if excluded_id == user_id:
            raise InvalidInput("You cannot exclude yourself.", hint="Pick another member of this server.")
        if excluded_is_bot:
            raise InvalidInput("Bots never take part in mock interviews.", hint="Pick a member.")
        async with self._db.transaction() as conn:
            if await self._repo.count_exclusions(conn, guild_id, user_id) >= MAX_EXCLUSIONS:
                raise Conflict(f"You already exclude {MAX_EXCLUSIONS} members, the limit.",
                               hint="Remove one with `/mock unexclude` first.")
            if not await self._repo.add_exclusion(conn, guild_id, user_id, excluded_id, self._clock.now()):
                raise Conflict("You already exclude that member.")
        return await self._repo.exclusions_of(guild_id, user_id)

    async def remove(self, guild_id: int, user_id: int, excluded_id: int) -> list[int]:
        if not await self._repo.remove_exclusion(guild_id, user_id, excluded_id):
            raise NotFound("You do not exclude that member.", hint="`/mock status` lists the members you exclude.")
        return await self._repo.exclusions_of(guild_id, user_id)

    async def of(self, guild_id: int, user_id: int) -> list[int]:
        return await self._repo.exclusions_of(guild_id, user_id)
