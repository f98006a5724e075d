"""The quarter-hour rewards pass while its request for a role is still on its way to Discord: a moderator moves
the reward, or the member deletes their data, in between."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.activity import ActivityKind, ActivityService
from bot.admin import PrivacyService
from bot.audit import AuditLog
from bot.clock import ManualClock
from bot.rewards import RewardService, RoleFacts
from bot.scheduler import JobScheduler
from bot.storage import Database
from bot.timezones import TimezoneResolver

GUILD = 1001
MOD = 7
ALICE = 42
OLD_ROLE = 501
NEW_ROLE = 502
FACTS = RoleFacts(bot_can_manage_roles=True, role_position=3, bot_top_position=10, role_is_managed=False,
                  role_is_everyone=False, role_name="Member of the month", bot_top_name="studybot")


@dataclass
class HeldRoles:
    """The server's roles as Discord keeps them. Giving the old role waits for ``let_give`` (the pass's request
    still on its way); taking it back while that request waits stops after Discord acted, until ``let_forget``."""

    held: dict[int, set[int]] = field(default_factory=dict)
    giving: asyncio.Event = field(default_factory=asyncio.Event)
    let_give: asyncio.Event = field(default_factory=asyncio.Event)
    taken: asyncio.Event = field(default_factory=asyncio.Event)
    let_forget: asyncio.Event = field(default_factory=asyncio.Event)

    def present_in(self, guild_id: int) -> bool:
        return True

    def role_exists(self, guild_id: int, role_id: int) -> bool:
        return True

    async def add_role(self, guild_id: int, user_id: int, role_id: int, reason: str) -> None:
        if role_id == OLD_ROLE and not self.let_give.is_set():
            self.giving.set()
            await self.let_give.wait()
        self.held.setdefault(user_id, set()).add(role_id)

    async def remove_role(self, guild_id: int, user_id: int, role_id: int, reason: str) -> None:
        self.held.setdefault(user_id, set()).discard(role_id)
        if role_id == OLD_ROLE and not self.let_give.is_set():
            self.taken.set()
            await self.let_forget.wait()

    async def roles_held(self, guild_id: int, user_ids: Sequence[int]) -> dict[int, set[int]]:
        return {user_id: set(self.held.get(user_id, set())) for user_id in user_ids}


async def _giving_february_title(db: Database) -> tuple[ManualClock, HeldRoles, RewardService, asyncio.Task[int]]:
    """Alice led February; the title is mapped to the old role and a pass is asking Discord for it."""
    clock = ManualClock(datetime(2026, 3, 2, 12, tzinfo=UTC))
    timezones = TimezoneResolver(db)
    await ActivityService(db, clock, timezones).record(GUILD, ALICE, ActivityKind.REVIEW,
                                                       datetime(2026, 2, 20, 12, tzinfo=UTC))
    roles = HeldRoles()
    service = RewardService(db, clock, timezones, JobScheduler(clock, manual=True), AuditLog(db, clock), roles)
    await service.set_reward(GUILD, MOD, "leader-streak", OLD_ROLE, FACTS)
    quarter_hour = asyncio.create_task(service.reconcile(GUILD))
    await roles.giving.wait()  # the old role is asked for
    return clock, roles, service, quarter_hour


async def test_a_role_moved_while_the_pass_gives_the_old_one_leaves_no_unrecorded_role(db: Database) -> None:
    """A moderator moves the title to another role meanwhile. The pass the change starts must not take the old
    role back and forget it around the first pass's grant: Alice would keep the old role for ever, with nothing
    recorded to take it back."""
    _, roles, service, quarter_hour = await _giving_february_title(db)
    await service.set_reward(GUILD, MOD, "leader-streak", NEW_ROLE, FACTS)
    after_change = asyncio.create_task(service.reconcile(GUILD))
    taken = asyncio.create_task(roles.taken.wait())
    await asyncio.wait({after_change, taken}, return_when=asyncio.FIRST_COMPLETED)
    roles.let_give.set()  # Discord gives the old role
    await quarter_hour
    roles.let_forget.set()
    await after_change
    taken.cancel()
    await service.reconcile(GUILD)  # and any later pass
    assert roles.held[ALICE] == {NEW_ROLE}, "a role nobody recorded stayed with her"
    assert [(g.role_id, g.pending) for g in await service.repo.grants(GUILD)] == [(NEW_ROLE, False)]


async def test_a_role_given_after_the_member_deleted_their_data_is_taken_back_and_not_recorded(
        db: Database) -> None:
    """Alice deletes her data meanwhile. Once Discord gives the role, the pass must not write her grant back (her
    data is gone) nor leave her the role it can no longer track."""
    clock, roles, _, quarter_hour = await _giving_february_title(db)
    roles.let_forget.set()  # the deletion's own taking back is not held
    await PrivacyService(db, clock, roles=roles).delete(ALICE)
    roles.let_give.set()  # Discord gives the role after the deletion committed
    await quarter_hour
    assert await db.fetchval("SELECT COUNT(*) FROM role_grants WHERE user_id = ?", (ALICE,)) == 0, \
        "the deleted member's grant was written back"
    assert OLD_ROLE not in roles.held[ALICE], "a role nothing records stayed with her"
