"""A member's data deletion lands while the quarter-hour pass is giving them a reward role."""

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
TITLE = 501
FACTS = RoleFacts(bot_can_manage_roles=True, role_position=3, bot_top_position=10, role_is_managed=False,
                  role_is_everyone=False, role_name="Member of the month", bot_top_name="studybot")


@dataclass
class HeldRoles:
    """The server's roles as Discord keeps them; the first role given waits for ``let_give`` (the pass's request
    still on its way)."""

    held: dict[int, set[int]] = field(default_factory=dict)
    giving: asyncio.Event = field(default_factory=asyncio.Event)
    let_give: asyncio.Event = field(default_factory=asyncio.Event)

    def present_in(self, guild_id: int) -> bool:
        return True

    def role_exists(self, guild_id: int, role_id: int) -> bool:
        return True

    async def add_role(self, guild_id: int, user_id: int, role_id: int, reason: str) -> None:
        if not self.let_give.is_set():
            self.giving.set()
            await self.let_give.wait()
        self.held.setdefault(user_id, set()).add(role_id)

    async def remove_role(self, guild_id: int, user_id: int, role_id: int, reason: str) -> None:
        self.held.setdefault(user_id, set()).discard(role_id)

    async def roles_held(self, guild_id: int, user_ids: Sequence[int]) -> dict[int, set[int]]:
        return {user_id: set(self.held.get(user_id, set())) for user_id in user_ids}


async def test_a_role_given_after_the_member_deleted_their_data_is_taken_back_and_not_recorded(
        db: Database) -> None:
    """Alice deletes her data while the pass's request for her title role is on its way. Once Discord gives it,
    the pass must not write her grant back (her data is gone) nor leave her the role it can no longer track."""
    clock = ManualClock(datetime(2026, 3, 2, 12, tzinfo=UTC))
    timezones = TimezoneResolver(db)
    await ActivityService(db, clock, timezones).record(GUILD, ALICE, ActivityKind.REVIEW,
                                                       datetime(2026, 2, 20, 12, tzinfo=UTC))
    roles = HeldRoles()
    service = RewardService(db, clock, timezones, JobScheduler(clock, manual=True), AuditLog(db, clock), roles)
    await service.set_reward(GUILD, MOD, "leader-streak", TITLE, FACTS)
    quarter_hour = asyncio.create_task(service.reconcile(GUILD))
    await roles.giving.wait()
    await PrivacyService(db, clock, roles=roles).delete(ALICE)
    roles.let_give.set()  # Discord gives the role after the deletion committed
    await quarter_hour
    assert await db.fetchval("SELECT COUNT(*) FROM role_grants WHERE user_id = ?", (ALICE,)) == 0, \
        "the deleted member's grant was written back"
    assert TITLE not in roles.held[ALICE], "a role nothing records stayed with her"
