"""A member's data: export everything stored about them, or remove it all and leave no trace.

What each column means is classified in :mod:`bot.admin.personal_data` (a test keeps that
classification complete against the live schema). Deletion then, in one transaction:
deletes the member's own rows, sets their id to 0 where they only acted on something shared,
replaces mentions of them in free text, and queues the messages the bot posted on their behalf
for deletion on Discord. Afterwards the WAL is checkpointed and truncated; with
``secure_delete`` on, the freed pages hold zeros, so neither the database file nor its WAL
keeps the member's id or words. Backups made before the deletion expire on their own schedule
(see :mod:`bot.admin.backups`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.admin.models import Deletion, OwedDeletion, TablePlan
from bot.admin.personal_data import needs_classification, rule_for
from bot.admin.repository import PrivacyRepository
from bot.clock import Clock, SystemClock
from bot.errors import Conflict
from bot.rewards import RolePublisher, RolesTakenBack, still_taken_back, take_back_rewards
from bot.storage import Database

log = logging.getLogger(__name__)

ANONYMOUS = 0
FORMER_MEMBER = "@former member"
# How long a process holds the queued messages it is deleting (each batch claims anew): far longer than a batch
# of 100 usually takes at Discord's pace, and short enough that another process's quarter-hourly pass soon takes
# over what a stopped one held. A batch still going once half of it is spent holds the rest for a new lease.
CLAIM_LEASE = timedelta(minutes=10)
# How long Discord may go on refusing to delete a message (with a code that says neither "gone" nor "no access")
# before the server's moderators are asked to delete it by hand: a day of passes every quarter of an hour.
REFUSALS_FOR = timedelta(days=1)


class Unclassified(RuntimeError):
    """A column that can hold a member's id or words has no privacy classification."""


async def plans(conn: aiosqlite.Connection) -> list[TablePlan]:
    """The plan for every table, from the live schema; refuses to run with unclassified columns."""
    found: list[TablePlan] = []
    missing: list[str] = []
    for name, columns in (await PrivacyRepository.columns(conn)).items():
        if name == "sqlite_sequence":
            continue
        plan = TablePlan(name)
        for column, declared in columns.items():
            if not needs_classification(column, declared):
                continue
            rule = rule_for(name, column)
            if rule is None:
                missing.append(f"{name}.{column}")
                continue
            if rule.role == "said" and rule.by is not None:  # the writer's words go; mentions as in text
                plan.said.append((column, rule.by))
            {"subject": plan.subjects, "actor": plan.actors, "text": plan.texts,
             "said": plan.texts}.get(rule.role, []).append(column)
        found.append(plan)
    if missing:
        raise Unclassified(f"no privacy classification for {', '.join(missing)}")
    return found


def mention_patterns(user_id: int) -> list[str]:
    return [f"<@!{user_id}>", f"<@{user_id}>", str(user_id)]


class PrivacyService:
    def __init__(self, db: Database, clock: Clock | None = None, roles: RolePublisher | None = None) -> None:
        """``roles``: how reward roles are taken back on Discord (without it, none are)."""
        self._db = db
        self._clock = clock
        self._roles = roles
        self.repo = PrivacyRepository(db)

    async def export(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row of every classified table that names the member, acts on them or mentions them."""
        data: dict[str, list[dict[str, Any]]] = {}
        for plan in await plans(self._db.conn):
            rows = await self.repo.rows_naming(plan, user_id)
            if rows:
                data[plan.name] = rows
        return data

    async def delete(self, user_id: int) -> Deletion:
        """Take back the member's reward roles on Discord (nothing would once their grants are gone), remove the
        member everywhere in one transaction, then checkpoint the WAL."""
        roles = RolesTakenBack()
        if self._roles is not None:
            roles = await take_back_rewards(self._db, self._roles, user_id)
        changed: dict[str, int] = {}
        now = int(self.now().timestamp())
        async with self._db.transaction() as conn:
            if self._roles is not None and not await still_taken_back(self._db, conn, user_id, roles):
                raise Conflict("A reward role was given to you again while I was taking your roles back, so nothing "
                               "was deleted.", hint="Run `/privacy delete` again.")
            queued = await self.repo.queue_posted_messages(conn, user_id, now)
            for plan in await plans(conn):
                count = 0
                if plan.subjects:
                    count += await self.repo.delete_rows_of(conn, plan, user_id)
                for column, by in plan.said:  # before the writer's id becomes 0, which hides whose they were
                    count += await self.repo.blank_said(conn, plan.name, column, by, user_id)
                for column in plan.actors:
                    count += await self.repo.replace_id(conn, plan.name, column, user_id, ANONYMOUS)
                for column in plan.texts:
                    count += await self.repo.replace_text(conn, plan.name, column, mention_patterns(user_id),
                                                          FORMER_MEMBER, str(ANONYMOUS))
                if count:
                    changed[plan.name] = count
        if not await self.repo.checkpoint():
            log.warning("the WAL could not be truncated after removing member data (another connection was "
                        "reading): its old pages stay in the WAL file until later writes overwrite them")
        log.info("removed member data: %s; %d messages to delete on Discord", changed, queued)
        return Deletion(changed, queued, roles)

    async def claim_messages(self, claimant: str, limit: int = 100,
                             owns: Callable[[int], bool] | None = None) -> list[OwedDeletion]:
        """The messages still to delete on Discord (all, or only those of the servers ``owns``) that no other
        process is deleting, now held by ``claimant`` for :data:`CLAIM_LEASE`: long enough for a batch, short
        enough that another process finishes what a stopped one left. ``claimant`` names the process by its
        shards, so the same process restarted takes back its own at once."""
        now = self.now()
        return await self.repo.claim_messages(claimant, int(now.timestamp()), int((now + CLAIM_LEASE).timestamp()),
                                              limit, owns)

    def now(self) -> datetime:
        return (self._clock or SystemClock()).now()

    def renewal_due(self, claimed_at: datetime) -> bool:
        """Whether a batch claimed at ``claimed_at`` has spent half its lease: Discord's pace for deleting
        old messages (and reopening archived threads first) can stretch a batch, and a claim that ran out
        midway would let another process take the same messages."""
        return self.now() >= claimed_at + CLAIM_LEASE / 2

    async def renew_claim(self, claimant: str, left: Sequence[OwedDeletion]) -> set[int]:
        """Hold the messages of a batch not yet done for another :data:`CLAIM_LEASE`; the ids still
        ``claimant``'s (one another process took after the claim ran out is left to it)."""
        if not left:
            return set()
        until = int((self.now() + CLAIM_LEASE).timestamp())
        return await self.repo.renew_claim(claimant, until, [owed.message_id for owed in left])

    async def message_gone(self, message_id: int) -> None:
        await self.repo.message_gone(message_id)

    async def refused(self, owed: OwedDeletion) -> bool:
        """Note that Discord refused to delete the message; whether it has refused for :data:`REFUSALS_FOR`
        since its first refusal, and so should be left to the moderators. Only the first refusal is written:
        a later pass reads its time with the claim and decides without a write."""
        now = int(self.now().timestamp())
        since = owed.refused_since
        if since is None:
            since = await self.repo.refused(owed.message_id, now)
        return since is not None and now - since >= REFUSALS_FOR.total_seconds()

    async def tables_holding(self, user_id: int) -> list[str]:
        """Tables where any column equals the member's id or any text contains it (nothing missed)."""
        return [name for name, columns in (await PrivacyRepository.columns(self._db.conn)).items()
                if await self.repo.holds(name, list(columns), user_id)]
