"""Role rewards: streak milestones and last month's leaders, kept in line with members' roles.

Moderators map a reward (a 7, 30, 100 or 365-day streak; last month's most active member;
last month's most helpful contributor) to a role. Every quarter hour, and right after a
moderator changes a mapping, the bot works out who should hold each role from the
database (streaks, activity, Helpful marks) and converges: it grants what is missing and
removes what is no longer earned. A member holds only the highest streak milestone that
has a role. A grant is recorded after Discord accepted it and deleted after Discord took
the role away; both calls are idempotent at Discord, so a crash or restart in between
only means the next pass finishes the job.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from apscheduler.triggers.cron import CronTrigger

from bot.activity import ActivityReads
from bot.audit import AuditLog
from bot.clock import Clock
from bot.errors import InvalidInput
from bot.feedback import FeedbackRepository
from bot.posting import crash_point
from bot.rewards.models import Grant, MemberGone, RewardRow, RoleFacts, RoleRefused
from bot.rewards.repository import RewardRepository
from bot.scheduler import JobScheduler
from bot.storage import Database
from bot.streaks import StreakRepository
from bot.timezones import TimezoneResolver, local_date

log = logging.getLogger(__name__)

JOB_ID = "rewards:reconcile"
# How often, at most, the roles of members recorded as holding a reward are read back from Discord (one gateway
# request per 100 holders): a member who leaves loses every role, and a bot without the members intent is not told.
CHECK_HELD_EVERY = timedelta(hours=1)
MILESTONES = (7, 30, 100, 365)
LEADER_STREAK = "leader-streak"
LEADER_HELPFUL = "leader-helpful"
REWARDS: dict[str, str] = {
    **{f"streak-{n}": f"{n}-day streak" for n in MILESTONES},
    LEADER_STREAK: "most active member last month",
    LEADER_HELPFUL: "most helpful contributor last month",
}


class RolePublisher(Protocol):
    def present_in(self, guild_id: int) -> bool:
        """Whether the bot is in the guild now. A guild that removed it keeps its data for 30 days, but
        Discord refuses every role change there: its pass is skipped until the bot is added back."""
    def role_exists(self, guild_id: int, role_id: int) -> bool:
        """Whether the role is still in the server (True when the server is not known here: Discord judges)."""
    async def add_role(self, guild_id: int, user_id: int, role_id: int, reason: str) -> None: ...
    async def remove_role(self, guild_id: int, user_id: int, role_id: int, reason: str) -> None: ...
    async def roles_held(self, guild_id: int, user_ids: Sequence[int]) -> dict[int, set[int]]:
        """The roles each of ``user_ids`` holds now; a member not in the server is left out."""


def setup_problems(facts: RoleFacts) -> list[str]:
    """Everything that would stop the bot from giving or taking this role, said so a moderator can fix it."""
    problems = []
    if facts.role_is_everyone:
        problems.append("@everyone is not a role anyone can be given.")
    if facts.role_is_managed:
        problems.append(f"**{facts.role_name}** is managed by an integration, so no bot can give it.")
    if not facts.bot_can_manage_roles:
        problems.append("I do not have the **Manage Roles** permission. Give my role that permission in "
                        "Server Settings › Roles.")
    if not facts.role_is_everyone and facts.role_position >= facts.bot_top_position:
        problems.append(f"**{facts.role_name}** is not below my highest role (**{facts.bot_top_name}**), and "
                        "Discord only lets me give roles below it. Drag my role above it in Server Settings › Roles.")
    return problems


def previous_month(today: date) -> str:
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def leaders(scores: dict[int, int]) -> list[int]:
    """The member(s) with the highest score, when it is above zero; ties all lead."""
    best = max(scores.values(), default=0)
    return sorted(user_id for user_id, score in scores.items() if score == best and best > 0)


class RewardService:
    def __init__(self, db: Database, clock: Clock, timezones: TimezoneResolver, scheduler: JobScheduler,
                 audit: AuditLog, publisher: RolePublisher) -> None:
        self.repo = RewardRepository(db)
        # Who earned what is kept by other features: read through their interfaces, never their tables.
        self.streaks = StreakRepository(db)
        self.activity = ActivityReads(db)
        self.feedback = FeedbackRepository(db)
        self._db = db
        self._clock = clock
        self._timezones = timezones
        self._scheduler = scheduler
        self._audit = audit
        self.publisher = publisher
        self._held_checked: dict[int, datetime] = {}  # per guild: when its holders' roles were last read back
        self._held_seen: dict[tuple[int, int], int] = {}  # (guild, holder): credited actions when last asked about
        self._running: set[int] = set()  # guilds a pass is running for now
        self._again: set[int] = set()  # of those, guilds whose pass was asked for again meanwhile

    async def start(self) -> None:
        self._scheduler.add(JOB_ID, CronTrigger(minute="10,25,40,55", timezone="UTC"), self.reconcile_all)

    async def catch_up(self) -> None:
        """One pass at start-up: roles earned or lost while the bot was down, and a grant a crash left
        pending, are settled now rather than up to a quarter of an hour later."""
        await self.reconcile_all()

    async def stop(self) -> None:
        self._scheduler.remove(JOB_ID)

    def _now(self) -> int:
        return int(self._clock.now().timestamp())

    @staticmethod
    def require_reward(reward: str) -> str:
        if reward not in REWARDS:
            raise InvalidInput(f"`{reward}` is not a reward.", hint="Pick one of: " + ", ".join(REWARDS) + ".")
        return reward

    async def set_reward(self, guild_id: int, actor_id: int, reward: str, role_id: int, facts: RoleFacts) -> None:
        """Map ``reward`` to a role, refusing (with every reason) a role the bot could not give."""
        self.require_reward(reward)
        problems = setup_problems(facts)
        if problems:
            raise InvalidInput("I cannot give that role:\n" + "\n".join(f"• {p}" for p in problems),
                               hint="Fix it, then run `/rewards set` again. Nothing was saved.")
        async with self._db.transaction() as conn:
            old = await self.repo.set_reward(conn, guild_id, reward, role_id, actor_id, self._now())
            await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="rewards.set",
                                     old={"reward": reward, "role_id": old} if old is not None else None,
                                     new={"reward": reward, "role_id": role_id})

    async def clear_reward(self, guild_id: int, actor_id: int, reward: str) -> bool:
        self.require_reward(reward)
        async with self._db.transaction() as conn:
            old = await self.repo.clear_reward(conn, guild_id, reward)
            if old is not None:
                await self._audit.record(conn, guild_id=guild_id, actor_id=actor_id, action="rewards.clear",
                                         old={"reward": reward, "role_id": old}, new=None)
        return old is not None

    async def rewards(self, guild_id: int) -> list[RewardRow]:
        return await self.repo.rewards(guild_id)

    async def holders(self, guild_id: int, reward: str) -> int:
        return await self.repo.holders(guild_id, reward)

    async def losing(self, guild_id: int, reward: str) -> int:
        """How many members would lose the role if ``reward`` were cleared: a role that is also another reward
        stays with those who hold it for that one too."""
        return await self.repo.losing(guild_id, reward)

    # -- who should hold what ----------------------------------------------------------------------

    async def desired(self, guild_id: int, rewards: list[RewardRow]) -> dict[tuple[int, str], int]:
        """(member, reward) -> role for everything earned right now."""
        mapped = {row.reward: row.role_id for row in rewards}
        wanted: dict[tuple[int, str], int] = {}
        milestones = [n for n in MILESTONES if f"streak-{n}" in mapped]
        if milestones:
            for user_id, current in await self.streaks.live_streaks(guild_id, self._now()):
                reached = [n for n in milestones if current >= n]
                if reached:
                    reward = f"streak-{max(reached)}"
                    wanted[(user_id, reward)] = mapped[reward]
        if LEADER_STREAK in mapped or LEADER_HELPFUL in mapped:
            month = previous_month(local_date(self._clock.now(), await self._timezones.guild_zone(guild_id)))
            if LEADER_STREAK in mapped:
                for user_id in leaders(await self.activity.active_days_in_month(guild_id, month)):
                    wanted[(user_id, LEADER_STREAK)] = mapped[LEADER_STREAK]
            if LEADER_HELPFUL in mapped:
                for user_id in leaders(await self.feedback.contributor_scores(guild_id, month)):
                    wanted[(user_id, LEADER_HELPFUL)] = mapped[LEADER_HELPFUL]
        return wanted

    async def reconcile_all(self) -> int:
        """Bring the reward roles of this process's guilds in line (each process runs this pass for its shards;
        two processes granting and taking back the same roles would race)."""
        changed = 0
        for guild_id in await self.repo.guilds_with_rewards():
            if not self._scheduler.owns(guild_id) or not self.publisher.present_in(guild_id):
                continue
            try:
                changed += await self.reconcile(guild_id)
            except Exception:
                log.exception("could not bring the reward roles of guild %s up to date", guild_id)
        return changed

    async def reconcile(self, guild_id: int) -> int:
        """Grant missing reward roles and remove unearned ones; return how many changes Discord accepted.

        Passes for one server never overlap. Grants are keyed by reward, not role: a pass started after a moderator
        moved a reward could take back and forget the old role around the grant an earlier pass was still
        confirming, leaving a role on the member with no record to take it back. A pass asked for while one runs
        (``/rewards set`` or ``clear`` during the quarter-hour pass) is folded into it instead: the running pass
        goes round once more, reading the mappings and grants afresh."""
        if guild_id in self._running:
            self._again.add(guild_id)
            return 0
        self._running.add(guild_id)
        try:
            changed = 0
            while True:
                self._again.discard(guild_id)
                changed += await self._converge(guild_id)
                if guild_id not in self._again:
                    return changed
        finally:
            self._running.discard(guild_id)
            self._again.discard(guild_id)

    async def _converge(self, guild_id: int) -> int:
        """One pass over the server's rewards (see :meth:`reconcile`)."""
        rewards = await self.repo.rewards(guild_id)
        # A deleted role is held by nobody and can be given to nobody: until the reward is mapped to another role
        # it earns nothing, so the grants recorded for the role are forgotten below (nothing to take back).
        wanted = await self.desired(guild_id, [row for row in rewards
                                               if self.publisher.role_exists(guild_id, row.role_id)])
        held = {(g.user_id, g.reward): g for g in await self.repo.grants(guild_id)}
        refused: set[str] = set()
        changed = 0
        # One role may be the reward for several things: it stays while any of them is still earned.
        still_earned = {(user_id, role_id) for (user_id, _), role_id in wanted.items()}
        for key, grant in list(held.items()):
            if wanted.get(key) == grant.role_id:
                continue
            if (grant.user_id, grant.role_id) in still_earned:
                await self._pass_on(guild_id, grant, wanted, held)  # the role stays
            else:
                changed += await self._remove(guild_id, grant, refused)
        gone, back = await self._gone_members(guild_id)
        if back:
            await self.repo.forget_gone(guild_id, back)
        lost = await self._lost_roles(guild_id, held, wanted)
        for (user_id, reward), role_id in wanted.items():
            current = held.get((user_id, reward))
            if user_id in gone:
                continue  # Discord said they left; asked for again once they are active here again
            if (current is None or current.role_id != role_id or current.pending or (user_id, reward) in lost) \
                    and reward not in refused:
                given_before = current is not None and current.pending and current.role_id == role_id
                changed += await self._add(guild_id, user_id, reward, role_id, refused, gone, given_before)
        for row in rewards:
            if row.reward not in refused and row.problem is not None:
                await self.repo.set_problem(guild_id, row.reward, None)
        return changed

    async def _lost_roles(self, guild_id: int, held: dict[tuple[int, str], Grant],
                          wanted: dict[tuple[int, str], int]) -> set[tuple[int, str]]:
        """Grants still earned whose role the member no longer holds. Discord takes every role from a member who
        leaves and tells this bot nothing (no privileged intent): without this, one who came back would never be
        given the role they still earn. Only holders credited activity since they were last asked about are
        asked (a member back keeping a streak is active), at most once every :data:`CHECK_HELD_EVERY` per server.
        Giving the role again takes the usual path, so a member still away is found gone there."""
        now = self._clock.now()
        checked = self._held_checked.get(guild_id)
        if checked is not None and now - checked < CHECK_HELD_EVERY:
            return set()
        confirmed = {key: grant for key, grant in held.items()
                     if not grant.pending and wanted.get(key) == grant.role_id}
        if not confirmed:
            return set()
        credited = await self.activity.credited_actions(guild_id, {user_id for user_id, _ in confirmed})
        ask = sorted(user_id for user_id, count in credited.items()
                     if self._held_seen.get((guild_id, user_id)) != count)
        if not ask:
            return set()
        try:
            roles = await self.publisher.roles_held(guild_id, ask)
        except Exception as error:  # Discord not answering now: the next pass asks again
            log.warning("could not read back the reward roles held in guild %s: %r", guild_id, error)
            return set()
        self._held_checked[guild_id] = now
        self._held_seen.update({(guild_id, user_id): credited[user_id] for user_id in ask})
        asked = set(ask)
        return {key for key, grant in confirmed.items()
                if grant.user_id in asked and grant.role_id not in roles.get(grant.user_id, set())}

    async def _gone_members(self, guild_id: int) -> tuple[set[int], set[int]]:
        """(still gone, seen again): members found gone, split by whether they were credited activity since."""
        marks = await self.repo.gone_marks(guild_id)
        if not marks:
            return set(), set()
        credited = await self.activity.credited_actions(guild_id, marks)
        back = {user_id for user_id, mark in marks.items() if mark < credited[user_id]}
        return set(marks) - back, back

    async def _add(self, guild_id: int, user_id: int, reward: str, role_id: int, refused: set[str],
                   gone: set[int], given_before: bool = False) -> int:
        """Record the grant as pending, give the role, confirm it: a crash in between leaves a pending grant
        that the next pass settles (gives again while earned, takes back once not), never a role the bot
        forgot it gave. So a refusal forgets the grant only when no earlier attempt may have given the role
        (``given_before``: it was pending already); otherwise it stays pending, to be taken back once allowed.

        A member Discord does not know here (they left) is noted as gone, so later passes do not ask again
        for them until they are seen again."""
        await self.repo.record_grant(guild_id, user_id, reward, role_id, self._now(), pending=True)
        crash_point("reward.pending")
        try:
            await self.publisher.add_role(guild_id, user_id, role_id, f"studybot reward: {REWARDS[reward]}")
        except MemberGone:
            await self.repo.delete_grant(guild_id, user_id, reward)
            credited = await self.activity.credited_actions(guild_id, [user_id])
            await self.repo.mark_gone(guild_id, user_id, self._now(), credited[user_id])
            gone.add(user_id)
            log.info("member %s has left guild %s: no reward role is asked for until they are active again",
                     user_id, guild_id)
            return 0
        except RoleRefused as error:
            refused.add(reward)
            if not given_before:
                await self.repo.delete_grant(guild_id, user_id, reward)
            await self.repo.set_problem(guild_id, reward, str(error))
            return 0
        crash_point("reward.given")
        if not await self.repo.confirm_grant(guild_id, user_id, reward, role_id, self._now()):
            await self._take_back_unrecorded(guild_id, user_id, reward, role_id)
            return 0
        return 1

    async def _take_back_unrecorded(self, guild_id: int, user_id: int, reward: str, role_id: int) -> None:
        """The pending grant went while Discord was giving the role (the member's data was deleted): writing it
        back would keep their data, and a role left without a record would never be taken back. So the role is
        taken back, unless another grant of theirs still records it."""
        if await self.repo.records_role(guild_id, user_id, role_id):
            return
        try:
            await self.publisher.remove_role(guild_id, user_id, role_id,
                                             f"studybot reward no longer recorded: {REWARDS[reward]}")
        except (MemberGone, RoleRefused) as error:
            log.warning("could not take back role %s given to member %s of guild %s after their grant went: %r",
                        role_id, user_id, guild_id, error)

    async def _pass_on(self, guild_id: int, grant: Grant, wanted: dict[tuple[int, str], int],
                       held: dict[tuple[int, str], Grant]) -> None:
        """The role of a grant no longer earned stays, earned by another reward: that reward takes the grant over
        (as given, or as pending) before the old one is forgotten. Asking Discord again for a role the member
        holds gains nothing, and a refusal then (the role since dragged above the bot's) would forget the only
        record of a role the member keeps, so nothing would ever take it back."""
        heir = next((reward for (user_id, reward), role_id in wanted.items()
                     if user_id == grant.user_id and role_id == grant.role_id and (user_id, reward) not in held),
                    None)
        if heir is not None:
            await self.repo.record_grant(guild_id, grant.user_id, heir, grant.role_id, self._now(),
                                         pending=grant.pending)
            held[(grant.user_id, heir)] = Grant(grant.user_id, heir, grant.role_id, grant.pending)
        await self.repo.delete_grant(guild_id, grant.user_id, grant.reward)

    async def _remove(self, guild_id: int, grant: Grant, refused: set[str]) -> int:
        try:
            await self.publisher.remove_role(guild_id, grant.user_id, grant.role_id,
                                             f"studybot reward no longer earned: {REWARDS.get(grant.reward, '')}")
        except MemberGone:
            pass  # nothing left to take away
        except RoleRefused as error:
            refused.add(grant.reward)
            await self.repo.set_problem(guild_id, grant.reward, str(error))
            return 0
        crash_point("reward.taken")  # taken back, not yet forgotten: the next pass takes it back again (a no-op)
        await self.repo.delete_grant(guild_id, grant.user_id, grant.reward)
        return 1
