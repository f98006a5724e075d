"""Past prompts and private practice: the server's archive, and a prompt a member has not answered yet.

The archive lists the days the server actually posted, newest first, with their threads.
Practice draws from the same pool the daily rotation uses (the prompts of the kinds the server
wants from the shipped packs it has on, plus its own), minus every prompt the member has
answered here, whether on its day or in practice. An answer counts as an ``answer`` activity,
so it counts for the streak once per day like any other.
"""

from __future__ import annotations

import random

from bot.activity import ActivityKind, ActivityService
from bot.clock import Clock
from bot.community import ServerContent
from bot.content import ContentStore
from bot.content.models import Prompt
from bot.daily import ALL_KINDS, ANSWER_LIMIT, DailyRepository, PostStatus, eligible_prompts
from bot.errors import InvalidInput, NotFound, bounded_text
from bot.posting import crash_point
from bot.practice.models import ArchiveEntry, ArchivePage, PracticeOffer, PracticeResult
from bot.practice.repository import PracticeRepository
from bot.seeds import stable_seed
from bot.storage import Database

ARCHIVE_PAGE = 10


class PracticeService:
    def __init__(self, db: Database, clock: Clock, content: ContentStore, activity: ActivityService, *,
                 server: ServerContent | None = None) -> None:
        self.db = db
        self.clock = clock
        self.content = content
        self.activity = activity
        self.server = server or ServerContent(db, content)  # every deck, on or off: what the archive names
        self.repo = PracticeRepository(db)
        self.daily = DailyRepository(db)  # the rotation's pool and the posted days, read through daily's interface

    async def _pool(self, guild_id: int) -> dict[str, Prompt]:
        """The server's prompt pool: the kinds its daily schedule wants (all, before setup) from the shipped
        packs it has on, plus its own."""
        schedule = await self.daily.schedule(guild_id)
        kinds = schedule.kinds if schedule else frozenset(ALL_KINDS)
        return eligible_prompts(kinds, self.content.library, *await self.daily.pool_sources(guild_id))

    async def _prompt(self, guild_id: int, prompt_id: str) -> Prompt | None:
        """A prompt of the packs or of the server, in a deck switched on or off (as a shipped one is found): an
        answer typed while a moderator switched its deck off is still taken, not lost with the form."""
        return self.content.library.prompt(prompt_id) or next(
            (p for p in await self.daily.custom_prompts(guild_id, decks_off_too=True) if p.id == prompt_id), None)

    # -- archive ---------------------------------------------------------------------------
    async def archive(self, guild_id: int, *, kind: str | None = None, page: int = 1,
                      user_id: int | None = None) -> ArchivePage:
        """The posted days, newest first, each marked if ``user_id`` answered its prompt (there or in practice).

        A server's own prompt whose deck is switched off keeps its title and says which deck: it is switched off here, not gone from the packs. One a moderator removed
        (``/content remove``) is named by its title then, from the removal's audit entry: it too did not
        leave the packs, so the archive must not say it did."""
        posts = [p for p in await self.daily.posts(guild_id) if p.status is PostStatus.SENT]
        # The server's own prompts in every deck, on or off (one read of the decks, kept by content version).
        own = {prompt.id: (prompt, deck) for deck in await self.server.decks(guild_id) if deck.origin != "pack"
               for prompt in deck.prompts}
        library = self.content.library
        missing = {p.prompt_id for p in posts if p.prompt_id not in own and library.prompt(p.prompt_id) is None}
        removed = await self.server.removed(guild_id, missing)  # read only when a posted prompt is gone
        answered = await self.answered(guild_id, user_id) if user_id is not None else set()
        entries = []
        # Newest first by when each went out: after a move to another zone a newer day may be filed under an
        # earlier date (see bot.posting.occurrence.free_label).
        for record in sorted(posts, key=lambda p: (p.occurrence_at, p.day_number), reverse=True):
            prompt, deck = library.prompt(record.prompt_id), None
            if prompt is None and record.prompt_id in own:
                prompt, deck = own[record.prompt_id]
            posted_kind = prompt.kind.value if prompt is not None else record.prompt_kind  # gone: as posted
            if kind is not None and posted_kind != kind:
                continue
            entries.append(ArchiveEntry(record.day_number, record.local_date, prompt, record.prompt_id,
                                        record.channel_id, record.message_id, record.thread_id,
                                        deck.key if deck is not None and not deck.enabled else None,
                                        removed.get(record.prompt_id) if prompt is None else None, posted_kind,
                                        record.prompt_id in answered))
        pages = max(1, -(-len(entries) // ARCHIVE_PAGE))
        if not 1 <= page <= pages:
            raise InvalidInput(f"There is no page {page}; the archive has {pages} page{'s' * (pages > 1)}.",
                               hint=f"Pick a page from 1 to {pages}.")
        start = (page - 1) * ARCHIVE_PAGE
        return ArchivePage(entries[start:start + ARCHIVE_PAGE], page, pages, len(entries),
                           sum(entry.answered for entry in entries))

    # -- practice --------------------------------------------------------------------------
    async def answered(self, guild_id: int, user_id: int) -> set[str]:
        """Every prompt the member answered here, in practice or on its day."""
        return await self.repo.answered(guild_id, user_id) | await self.daily.answered_prompts(guild_id, user_id)

    async def offer(self, guild_id: int, user_id: int, *, kind: str | None = None, difficulty: str | None = None,
                    position: int = 0) -> PracticeOffer:
        """An unanswered prompt; the order is the member's own shuffle, so the same call offers the same one."""
        done = await self.answered(guild_id, user_id)
        pool = await self._pool(guild_id)
        matching = [p.id for p in pool.values() if (kind is None or p.kind.value == kind)
                    and (difficulty is None or p.difficulty.value == difficulty)]
        candidates = sorted(p for p in matching if p not in done)
        if not matching:  # nothing to offer at all: not a member who has answered everything
            wanted = " ".join(x for x in (difficulty, kind) if x)
            raise NotFound(f"This server has no {wanted + ' ' if wanted else ''}prompt to practise.",
                           hint="Try another kind or difficulty; moderators choose the decks and kinds in use "
                                "(`/content decks`, `/daily kinds`).")
        if not candidates:
            wanted = " ".join(x for x in (difficulty, kind) if x) or "matching"
            raise NotFound(f"You have answered every {wanted} prompt this server has. 🎉",
                           hint="Try another kind or difficulty, or wait for new prompts (members can "
                                "`/suggest prompt`).")
        random.Random(stable_seed("practice", guild_id, user_id)).shuffle(candidates)
        position %= len(candidates)
        return PracticeOffer(pool[candidates[position]], len(candidates), position)

    async def prompt(self, guild_id: int, prompt_id: str) -> Prompt:
        prompt = (await self._pool(guild_id)).get(prompt_id) or await self._prompt(guild_id, prompt_id)
        if prompt is None:
            raise NotFound("That prompt is no longer available here.", hint="Run `/practice` for another.")
        return prompt

    async def submit(self, guild_id: int, user_id: int, prompt_id: str, body: str) -> PracticeResult:
        text = bounded_text(body, what="Your answer", limit=ANSWER_LIMIT, required=True,
                            empty_hint="Write a few sentences, then submit again.")
        prompt = await self.prompt(guild_id, prompt_id)
        now = self.clock.now()
        async with self.db.transaction() as conn:
            earlier = await self.repo.save_answer(conn, guild_id, user_id, prompt_id, text, now)
            # The answer and its streak credit commit together; a replacement only adds a credit missing from the
            # day of the first answer (as a daily answer's edit does), never one for the day it is rewritten.
            credit = await self.activity.credit(conn, guild_id, user_id, ActivityKind.ANSWER, earlier or now,
                                                repair=earlier is not None)
        crash_point("practice.saved")
        await self.activity.announce(credit)
        return PracticeResult(prompt, earlier is not None)

    async def answer_of(self, guild_id: int, user_id: int, prompt_id: str) -> str | None:
        return await self.repo.answer_of(guild_id, user_id, prompt_id)

    async def rubric(self, guild_id: int, user_id: int, prompt_id: str) -> Prompt:
        prompt = await self.prompt(guild_id, prompt_id)
        if prompt_id not in await self.answered(guild_id, user_id):
            raise InvalidInput("The rubric opens once you have submitted your answer.",
                               hint="Press **Submit answer** first; then the rubric is yours.")
        return prompt
