"""Which prompts a mock interview may use: the same pool as the server's daily rotation.

That is the shipped packs the server has on plus its own prompts (written, suggested or
imported), of every kind. A deck switched off in ``/content decks`` leaves mock interviews
as it leaves study, the quiz and the daily post. With every deck off, the shipped prompts are
used anyway: a round of interviews that already has its pairs should not fail for want of a
prompt. A group keeps the prompt it was given even if its deck is switched off later.
"""

from __future__ import annotations

import aiosqlite

from bot.community import ServerContent
from bot.content import ContentStore
from bot.content.models import Prompt
from bot.daily import ALL_KINDS, DailyRepository, eligible_prompts
from bot.storage import Database


class MockPrompts:
    def __init__(self, db: Database, content: ContentStore) -> None:
        self._content = content
        self._daily = DailyRepository(db)
        self._server = ServerContent(db, content)

    async def pool(self, guild_id: int) -> tuple[Prompt, ...]:
        custom, decks_off = await self._daily.pool_sources(guild_id)
        pool = eligible_prompts(frozenset(ALL_KINDS), self._content.library, custom, decks_off)
        return tuple(pool.values()) or self._content.library.prompts

    async def posted_daily(self, guild_id: int, conn: aiosqlite.Connection | None = None) -> set[str]:
        """The prompts the server's daily posts used: a mock interview prefers one members have not discussed."""
        return await self._daily.posted_prompts(guild_id, conn)

    async def prompt(self, guild_id: int, prompt_id: str) -> Prompt | None:
        """A group's prompt by id: shipped, or the server's own (whether or not its deck is on now)."""
        shipped = self._content.library.prompt(prompt_id)
        if shipped is not None:
            return shipped
        entry = await self._server.item(guild_id, prompt_id)
        return entry.item if entry is not None and isinstance(entry.item, Prompt) else None
