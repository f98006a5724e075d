"""Every durable flow killed with SIGKILL at each of its named crash points, then restarted three times.

For each point in :data:`bot.posting.crashpoints.FLOWS` the bot runs in its own process with
``STUDYBOT_CRASH_AT`` naming the point, is driven into the flow (by its schedule or by members
pressing buttons in the local Discord) and dies there. It is then started again one minute later,
twenty minutes later and on the next local day; after each start the invariants hold: one post per
occurrence, every stored action with its streak credit, every post's buttons answering, and
``PRAGMA integrity_check`` ok. The set-up before the crash runs the same bot in this process on the
test clock (fast); the crashing and restarted bots each run in a process of their own.
"""

from __future__ import annotations

import ast
import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.localdiscord import BotHarness, LocalDiscord, SimChannel, SimGuild, SimMember, SimMessage, SimRole
from bot.localdiscord.process import PACKAGE_ROOT, BotProcess
from bot.localdiscord.server import SimInteraction
from bot.posting.crashpoints import ALL_POINTS, ENVIRONMENT_VARIABLE, FLOWS
from tests.faults.child_process import query

pytestmark = pytest.mark.faults

DAY = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
RESTARTS = (timedelta(minutes=1), timedelta(minutes=20), timedelta(days=1, minutes=30))


@dataclass
class World:
    sim: LocalDiscord
    clock: ManualClock
    db_path: Path
    guild: SimGuild
    daily: SimChannel
    room: SimChannel
    mod: SimMember
    alice: SimMember
    bob: SimMember
    process: BotProcess | None = None
    acknowledged: int = 0  # interactions answered before the crash
    forum: SimChannel | None = None  # the daily forum, in the forum scenarios
    carol: SimMember | None = None  # signed up, but excluded both others, in the round scenarios
    mods: SimChannel | None = None  # the review channel (suggestions) or the system channel (notices)

    def forum_posts(self) -> list[SimChannel]:
        assert self.forum is not None
        return [t for t in self.forum.threads if t.name.startswith("Day ")]

    def posts(self, prefix: str) -> list:
        return [m for m in self.daily.messages if m.embeds and m.embeds[0].get("title", "").startswith(prefix)]

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        return query(self.db_path, sql, params)

    async def serve_until(self, predicate: Callable[[], bool], what: str) -> None:
        assert self.process is not None
        await self.process.wait_for(predicate, what, 30)

    async def press(self, member: SimMember, target: object, label: str) -> SimInteraction:
        interaction = member.start_click(target, label)  # type: ignore[arg-type]
        await self._answered(interaction)
        return interaction

    async def _answered(self, interaction: SimInteraction) -> None:
        assert self.process is not None
        process = self.process
        while interaction.response_type is None and process.alive():
            await self.sim.next_change(0.25)
        if interaction.response_type is not None:
            self.acknowledged += 1

    async def submit(self, member: SimMember, opened: SimInteraction, **fields: str) -> SimInteraction:
        from bot.localdiscord import Reply

        interaction = member.start_submit_modal(Reply(opened), **fields)
        await self._answered(interaction)
        return interaction

    async def slash(self, who: SimMember, command: str, **options: object) -> SimInteraction:
        interaction = who.start_slash(command, **options)
        await self._answered(interaction)
        return interaction


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    clock = ManualClock(DAY.replace(hour=7))
    async with LocalDiscord(clock=clock, global_rate_limit=None, bucket_rules={}) as sim:
        guild = sim.create_guild("Study Hall")
        daily = guild.create_text_channel("daily")
        room = guild.create_text_channel("mock-interviews")
        built = World(sim, clock, tmp_path / "studybot.sqlite3", guild, daily, room,
                      guild.add_member("mod", manage_guild=True), guild.add_member("alice"), guild.add_member("bob"))
        yield built
        if built.process is not None and built.process.alive():
            built.process.kill()
            await built.process.wait_dead()


# -- preparing each flow in this process, on the test clock ------------------------------------------


async def in_process(world: World, steps: Callable[[BotHarness], Awaitable[None]]) -> None:
    harness = BotHarness(world.sim, world.db_path, world.clock)
    await harness.start()
    try:
        await steps(harness)
    finally:
        await harness.stop()


async def daily_at_nine(world: World) -> None:
    async def steps(harness: BotHarness) -> None:
        await world.mod.slash("daily setup", channel=world.daily, time="09:00", timezone="UTC")
    await in_process(world, steps)


async def forum_daily_at_nine(world: World) -> None:
    """The daily prompt as a tagged forum post: one request, the thread and its first message together."""
    world.forum = world.guild.create_forum_channel("prompts")
    world.forum.allow(world.guild.bot_role.id, "manage_channels")

    async def steps(harness: BotHarness) -> None:
        await world.mod.slash("daily setup", channel=world.forum, time="09:00", timezone="UTC")
    await in_process(world, steps)


async def quiz_at_nine(world: World) -> None:
    async def steps(harness: BotHarness) -> None:
        await world.mod.slash("quiz setup", channel=world.daily, time="09:00", timezone="UTC", **{"close-after": 1})
    await in_process(world, steps)


def notices_in_system_channel(world: World) -> SimChannel:
    """The server's system channel, where moderators are told what only they can fix."""
    notices = world.guild.create_text_channel("notices")
    world.guild.system_channel_id = notices.id
    return notices


async def daily_refused_at_nine(world: World) -> None:
    """A daily schedule whose channel was closed to the bot after setup: the day's post cannot go out."""
    world.mods = notices_in_system_channel(world)
    await daily_at_nine(world)
    world.daily.deny(world.sim.bot_user.id, "send_messages")


async def daily_posted(world: World) -> None:
    async def steps(harness: BotHarness) -> None:
        await world.mod.slash("daily setup", channel=world.daily, time="09:00", timezone="UTC")
        await harness.advance_to(DAY.replace(hour=9, minute=5))
    await in_process(world, steps)


async def daily_answered_and_marked(world: World) -> None:
    async def steps(harness: BotHarness) -> None:
        await world.mod.slash("daily setup", channel=world.daily, time="09:00", timezone="UTC")
        await harness.advance_to(DAY.replace(hour=9, minute=5))
        post = world.posts("Day ")[0]
        form = await world.alice.click(post, "Submit answer")
        await world.alice.submit_modal(form, answer="Shard the index per tenant; size the write path first")
        thread = next(t for t in world.guild.threads if t.id == post.id)
        answer = next(m for m in thread.messages if m.content.startswith("Answer from"))
        await world.bob.click(answer, "Helpful")
    await in_process(world, steps)


async def quiz_posted(world: World) -> None:
    async def steps(harness: BotHarness) -> None:
        await world.mod.slash("quiz setup", channel=world.daily, time="09:00", timezone="UTC", **{"close-after": 1})
        await harness.advance_to(DAY.replace(hour=9, minute=5))
        await world.alice.click(world.posts("Quiz #")[0], "A")
    await in_process(world, steps)


async def quiz_posted_then_deleted(world: World) -> None:
    """As :func:`quiz_posted`, and then a moderator deletes the quiz post (its answer is still owed)."""
    await quiz_posted(world)
    [post] = world.posts("Quiz #")
    post.deleted = True
    world.sim.dispatch_if_connected("MESSAGE_DELETE", {"id": str(post.id), "channel_id": str(world.daily.id),
                                                       "guild_id": str(world.guild.id)})


async def sign_up_a_pair(world: World) -> None:
    """A weekly Friday mock schedule and two members signed up for it (inside a running bot)."""
    await world.mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                          channel=world.room)
    for member in (world.alice, world.bob):
        await member.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")


async def mock_signed_up(world: World) -> None:
    async def steps(harness: BotHarness) -> None:
        await sign_up_a_pair(world)
    await in_process(world, steps)


async def mock_signed_up_with_one_left_out(world: World) -> None:
    """As :func:`mock_signed_up`, and Carol, who excluded both: a round pairs Alice and Bob and leaves her out."""
    world.carol = world.guild.add_member("carol")

    async def steps(harness: BotHarness) -> None:
        await sign_up_a_pair(world)
        assert world.carol is not None
        await world.carol.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")
        for other in (world.alice, world.bob):
            await world.carol.slash("mock exclude", member=other)
    await in_process(world, steps)


async def mock_signed_up_in_a_closed_channel(world: World) -> None:
    """As :func:`mock_signed_up`, and then the round's channel closed to the bot's messages."""
    world.mods = notices_in_system_channel(world)
    await mock_signed_up(world)
    world.room.deny(world.sim.bot_user.id, "send_messages")


async def mock_checked_in(world: World) -> None:
    async def steps(harness: BotHarness) -> None:
        await sign_up_a_pair(world)
        await world.mod.slash("mock-admin pair-now")
        await harness.advance(days=7)
    world.clock.set(DAY.replace(hour=8))
    await in_process(world, steps)


async def mock_absent_once_then_checked_in_again(world: World) -> None:
    """Two rounds pair Alice and Bob, who agree a time in each; Alice reported Bob absent from round 1, and
    round 2's check-in is up. The bot then stops."""
    from tests.cogs.test_mock import agree_first_time

    async def steps(harness: BotHarness) -> None:
        await sign_up_a_pair(world)
        for number in (1, 2):
            await world.mod.slash("mock-admin pair-now")
            thread = next(t for t in world.guild.threads if t.name.startswith(f"Mock #{number} "))
            await agree_first_time(thread, [world.alice, world.bob])
            await harness.advance(days=7)
            if number == 1:
                await world.alice.click(next(m for m in thread.messages if "How did it go" in m.content),
                                        "They didn't show")
    world.clock.set(DAY.replace(hour=8))
    await in_process(world, steps)


async def mock_silent_three_rounds(world: World) -> None:
    """Three rounds pair Alice and Bob; Alice ticks a time in each, Bob never answers. The bot then stops."""
    from tests.cogs.test_mock import agree_first_time

    async def steps(harness: BotHarness) -> None:
        await sign_up_a_pair(world)
        for number in (1, 2, 3):
            await world.mod.slash("mock-admin pair-now")
            thread = next(t for t in world.guild.threads if t.name.startswith(f"Mock #{number} "))
            await agree_first_time(thread, [world.alice])
            await harness.advance(days=7)
    world.clock.set(DAY.replace(hour=8))
    await in_process(world, steps)


async def mock_absent_twice(world: World) -> None:
    """As :func:`mock_absent_once_then_checked_in_again`, and Alice reported Bob absent again: he is paused."""
    await mock_absent_once_then_checked_in_again(world)

    async def steps(harness: BotHarness) -> None:
        await world.alice.click(second_checkin(world), "They didn't show")
    await in_process(world, steps)
    assert world.rows("SELECT status FROM mock_participants WHERE user_id = ?", (world.bob.id,)) == [("paused",)]


async def mock_reported_absent(world: World) -> None:
    """A round pairs Alice and Bob, who agree a time; at its check-in Alice reports Bob absent. The bot then stops."""
    from tests.cogs.test_mock import agree_first_time

    async def steps(harness: BotHarness) -> None:
        await sign_up_a_pair(world)
        await world.mod.slash("mock-admin pair-now")
        thread = next(t for t in world.guild.threads if t.name.startswith("Mock #1 "))
        await agree_first_time(thread, [world.alice, world.bob])
        await harness.advance(days=7)
        await world.alice.click(first_checkin(world), "They didn't show")
    world.clock.set(DAY.replace(hour=8))
    await in_process(world, steps)


async def mock_paired(world: World) -> None:
    """A round of one pair, made at 08:00; the bot then stops until after the round's end."""
    async def steps(harness: BotHarness) -> None:
        await sign_up_a_pair(world)
        await world.mod.slash("mock-admin pair-now")
    world.clock.set(DAY.replace(hour=8))
    await in_process(world, steps)


async def mock_paired_then_partner_left(world: World) -> None:
    """As :func:`mock_paired`, and Bob leaves the server once the pair was told (the bot is not told)."""
    await mock_paired(world)
    world.guild.remove_member(world.bob)


async def mock_paired_by_dm_then_partner_left(world: World) -> None:
    await mock_paired_by_dm(world)
    world.guild.remove_member(world.bob)


def told(world: World, member: SimMember) -> list[SimMessage]:
    """What the pair was told: their thread, or ``member``'s DMs where the bot may not open one."""
    thread = next((t for t in world.guild.threads if t.name.startswith("Mock #1 ")), None)
    return thread.messages if thread is not None else member.dms


def proposal(world: World) -> SimMessage:
    return next(m for m in told(world, world.bob) if "proposes" in m.content)


async def propose_thursday(world: World) -> None:
    """(In the bot's process.) Alice and Bob paired in round 1; Alice proposes Thursday 19:00 UTC."""
    await sign_up_a_pair(world)
    await world.mod.slash("mock-admin pair-now")
    brief = next(m for m in told(world, world.alice) if "Propose another time" in m.button_labels)
    await world.alice.submit_modal(await world.alice.click(brief, "Propose another time"), when="Thu 19:00")


async def mock_time_agreed(world: World) -> None:
    """A pair that agreed Thursday 19:00 UTC; the bot then stops until the day-before reminders are due."""
    async def steps(harness: BotHarness) -> None:
        await propose_thursday(world)
        await world.bob.click(proposal(world), "Accept this time")
    await in_process(world, steps)


async def mock_time_proposed(world: World) -> None:
    """Alice proposed Thursday 19:00 UTC at 08:00 on Monday; Bob has not answered yet."""
    async def steps(harness: BotHarness) -> None:
        await propose_thursday(world)
    world.clock.set(DAY.replace(hour=8))
    await in_process(world, steps)


async def mock_agreed_on_monday(world: World) -> None:
    """At 08:00 on Monday the pair agreed Thursday 19:00 UTC."""
    world.clock.set(DAY.replace(hour=8))
    await mock_time_agreed(world)


async def trio_then_interviewer_left(world: World, agree: str | None) -> None:
    """Alice, Bob and Carol in one trio that agreed ``agree`` (Alice's words), or no time when None; then its
    interviewer leaves the server (the bot is not told), before the round's nudge looks."""
    world.carol = world.guild.add_member("carol")

    async def steps(harness: BotHarness) -> None:
        assert world.carol is not None
        await sign_up_a_pair(world)
        await world.carol.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")
        await world.mod.slash("mock-admin pair-now")
        if agree is None:
            return
        thread = next(t for t in world.guild.threads if t.name.startswith("Mock #1 "))
        brief = next(m for m in thread.messages if "Propose another time" in m.button_labels)
        await world.alice.submit_modal(await world.alice.click(brief, "Propose another time"), when=agree)
        proposal = next(m for m in thread.messages if "proposes" in m.content)
        for member in (world.bob, world.carol):
            await member.click(proposal, "Accept this time")
    world.clock.set(DAY.replace(hour=8))
    await in_process(world, steps)
    [(interviewer,)] = world.rows("SELECT user_id FROM mock_group_members WHERE role = 'interviewer'")
    world.guild.remove_member(next(m for m in (world.alice, world.bob, world.carol) if m and m.id == interviewer))


async def mock_trio_agreed_then_interviewer_left(world: World) -> None:
    """The trio agreed Sunday 10:00 UTC (a trio's 90 minutes) before its interviewer left."""
    await trio_then_interviewer_left(world, "Sun 10:00")


async def mock_trio_then_interviewer_left(world: World) -> None:
    """The trio had agreed no time yet when its interviewer left."""
    await trio_then_interviewer_left(world, None)


def by_dm(prepare: Callable[[World], Awaitable[None]]) -> Callable[[World], Awaitable[None]]:
    """``prepare`` where the bot may not open private threads: groups are told by DM."""
    async def without_threads(world: World) -> None:
        world.room.deny(world.sim.bot_user.id, "create_private_threads")
        await prepare(world)
    return without_threads


mock_paired_by_dm = by_dm(mock_paired)


MEETING = datetime(2026, 3, 5, 19, tzinfo=UTC)


async def studied_before(harness: BotHarness, member: SimMember, days: int) -> None:
    from bot.activity import ActivityKind

    for days_ago in range(days, 0, -1):
        await harness.core.activity.record(harness.guild.id, member.id, ActivityKind.REVIEW,
                                           DAY.replace(hour=8) - timedelta(days=days_ago))
    await harness.settle()


async def six_days_then_posted(world: World) -> None:
    """Alice studied the six days before; today's answer makes seven, which is celebrated in #daily."""
    async def steps(harness: BotHarness) -> None:
        await world.mod.slash("daily setup", channel=world.daily, time="09:00", timezone="UTC")
        await world.mod.slash("streak-admin announcements", state="on")
        await studied_before(harness, world.alice, 6)
        await harness.advance_to(DAY.replace(hour=9, minute=5))
    await in_process(world, steps)


async def reminder_at_eight_pm(world: World) -> None:
    """Alice has a three-day streak, has not studied today, and asked for a reminder at 20:00."""
    async def steps(harness: BotHarness) -> None:
        await studied_before(harness, world.alice, 3)
        await world.alice.slash("streak remind", state="on", hour=20)
    await in_process(world, steps)


def reward_role(world: World) -> SimRole:
    """The role a 7-day streak earns, which the bot may give (Manage Roles, its role above this one)."""
    from bot.localdiscord.permissions import BOT_DEFAULT, PERMISSIONS

    existing = next((r for r in world.guild.roles.values() if r.name == "Week warrior"), None)
    if existing is not None:
        return existing
    bot_role = next(r for r in world.guild.roles.values() if r.name == "studybot")
    world.guild.edit_role(bot_role, permissions=BOT_DEFAULT | PERMISSIONS["manage_roles"], position=10)
    moderators = next(r for r in world.guild.roles.values() if r.name == f"{world.mod.name}-mod")  # give roles too
    world.guild.edit_role(moderators, permissions=moderators.permissions | PERMISSIONS["manage_roles"], position=9)
    role = world.guild.create_role("Week warrior")
    world.guild.edit_role(role, position=3)
    return role


async def seven_day_streak_rewarded(world: World) -> None:
    """Alice studied the seven days before today, and a 7-day streak earns a role: the 08:10 pass gives it."""
    async def steps(harness: BotHarness) -> None:
        await world.mod.slash("rewards set", reward="streak-7", role=reward_role(world))
        await studied_before(harness, world.alice, 7)
    await in_process(world, steps)


async def reward_given_then_streak_over(world: World) -> None:
    """Alice was given the role on the day; she studies no more, so once her streak ends a pass takes it back."""
    await seven_day_streak_rewarded(world)

    async def steps(harness: BotHarness) -> None:
        await harness.advance_to(DAY.replace(hour=8, minute=11))
        assert reward_role(world).id in world.guild.members[world.alice.id].role_ids
    await in_process(world, steps)


async def review_channel_chosen(world: World) -> None:
    """Moderators chose a review channel, where each new suggestion is posted with its buttons."""
    world.mods = world.guild.create_text_channel("mods")

    async def steps(harness: BotHarness) -> None:
        await world.mod.slash("review channel", channel=world.mods)
    await in_process(world, steps)


async def mods_channel_made(world: World) -> None:
    """A channel only moderators read, which they are about to choose for the bot's notices."""
    world.mods = world.guild.create_text_channel("mod-notices")


async def choose_notices_channel(world: World) -> None:
    assert world.mods is not None
    await world.slash(world.mod, "studybot settings notices-channel", channel=world.mods)


async def notices_intro_invariants(world: World, restart: int) -> None:
    """The chosen channel holds the bot's introduction once, whichever step the crash cut, and none is owed."""
    assert world.mods is not None
    mods = world.mods

    def intros() -> list[SimMessage]:
        return [m for m in mods.messages if m.content.startswith("studybot will post its notices for moderators")]
    await world.serve_until(lambda: len(intros()) >= 1, "the notices channel's introduction")
    assert len(intros()) == 1, f"restart {restart}: {len(intros())} introductions"
    await world.serve_until(lambda: world.rows("SELECT notices_intro_owed FROM guild_settings WHERE guild_id = ?",
                                               (world.guild.id,)) == [(0,)], "the introduction to be marked")
    assert world.rows("SELECT notices_channel_id FROM guild_settings WHERE guild_id = ?",
                      (world.guild.id,)) == [(mods.id,)]


async def daily_answered(world: World, *, then_out_of_reach: bool = False) -> None:
    """Alice's answer shown in the day's thread. ``then_out_of_reach``: a day later the thread has archived
    and the bot may no longer reopen it (no Send Messages or Manage Threads); #mock-interviews is the
    server's system channel."""
    if then_out_of_reach:
        world.guild.system_channel_id = world.room.id

    async def steps(harness: BotHarness) -> None:
        await world.mod.slash("daily setup", channel=world.daily, time="09:00", timezone="UTC")
        await harness.advance_to(DAY.replace(hour=9, minute=5))
        form = await world.alice.click(world.posts("Day ")[0], "Submit answer")
        await world.alice.submit_modal(form, answer="Shard the index per tenant; size the write path first")
        if then_out_of_reach:
            await harness.advance(hours=27)
    await in_process(world, steps)
    if then_out_of_reach:
        world.daily.deny(world.sim.bot_user.id, "send_messages", "manage_threads")


async def daily_answered_then_out_of_reach(world: World) -> None:
    await daily_answered(world, then_out_of_reach=True)


async def daily_posted_without_thread(world: World) -> None:
    """The day's post went out while the bot lacked Create Public Threads in #daily; it has it again now,
    so the first answer starts the post's thread."""
    world.daily.deny(world.sim.bot_user.id, "create_public_threads")
    await daily_posted(world)
    world.daily.clear_overwrite(world.sim.bot_user.id)


def checkin(world: World) -> object:
    thread = next(t for t in world.guild.threads if t.name.startswith("Mock #1 "))
    return next(m for m in thread.messages if "Round 1 is ending" in m.content)


# -- driving the flow into its crash point, in the bot's own process ---------------------------------


async def nothing(world: World) -> None:
    """The flow runs by itself at start (a due post, a close, a backup)."""


async def server_added_while_offline(world: World) -> None:
    """A new server, furnished and then adding the bot while no process runs: the next start welcomes it."""
    joined = world.sim.create_guild("New Hall", with_bot=False)
    joined.create_text_channel("general")
    world.sim.add_bot_to_guild(joined)


async def welcome_invariants(world: World, restart: int) -> None:
    """The new server has exactly one welcome with its Setup button, whichever step the crash cut."""
    joined = next(g for g in world.sim.guilds.values() if g.name == "New Hall")
    welcomes = [m for channel in joined.channels.values() for m in channel.messages
                if not m.deleted and "Set up studybot" in m.button_labels]
    assert len(welcomes) == 1, f"restart {restart}: {len(welcomes)} welcomes"
    assert world.rows("SELECT welcome_owed FROM guild_settings WHERE guild_id = ?", (joined.id,)) == [(0,)]


async def answer_the_prompt(world: World) -> None:
    opened = await world.press(world.alice, world.posts("Day ")[0], "Submit answer")
    if opened.modal is not None:
        await world.submit(world.alice, opened, answer="Shard the queue by tenant and cap each tenant's share")


async def grade_a_card(world: World) -> None:
    from bot.localdiscord import Reply

    study = await world.slash(world.alice, "cards study")
    back = await world.press(world.alice, Reply(study), "Reveal")
    good = next(label for label in Reply(back).button_labels if label.startswith("Good"))
    await world.press(world.alice, Reply(back), good)


async def grade_then_undo(world: World) -> None:
    """A member's first card graded Good, then the grade undone (a misclick)."""
    from bot.localdiscord import Reply

    study = await world.slash(world.alice, "cards study")
    back = await world.press(world.alice, Reply(study), "Reveal")
    good = next(label for label in Reply(back).button_labels if label.startswith("Good"))
    graded = await world.press(world.alice, Reply(back), good)
    await world.press(world.alice, Reply(graded), "Undo grade")


async def pick_an_option(world: World) -> None:
    await world.press(world.bob, world.posts("Quiz #")[0], "B")


async def pair_now(world: World) -> None:
    await world.slash(world.mod, "mock-admin pair-now")


async def accept_the_time(world: World) -> None:
    await world.press(world.bob, proposal(world), "Accept this time")


async def cancel_the_interview(world: World) -> None:
    confirmed = next(m for m in told(world, world.alice) if m.content.startswith("✅ Interview "))
    opened = await world.press(world.alice, confirmed, "Cancel interview")
    if opened.modal is not None:
        await world.submit(world.alice, opened, reason="Flu, sorry")


async def cancel_the_round(world: World) -> None:
    await world.slash(world.mod, "mock-admin cancel-round")


async def propose_in_the_form(world: World, message: SimMessage, button: str, when: str) -> None:
    opened = await world.press(world.alice, message, button)
    if opened.modal is not None:
        await world.submit(world.alice, opened, when=when)


async def propose_a_time(world: World) -> None:
    """Alice proposes Thursday 19:00 UTC from the pair's brief."""
    brief = next(m for m in told(world, world.alice) if "Propose another time" in m.button_labels)
    await propose_in_the_form(world, brief, "Propose another time", "Thu 19:00")


async def propose_a_move(world: World) -> None:
    """Alice proposes moving the agreed interview to Wednesday 18:00 UTC."""
    confirmed = next(m for m in told(world, world.alice) if m.content.startswith("✅ Interview "))
    await propose_in_the_form(world, confirmed, "Reschedule", "Wed 18:00")


def first_checkin(world: World) -> SimMessage:
    thread = next(t for t in world.guild.threads if t.name.startswith("Mock #1 "))
    return next(m for m in thread.messages if "How did it go" in m.content)


def second_checkin(world: World) -> SimMessage:
    thread = next(t for t in world.guild.threads if t.name.startswith("Mock #2 "))
    return next(m for m in thread.messages if "How did it go" in m.content)


async def report_absent_again(world: World) -> None:
    await world.press(world.alice, second_checkin(world), "They didn't show")


async def say_we_met_after_all(world: World) -> None:
    await world.press(world.alice, second_checkin(world), "We met")


async def dispute_the_report(world: World) -> None:
    await world.press(world.bob, first_checkin(world), "We met")


async def report_met(world: World) -> None:
    await world.press(world.alice, checkin(world), "We met")


async def give_feedback(world: World) -> None:
    from bot.localdiscord import Reply

    met = await world.press(world.alice, checkin(world), "We met")
    label = next(label for label in Reply(met).button_labels if label.startswith("Feedback"))
    opened = await world.press(world.alice, Reply(met), label)
    await world.submit(world.alice, opened, communication="4", depth="4", tradeoffs="3", note="clear")


SUGGESTED_CARD = {"front": "What does a reranker add after vector search?",
                  "back": "It re-scores the top candidates with a slower cross-encoder.", "topic": "Retrieval",
                  "wrong_answers": "It embeds the query again with a larger model.\n"
                                   "It swaps the vector index for a keyword one.\n"
                                   "It caches the answers to repeated questions."}


async def suggest_a_card(world: World) -> None:
    opened = await world.slash(world.alice, "suggest card")
    await world.submit(world.alice, opened, **SUGGESTED_CARD)


async def card_waiting_for_review(world: World) -> None:
    """Alice's card suggestion waits in the review channel, with its buttons."""
    world.mods = world.guild.create_text_channel("mods")

    async def steps(harness: BotHarness) -> None:
        await world.mod.slash("review channel", channel=world.mods)
        await world.alice.submit_modal(await world.alice.slash("suggest card"), **SUGGESTED_CARD)
    await in_process(world, steps)


async def approve_the_suggestion(world: World) -> None:
    from bot.localdiscord import Reply

    opened = await world.slash(world.mod, "review queue")
    await world.press(world.mod, Reply(opened), "Approve")


async def repair_a_day(world: World) -> None:
    await world.slash(world.mod, "streak-admin repair", member=world.alice, date="2026-03-01", reason="bot was down")


async def delete_my_data(world: World) -> None:
    from bot.localdiscord import Reply

    confirm = await world.slash(world.alice, "privacy delete")
    await world.press(world.alice, Reply(confirm), "Delete my data")


async def practise(world: World) -> None:
    from bot.localdiscord import Reply

    screen = await world.slash(world.alice, "practice")
    opened = await world.press(world.alice, Reply(screen), "Submit answer")
    await world.submit(world.alice, opened, answer="Cache the embeddings per document version")


# -- what must hold after every restart --------------------------------------------------------------


def credits_match(world: World, table: str, kind: str, user_column: str = "user_id") -> None:
    actions = {row[0] for row in world.rows(f"SELECT DISTINCT {user_column} FROM {table}")}  # noqa: S608
    credited = {row[0] for row in world.rows("SELECT DISTINCT user_id FROM activity WHERE kind = ?", (kind,))}
    assert actions <= credited, f"{table} rows without their {kind} credit"


async def buttons_answer(world: World, prefix: str, label: str) -> None:
    for post in world.posts(prefix):
        pressed = await world.press(world.bob, post, label)
        assert pressed.response_type is not None, f"{label!r} on {post.embeds[0]['title']!r} did not answer"


async def daily_invariants(world: World, days: int) -> None:
    await world.serve_until(lambda: len(world.posts("Day ")) >= days, f"{days} daily posts")
    titles = [m.embeds[0]["title"].split(" · ")[0] for m in world.posts("Day ")]
    assert titles == [f"Day {n}" for n in range(1, days + 1)], titles
    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM daily_posts WHERE status = 'sent'")[0][0]
                            == days, "the ledger to record the posts")
    assert {row[0] for row in world.rows("SELECT message_id FROM daily_posts")} == {m.id for m in
                                                                                     world.posts("Day ")}
    await buttons_answer(world, "Day ", "Hints")


async def forum_invariants(world: World, restart: int) -> None:
    days = 2 if restart == 2 else 1
    await world.serve_until(lambda: len(world.forum_posts()) >= days, f"{days} forum posts")
    posts = sorted(world.forum_posts(), key=lambda t: t.id)
    assert [t.name.split(":")[0] for t in posts] == [f"Day {n}" for n in range(1, days + 1)]
    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM daily_posts WHERE status = 'sent'")[0][0]
                            == days, "the ledger to record the posts")
    recorded = world.rows("SELECT message_id, thread_id FROM daily_posts ORDER BY day_number")
    assert recorded == [(t.id, t.id) for t in posts]  # a forum post's first message carries the thread's id
    for post in posts:
        assert post.applied_tags, f"{post.name} has no tags"
        assert post.starter is not None
        pressed = await world.press(world.bob, post.starter, "Hints")
        assert pressed.response_type is not None, f"Hints in {post.name!r} did not answer"


async def quiz_invariants(world: World, days: int) -> None:
    await world.serve_until(lambda: len(world.posts("Quiz #")) >= days, f"{days} quizzes")
    assert len(world.posts("Quiz #")) == days
    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM quiz_posts WHERE status IN ('sent', 'closed')")
                            [0][0] == days, "the ledger to record the quizzes")
    closed = world.rows("SELECT COUNT(*) FROM quiz_posts WHERE status = 'closed'")[0][0]
    await world.serve_until(lambda: sum(m.embeds[0]["title"].endswith("closed") for m in world.posts("Quiz #"))
                            == closed, "every closed quiz to be revealed")
    # The reveal is recorded after Discord took the edit (a stop in between shows it again, looked for first).
    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM quiz_posts WHERE status = 'closed' "
                                               "AND revealed_at IS NULL") == [(0,)], "every reveal to be recorded")
    credits_match(world, "quiz_answers", "quiz")


async def deleted_quiz_invariants(world: World, restart: int) -> None:
    """The deleted quiz's answer is shown once, in a message of its own, and recorded as revealed."""
    def shown() -> list:
        return [m for m in world.posts("Quiz #1") if not m.deleted and m.embeds[0]["title"].endswith("closed")]
    await world.serve_until(lambda: len(shown()) >= 1, "the deleted quiz's answer")
    await world.serve_until(lambda: world.rows("SELECT revealed_at IS NOT NULL FROM quiz_posts ORDER BY local_date "
                                               "LIMIT 1") == [(1,)], "the reveal to be recorded")
    assert len(shown()) == 1, f"restart {restart}: the answer was posted {len(shown())} times"
    assert "of 1 got it right" in shown()[0].embeds[0]["description"]  # alice's pick is counted
    # Each attempt edits the post first, as for any quiz, and Discord answers that it is gone.
    world.sim.errors[:] = [e for e in world.sim.errors if e.code != 10008]


async def answer_invariants(world: World, restart: int) -> None:
    from bot.localdiscord import Reply

    credits_match(world, "daily_answers", "answer")
    if restart == 0:  # the member tries again after the crash: saved once, credited once, shown once
        opened = await world.press(world.alice, world.posts("Day ")[0], "Submit answer")
        saved = await world.submit(world.alice, opened, answer="Shard the queue by tenant, take two")
        await world.serve_until(lambda: "Saved" in Reply(saved).text, "the answer's confirmation")
        thread = next(t for t in world.guild.threads if t.id == world.posts("Day ")[0].id)
        answers = lambda: [m for m in thread.messages if m.content.startswith("Answer from")]  # noqa: E731
        await world.serve_until(lambda: any("take two" in (e.get("description") or "")
                                            for m in answers() for e in m.embeds), "the new text in the thread")
        assert len(answers()) == 1, [m.content for m in answers()]  # shown once: edited in place, not again
    assert world.rows("SELECT COUNT(*) FROM activity WHERE kind = 'answer'") == [(1,)]


async def late_thread_answer_invariants(world: World, restart: int) -> None:
    """Alice's answer is shown once, in the one thread started on the post, without submitting it again."""
    post = world.posts("Day ")[0]  # the next day's post is out by the last restart
    threads = [t for t in world.guild.threads if t.id == post.id]
    shown = [m for t in threads for m in t.messages if m.content.startswith("Answer from")]
    assert (len(threads), len(shown)) == (1, 1), \
        f"restart {restart}: {len(threads)} threads, {len(shown)} answers shown"
    assert world.rows("SELECT thread_id FROM daily_posts ORDER BY local_date LIMIT 1") == [(post.id,)]
    assert world.rows("SELECT shown, thread_message_id FROM daily_answers") == [(1, shown[0].id)]
    credits_match(world, "daily_answers", "answer")


async def grade_invariants(world: World, restart: int) -> None:
    credits_match(world, "card_reviews", "review")
    await world.slash(world.alice, "cards study")


async def undo_invariants(world: World, restart: int) -> None:
    """The undo is whole: no review, the card new again with no undo left, and the day's credit kept."""
    from bot.localdiscord import Reply

    assert world.rows("SELECT COUNT(*) FROM card_reviews") == [(0,)]
    assert world.rows("SELECT COUNT(*) FROM card_states") == [(0,)]
    assert world.rows("SELECT COUNT(*) FROM card_undo") == [(0,)]
    assert world.rows("SELECT COUNT(*) FROM activity WHERE kind = 'review'") == [(1,)]
    study = Reply(await world.slash(world.alice, "cards study"))
    assert study.embeds[0]["footer"]["text"].startswith("New card"), study.embeds[0]["footer"]


async def pick_invariants(world: World, restart: int) -> None:
    credits_match(world, "quiz_answers", "quiz")
    await buttons_answer(world, "Quiz #", "C")


async def announce_invariants(world: World, restart: int) -> None:
    await world.serve_until(lambda: any("Mock interview round 1" in m.content for m in world.room.messages),
                            "the round's announcement")
    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM mock_groups WHERE delivery = 'pending'")
                            == [(0,)], "every group to be told")
    assert sum("Mock interview round 1" in m.content for m in world.room.messages) == 1
    for thread in (t for t in world.guild.threads if t.name.startswith("Mock #1 ")):
        assert sum(bool(m.embeds) for m in thread.messages) == 1, "a group was briefed twice"
    assert len([t for t in world.guild.threads if t.name.startswith("Mock #1 ")]) == 1
    assert world.carol is not None
    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM mock_left_out WHERE told_at IS NULL")
                            == [(0,)], "the member left out to be told")
    told = [m for m in world.carol.dms if "nobody you can be paired with was free" in m.content]
    assert len(told) == 1, f"the member left out was told {len(told)} times"


async def checkin_invariants(world: World, restart: int) -> None:
    """The ended round asks its group how it went exactly once, and that message is the one recorded."""
    await world.serve_until(lambda: world.rows("SELECT status FROM mock_rounds WHERE number = 1") == [("closed",)],
                            "round 1 to close")
    thread = next(t for t in world.guild.threads if t.name.startswith("Mock #1 "))
    [asked] = [m for m in thread.messages if m.content.startswith("Round 1 is ending")]
    assert world.rows("SELECT checkin_message_id FROM mock_groups WHERE round_id = "
                      "(SELECT id FROM mock_rounds WHERE number = 1)") == [(asked.id,)]
    pressed = await world.press(world.bob, asked, "We met")
    assert pressed.response_type is not None


async def dm_brief_invariants(world: World, restart: int) -> None:
    """Each member of a group told by DM got the brief once, whichever member the crash fell after, and the
    copy a restart found is the one recorded for later edits."""
    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM mock_groups WHERE delivery = 'pending'")
                            == [(0,)], "every group to be told")
    copies = {}
    for member in (world.alice, world.bob):
        [copy] = [m for m in member.dms if "for mock interview round 1" in m.content]
        copies[member.id] = copy.id
    assert world.rows("SELECT delivery FROM mock_groups") == [("dm",)]
    assert dict(world.rows("SELECT user_id, dm_message_id FROM mock_group_members")) == copies


async def dm_checkin_invariants(world: World, restart: int) -> None:
    """A group told by DM is asked how it went once per member, and the question still answers."""
    await world.serve_until(lambda: world.rows("SELECT status FROM mock_rounds WHERE number = 1") == [("closed",)],
                            "round 1 to close")
    for member in (world.alice, world.bob):
        asked = [m for m in member.dms if m.content.startswith("Round 1 is ending")]
        assert len(asked) == 1, f"{member.name} was asked {len(asked)} times"
    pressed = await world.press(world.bob, asked[0], "We met")
    assert pressed.response_type is not None


NUDGE = DAY.replace(hour=8, second=1) + timedelta(days=5)  # two days before the end of the round mock_paired makes


def _nudge_sent(world: World) -> bool:
    return world.rows("SELECT nudge_sent_at IS NOT NULL FROM mock_meetings") == [(1,)]


async def nudge_invariants(world: World, restart: int) -> None:
    """A group without a time is nudged exactly once, whichever step the crash fell after."""
    await world.serve_until(lambda: _nudge_sent(world), "the nudge to be recorded sent")
    thread = next(t for t in world.guild.threads if t.name.startswith("Mock #1 "))
    assert len([m for m in thread.messages if m.content.startswith("⏳ Round 1 ends")]) == 1


async def dm_nudge_invariants(world: World, restart: int) -> None:
    await world.serve_until(lambda: _nudge_sent(world), "the nudge to be recorded sent")
    for member in (world.alice, world.bob):
        assert len([m for m in member.dms if m.content.startswith("⏳ Round 1 ends")]) == 1, member.name


PARTNER_LEFT = "👋 Round 1: your partner left the server"


def _departure_told(world: World) -> bool:
    return world.rows("SELECT told_at IS NOT NULL FROM mock_departures") == [(1,)]


def brief_of(thread: SimChannel) -> SimMessage:
    """The group's brief, edited in place once a member has left."""
    return next(m for m in thread.messages if m.embeds and "mock interview round" in m.content)


def dm_brief(member: SimMember) -> SimMessage:
    """``member``'s copy of the brief of a group told by DM."""
    return next(m for m in member.dms if m.embeds and "mock interview round" in m.content)


def briefs(world: World) -> list[SimMessage]:
    """The pair's brief: one in their thread, or each member's copy in their DMs."""
    if world.guild.threads:
        return [brief_of(world.guild.threads[0])]
    return [dm_brief(member) for member in (world.alice, world.bob)]


async def departure_invariants(world: World, restart: int) -> None:
    """The partner who stayed hears once that the interview is off, whichever step the crash fell after; the
    interview is cancelled and nobody is nudged about it."""
    await world.serve_until(lambda: _departure_told(world), "the departure to be recorded told")
    thread = next(t for t in world.guild.threads if t.name.startswith("Mock #1 "))
    assert len([m for m in thread.messages if m.content.startswith(PARTNER_LEFT)]) == 1
    await world.serve_until(lambda: " is off for your group, because " in brief_of(thread).content,
                            "the brief to say the interview is off")
    assert brief_of(thread).button_labels == []
    assert not any(m.content.startswith("⏳ Round 1 ends") for m in thread.messages)
    assert world.rows("SELECT status FROM mock_meetings") == [("cancelled",)]
    assert world.rows("SELECT user_id, told_at IS NOT NULL FROM mock_left_out") == [(world.alice.id, 1)]


async def dm_departure_invariants(world: World, restart: int) -> None:
    await world.serve_until(lambda: _departure_told(world), "the departure to be recorded told")
    assert len([m for m in world.alice.dms if m.content.startswith(PARTNER_LEFT)]) == 1
    assert not any(m.content.startswith(PARTNER_LEFT) for m in world.bob.dms)
    assert not any(m.content.startswith("⏳ Round 1 ends") for m in world.alice.dms)
    # Alice's copy of the brief says the interview is off, with nothing left to press.
    await world.serve_until(lambda: "is off for your group" in dm_brief(world.alice).content,
                            "alice's brief to say it is off")
    assert dm_brief(world.alice).button_labels == []


async def trio_departure_invariants(world: World, restart: int) -> None:
    """The trio left as a pair hears once that its observer takes the interviewer's part; the role and the pair's
    hour are stored once (neither redone nor undone by a restart), the agreed time keeps its start and version
    (its reminders stand), and the event ends an hour after that start."""
    await world.serve_until(lambda: _departure_told(world), "the departure to be recorded told")

    def event_minutes() -> float | None:
        events = list(world.guild.scheduled_events.values())
        if len(events) != 1:
            return None
        start, end = (datetime.fromisoformat(events[0][f"scheduled_{edge}_time"]) for edge in ("start", "end"))
        return (end - start).total_seconds() / 60

    await world.serve_until(lambda: event_minutes() == 60, "the event to be brought in line")
    [(gone,)] = world.rows("SELECT user_id FROM mock_departures")
    [(observer,)] = world.rows("SELECT user_id FROM mock_group_members WHERE role = 'interviewer' AND user_id <> ?",
                               (gone,))
    assert world.rows("SELECT COUNT(*) FROM mock_group_members WHERE role = 'observer'") == [(0,)]
    thread = next(t for t in world.guild.threads if t.name.startswith("Mock #1 "))
    [told] = [m for m in thread.messages if m.content.startswith("👋 Round 1: a member of your group")]
    assert told.content.endswith(f"<@{observer}>, you take the interviewer's part.")
    await world.serve_until(lambda: "you are a pair" in brief_of(thread).content, "the brief to show the pair")
    meet = int(datetime(2026, 3, 8, 10, tzinfo=UTC).timestamp())
    assert f"\nYou meet <t:{meet}:F>" in brief_of(thread).embeds[-1]["description"]
    assert world.rows("SELECT status, minutes, version, event_version FROM mock_meetings") == [("agreed", 60, 1, 1)]
    [event] = world.guild.scheduled_events.values()
    assert datetime.fromisoformat(event["scheduled_start_time"]) == datetime(2026, 3, 8, 10, tzinfo=UTC)


async def untimed_trio_departure_invariants(world: World, restart: int) -> None:
    """A trio left as a pair before agreeing a time hears once that it carries on, with how many times its picker
    offers now; the times that suit the two were stored with the departure, once, and the interview is open for
    a pair's hour."""
    await world.serve_until(lambda: _departure_told(world), "the departure to be recorded told")
    thread = next(t for t in world.guild.threads if t.name.startswith("Mock #1 "))
    [told] = [m for m in thread.messages if m.content.startswith("👋 Round 1: a member of your group")]
    assert " **Pick times** now offers " in told.content and told.content.endswith(" for the two of you."), told.content
    await world.serve_until(lambda: "you are a pair" in brief_of(thread).content, "the brief to show the pair")
    assert "\nTimes you can pick now" in brief_of(thread).embeds[-1]["description"]
    [(found_at,)] = world.rows("SELECT found_at FROM mock_departures")
    [(added,)] = world.rows("SELECT COUNT(*) FROM mock_time_options WHERE proposed_by IS NULL AND created_at = ?",
                            (found_at,))
    assert 1 <= added <= 3, added  # the two's own suggestions, as many as a brief offers at most
    assert world.rows("SELECT status, minutes FROM mock_meetings") == [("open", 60)]
    assert world.rows("SELECT COUNT(*) FROM mock_group_members WHERE role = 'observer'") == [(0,)]


async def confirmation_invariants(world: World, restart: int) -> None:
    """Bob's acceptance agreed the time once, and the pair hears once that it is confirmed, whichever step the
    crash fell after: its event is placed and the confirmation recorded told."""
    await world.serve_until(lambda: world.rows("SELECT status, version, told_version FROM mock_meetings")
                            == [("agreed", 1, 1)], "the confirmation to be recorded told")
    meet = int(MEETING.timestamp())
    for member in (world.alice, world.bob):  # one thread, or each member's DMs
        confirmed = [m for m in told(world, member) if m.content.startswith("✅ Interview ")]
        assert [m.content.split(" (")[0] for m in confirmed] == [f"✅ Interview confirmed for <t:{meet}:F>"]
        assert confirmed[0].button_labels  # with its buttons (Add to calendar, moving or cancelling)
    await world.serve_until(lambda: all(brief.embeds[-1]["description"].startswith(f"✅ Agreed: <t:{meet}:F>")
                                        for brief in briefs(world)), "the brief to show the agreed time")
    await world.serve_until(lambda: len(world.guild.scheduled_events) == 1, "the event to be placed")
    assert world.rows("SELECT COUNT(*) FROM mock_reminders") == [(4,)]  # a day and 15 minutes before, each


def proposal_invariants(shown: str, when: datetime, version: int) -> Callable[[World, int], Awaitable[None]]:
    """Alice's proposal (``shown`` at ``when``) is stored once and shown to the pair once, whichever step the
    crash fell after, with its Accept button; after the first restart Bob accepts it from that message, which
    agrees the meeting's ``version``."""
    async def check(world: World, restart: int) -> None:
        await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM mock_time_options WHERE told = 0") == [(0,)],
                                "the proposal to be recorded posted")
        heading = f"🗓️ {world.alice.mention} proposes {shown} <t:{int(when.timestamp())}:F>"
        for member in (world.alice, world.bob):  # one thread, or each member's DMs
            proposals = [m for m in told(world, member) if m.content.startswith(heading)]
            assert len(proposals) == 1, [m.content for m in told(world, member)]
            assert proposals[0].button_labels == ["Accept this time"]
        [(message_id,)] = world.rows("SELECT message_id FROM mock_time_options WHERE starts_at = ? AND proposed_by = ?",
                                     (int(when.timestamp()), world.alice.id))
        shown_to_bob = next(m for m in told(world, world.bob) if m.content.startswith(heading))
        assert message_id == (shown_to_bob.id if world.guild.threads else None)  # the one Bob accepts from
        if restart == 0:
            await world.press(world.bob, shown_to_bob, "Accept this time")
        await world.serve_until(lambda: world.rows("SELECT status, version, told_version FROM mock_meetings")
                                == [("agreed", version, version)], "Bob's acceptance to be confirmed")
    return check


async def cancellation_invariants(world: World, restart: int) -> None:
    """Alice's cancellation is stored once, and the pair hears of it once, whichever step the crash fell after;
    the event goes."""
    await world.serve_until(lambda: world.rows("SELECT status, cancel_told FROM mock_meetings")
                            == [("cancelled", 1)], "the cancellation to be recorded told")
    for member in (world.alice, world.bob):  # one thread, or each member's DMs
        cancelled = [m.content for m in told(world, member) if m.content.startswith("✖️ ")]
        assert cancelled == [f"✖️ {world.alice.mention} cancelled this interview. Reason: Flu, sorry\nIts event and "
                             "reminders are gone. A moderator can pair you again this round with pair-now."]
    for brief in briefs(world):  # the brief says it is off and offers nothing more to press
        assert brief.embeds[-1]["description"].startswith(f"✖️ Cancelled by {world.alice.mention}")
        assert brief.button_labels == []
    await world.serve_until(lambda: not world.guild.scheduled_events, "the event to be removed")


async def round_cancel_invariants(world: World, restart: int) -> None:
    """A moderator's cancellation of the round is stored once with its interview and audit row, and the pair
    hears of it once, whichever step the crash fell after; the brief closes and the event goes."""
    await world.serve_until(lambda: world.rows("SELECT status, cancel_told FROM mock_rounds") == [("cancelled", 1)],
                            "the round's cancellation to be recorded told")
    assert world.rows("SELECT status FROM mock_meetings") == [("cancelled",)]
    assert world.rows("SELECT COUNT(*) FROM audit_log WHERE action = 'mock.cancel-round'") == [(1,)]
    for member in (world.alice, world.bob):  # one thread, or each member's DMs
        heard = [m.content for m in told(world, member) if m.content.startswith("✖️ Round 1 was cancelled")]
        assert heard == ["✖️ Round 1 was cancelled by a moderator. No need to meet; see you next round."]
    for brief in briefs(world):
        assert brief.embeds[-1]["description"].startswith("✖️ Round 1 was cancelled by a moderator")
        assert brief.button_labels == []
    await world.serve_until(lambda: not world.guild.scheduled_events, "the event to be removed")


async def outcome_invariants(world: World, restart: int) -> None:
    met = world.rows("SELECT COUNT(*) FROM mock_groups WHERE outcome = 'met'")[0][0]
    credited = world.rows("SELECT COUNT(DISTINCT user_id) FROM activity WHERE kind = 'mock'")[0][0]
    assert credited == 2 * met
    pressed = await world.press(world.bob, checkin(world), "We met")
    assert pressed.response_type is not None
    await world.serve_until(lambda: world.rows("SELECT COUNT(DISTINCT user_id) FROM activity WHERE kind = 'mock'")
                            == [(2,)], "both members credited")


async def noshow_pause_invariants(world: World, restart: int) -> None:
    """Bob, reported absent twice in a row, is paused with both absences recorded and told exactly once."""
    assert world.rows("SELECT COUNT(*) FROM mock_noshows WHERE user_id = ?", (world.bob.id,)) == [(2,)]
    assert world.rows("SELECT status, pause_reason, pause_told FROM mock_participants WHERE user_id = ?",
                      (world.bob.id,)) == [("paused", "no-show", 1)]
    told = [m for m in world.bob.dms if m.content.startswith("You were reported absent from your last two")]
    assert len(told) == 1
    assert not any("reported absent" in m.content for m in world.alice.dms)


async def noshow_withdrawn_invariants(world: World, restart: int) -> None:
    """Alice took back her second report: Bob's pause is lifted with it, and he is told exactly once."""
    assert world.rows("SELECT COUNT(*) FROM mock_noshows WHERE user_id = ?", (world.bob.id,)) == [(1,)]
    assert world.rows("SELECT status, pause_reason, pause_told FROM mock_participants WHERE user_id = ?",
                      (world.bob.id,)) == [("active", None, 1)]
    told = [m for m in world.bob.dms if m.content.startswith("Your partner withdrew the report")]
    assert len(told) == 1


async def dispute_invariants(world: World, restart: int) -> None:
    """Bob says they met: Alice's report stands until she agrees, and she is asked exactly once, recorded as asked."""
    assert world.rows("SELECT reported_by, disputed_at IS NOT NULL, dispute_asked FROM mock_noshows "
                      "WHERE user_id = ?", (world.bob.id,)) == [(world.alice.id, 1, 1)]
    asked = [m for m in world.alice.dms if m.content.startswith(f"<@{world.bob.id}> says the two of you did meet")]
    assert len(asked) == 1
    assert world.rows("SELECT COUNT(*) FROM activity WHERE kind = 'mock'") == [(0,)]


async def silent_pause_invariants(world: World, restart: int) -> None:
    """Bob, silent in three pairings, is paused by the next round and told exactly once; Alice is not."""
    assert world.rows("SELECT user_id, status, pause_reason, pause_told FROM mock_participants ORDER BY user_id") == \
        sorted([(world.alice.id, "active", None, 1), (world.bob.id, "paused", "silent", 1)])
    told = [m for m in world.bob.dms if m.content.startswith("Your last three mock-interview pairings")]
    assert len(told) == 1
    assert not any(m.content.startswith("Your last three") for m in world.alice.dms)


def feedback_messages(world: World) -> list:
    thread = next(t for t in world.guild.threads if t.name.startswith("Mock #1 "))
    return [m for m in thread.messages if m.content.startswith(f"📝 Feedback for <@{world.bob.id}>")]


async def feedback_invariants(world: World, restart: int) -> None:
    """Stored feedback reaches the partner exactly once, even when the process died before or after sharing it."""
    assert world.rows("SELECT COUNT(*) FROM mock_feedback") in ([(0,)], [(1,)])
    if world.rows("SELECT COUNT(*) FROM mock_feedback") == [(1,)]:
        await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM mock_feedback WHERE shared_at IS NOT NULL")
                                == [(1,)], "the stored feedback to be shared")
        [shared] = feedback_messages(world)  # posted once: found, not posted again, after a crash past the post
        assert world.rows("SELECT message_id FROM mock_feedback") == [(shared.id,)]
    else:
        assert feedback_messages(world) == []
    await outcome_invariants(world, restart)


async def repair_invariants(world: World, restart: int) -> None:
    repaired = world.rows("SELECT COUNT(*) FROM activity WHERE kind = 'repair'")[0][0]
    audited = world.rows("SELECT COUNT(*) FROM audit_log WHERE action = 'streak.repair'")[0][0]
    assert repaired == audited == 1
    await world.serve_until(lambda: world.rows("SELECT total_days FROM streaks WHERE user_id = ?",
                                               (world.alice.id,)) == [(1,)], "the streak summary to be rebuilt")


async def highlight_invariants(world: World, restart: int) -> None:
    thread = next(t for t in world.guild.threads if t.id == world.posts("Day ")[0].id)
    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM daily_posts WHERE status = 'sent'")[0][0] >= 1,
                            "the ledger")
    highlights = [m for m in thread.messages if m.content.startswith("🌟 **Day 1 has closed.**")]
    assert len(highlights) <= 1, "the day's highlight was posted twice"
    told = [m for m in world.alice.dms if "most helpful" in m.content]
    assert len(told) <= 1, "the highlighted author was told twice"
    if restart == 2:  # by the next day the close has run again and finished, and the author was told once
        await world.serve_until(lambda: sum(m.content.startswith("🌟 **Day 1 has closed.**")
                                            for m in thread.messages) == 1, "the day's highlight")
        await world.serve_until(lambda: world.rows("SELECT authors_told FROM daily_closes WHERE local_date = ?",
                                                   (DAY.date().isoformat(),)) == [(1,)],
                                "the author to be told")
        assert len([m for m in world.alice.dms if "most helpful" in m.content]) == 1


async def practice_invariants(world: World, restart: int) -> None:
    credits_match(world, "practice_answers", "answer")


async def reminder_invariants(world: World, restart: int) -> None:
    """Each member gets the day-before reminder once, however the process died; none once it has begun."""
    def reminders(member: SimMember, lead: str) -> int:
        return sum(f"Your mock interview is {lead}" in m.content for m in member.dms)

    if restart < 2:
        await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM mock_reminders WHERE kind = 'day' "
                                                   "AND sent_at IS NULL") == [(0,)], "both reminders to be sent")
    for member in (world.alice, world.bob):
        assert reminders(member, "in 24 hours") == 1, f"{member.name} got {reminders(member, 'in 24 hours')}"
        assert reminders(member, "in 15 minutes") == 0  # restart 2 comes after the interview began


async def milestone_invariants(world: World, restart: int) -> None:
    def celebrations() -> list:
        return [m for m in world.daily.messages if "7-day streak" in m.content and world.alice.mention in m.content]

    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM streak_milestones WHERE milestone = 7 "
                                               "AND message_id IS NOT NULL") == [(1,)], "the celebration recorded")
    [celebration] = celebrations()
    assert world.rows("SELECT message_id FROM streak_milestones WHERE milestone = 7") == [(celebration.id,)]


async def streak_reminder_invariants(world: World, restart: int) -> None:
    def reminders() -> list:
        return [m for m in world.alice.dms if "is waiting for today" in m.content]

    if restart < 2:
        await world.serve_until(lambda: world.rows("SELECT last_sent_date FROM streak_reminders") == [("2026-03-02",)],
                                "today's reminder marked sent")
        assert len(reminders()) == 1
    contents = [m.content for m in reminders()]
    assert len(set(contents)) == len(contents), "a day's reminder came twice"


def _holds_reward(world: World) -> bool:
    return reward_role(world).id in world.guild.members[world.alice.id].role_ids


async def reward_grant_invariants(world: World, restart: int) -> None:
    """A grant recorded as pending before a crash is settled by the next pass: the role is held and the
    grant confirmed while the streak lasts (never a role the bot forgot it gave)."""
    if restart < 2:  # the streak still lives: the role is held and its grant confirmed
        await world.serve_until(lambda: world.rows("SELECT pending FROM role_grants") == [(0,)]
                                and _holds_reward(world), "the role given and its grant confirmed")
    else:  # whether a freeze kept the streak or not, what is held and what is recorded agree
        await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM role_grants WHERE pending = 1") == [(0,)],
                                "no grant left pending")
        assert _holds_reward(world) == (world.rows("SELECT COUNT(*) FROM role_grants") == [(1,)])


async def deletion_roles_invariants(world: World, restart: int) -> None:
    """Stopped after the role was taken back and before the data went: the data is whole, and the next pass
    settles the grant marked pending (gives the role back while it is earned), so held and recorded agree."""
    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM role_grants WHERE pending = 1") == [(0,)],
                            "no grant left pending")
    assert _holds_reward(world) == (world.rows("SELECT COUNT(*) FROM role_grants") == [(1,)])
    assert world.rows("SELECT COUNT(*) > 0 FROM activity WHERE user_id = ?", (world.alice.id,)) == [(1,)]
    if restart < 2:  # the streak still lives
        assert _holds_reward(world)


async def reward_removal_invariants(world: World, restart: int) -> None:
    """A role taken back just before a crash is not left recorded: the next pass forgets it (taking it back
    again changes nothing), and nothing gives it back while the streak is over."""
    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM role_grants") == [(0,)], "the grant forgotten")
    assert not _holds_reward(world)


def queue_messages(world: World) -> list:
    assert world.mods is not None
    return [m for m in world.mods.messages if m.embeds and m.embeds[0].get("title", "").startswith("Card suggestion #")]


async def queue_invariants(world: World, restart: int) -> None:
    """The suggestion is in the review channel once, that message is the one recorded, and a decision made
    with ``/review queue`` updates it, whichever step the crash fell after."""
    from bot.localdiscord import Reply

    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM suggestions WHERE queue_message_id IS NOT NULL "
                                               "AND queue_claimed_at IS NULL") == [(1,)], "the queue message recorded")
    [queued] = queue_messages(world)
    assert world.rows("SELECT queue_message_id FROM suggestions") == [(queued.id,)]
    if restart == 0:
        assert queued.button_labels == ["Approve", "Edit", "Reject"]
        opened = await world.slash(world.mod, "review queue")
        await world.press(world.mod, Reply(opened), "Approve")
    await world.serve_until(lambda: queued.button_labels == [] and "approved" in str(queued.embeds),
                            "the queue message to show the decision")


async def decision_invariants(world: World, restart: int) -> None:
    """The approval is whole (the card is the server's), its queue message shows it, and its author has one DM
    about it and it is marked told, whichever step the crash fell after."""
    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM suggestions WHERE author_told_at IS NOT NULL")
                            == [(1,)], "the decision marked told")
    assert world.rows("SELECT status FROM suggestions") == [("approved",)]
    assert world.rows("SELECT COUNT(*) FROM server_items") == [(1,)]
    notices = [m.content for m in world.alice.dms if "approved" in m.content]
    assert len(notices) == 1, f"the author was told {len(notices)} times"
    [queued] = queue_messages(world)
    await world.serve_until(lambda: queued.button_labels == [] and "approved" in str(queued.embeds),
                            "the queue message to show the decision")


async def backup_invariants(world: World, restart: int) -> None:
    folder = world.db_path.parent / "backups"
    for backup in sorted(folder.glob("studybot-*.sqlite3")):
        with sqlite3.connect(backup) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], f"{backup.name} is damaged"


def answers_shown(world: World) -> list[SimMessage]:
    thread = next(t for t in world.guild.threads if t.id == world.posts("Day ")[0].id)
    return [m for m in thread.messages if m.content.startswith("Answer from")]


def moderators_told(world: World) -> list[SimMessage]:
    return [m for m in world.room.messages if "could not delete" in m.content]


async def privacy_invariants(world: World, restart: int) -> None:
    """The member's rows are gone, and the answer the bot showed for them is deleted on Discord."""
    await world.serve_until(lambda: all(m.deleted for m in answers_shown(world))
                            and world.rows("SELECT COUNT(*) FROM pending_message_deletions") == [(0,)],
                            "the answer deleted on Discord and the queue empty")
    assert world.rows("SELECT COUNT(*) FROM daily_answers WHERE user_id = ?", (world.alice.id,)) == [(0,)]
    assert world.rows("SELECT COUNT(*) FROM activity WHERE user_id = ?", (world.alice.id,)) == [(0,)]
    assert len(answers_shown(world)) == 1 and moderators_told(world) == []
    # Stopped after the delete and before forgetting it, the bot deletes again and Discord says the message is
    # gone (10008): that answer is what it needed (a 404 does not count against the invalid-request limit).
    world.sim.errors[:] = [e for e in world.sim.errors if not (e.method == "DELETE" and e.status == 404)]


async def unreachable_invariants(world: World, restart: int) -> None:
    """The answer stays (Discord gives the bot no way to delete it) and the moderators are told once where."""
    await world.serve_until(lambda: bool(moderators_told(world))
                            and world.rows("SELECT COUNT(*) FROM pending_message_deletions") == [(0,)],
                            "the moderators told and the queue empty")
    [notice] = moderators_told(world)
    [answer] = answers_shown(world)
    assert not answer.deleted and f"/{answer.channel_id}/{answer.id}" in notice.content
    assert world.rows("SELECT COUNT(*) FROM daily_answers WHERE user_id = ?", (world.alice.id,)) == [(0,)]


def notices(world: World, words: str) -> list[SimMessage]:
    assert world.mods is not None
    return [m for m in world.mods.messages if words in m.content]


def fields_of(interaction: SimInteraction) -> str:
    from bot.localdiscord import Reply

    return "\n".join(f"{f['name']}: {f['value']}" for embed in Reply(interaction).embeds
                     for f in embed.get("fields", []))


async def daily_notice_invariants(world: World, restart: int) -> None:
    """The moderators are told once: a bot stopped before posting the stored notice posts it at its restart, one
    stopped after posting finds it; the status command names the problem, and the next day's post fails for the
    same reason without a second notice."""
    undelivered = "could not deliver today's study prompt"
    await world.serve_until(lambda: bool(notices(world, undelivered))
                            and world.rows("SELECT failure_notice_told FROM daily_schedule") == [(1,)],
                            "the moderators told and the notice marked told")
    if restart == 2:
        await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM daily_posts WHERE status = 'failed'")
                                == [(2,)], "the second day's post to fail too")
    status = await world.slash(world.mod, "daily status")
    assert "Send Messages" in fields_of(status)
    [notice] = notices(world, undelivered)
    assert "Send Messages" in notice.content
    assert world.posts("Day ") == []


async def mock_notice_invariants(world: World, restart: int) -> None:
    """The round runs without its channel (the pair is told in its private thread) and is not announced; the
    moderators are told once whether the bot stopped before or after posting the stored notice, and
    `/studybot settings show` names what is missing."""
    await world.serve_until(lambda: world.rows("SELECT COUNT(*) FROM mock_groups WHERE delivery = 'pending'")
                            == [(0,)] and world.rows("SELECT channel_notice_told FROM mock_rounds") == [(1,)],
                            "the pair and the moderators told")
    [thread] = [t for t in world.guild.threads if t.name.startswith("Mock #1 ")]
    assert sum(bool(m.embeds) for m in thread.messages) == 1
    assert not any("Mock interview round 1" in m.content for m in world.room.messages)
    [notice] = notices(world, "Mock-interview round 1")
    assert "Send Messages" in notice.content
    shown = await world.slash(world.mod, "studybot settings show")
    assert f"missing **Send Messages** in {world.room.mention}" in fields_of(shown)


@dataclass(frozen=True)
class Scenario:
    prepare: Callable[[World], Awaitable[None]]
    crash_at: datetime
    trigger: Callable[[World], Awaitable[None]]
    check: Callable[[World, int], Awaitable[None]]


def _posts_check(kind: str) -> Callable[[World, int], Awaitable[None]]:
    async def check(world: World, restart: int) -> None:
        days = 2 if restart == 2 else 1
        await (daily_invariants if kind == "daily" else quiz_invariants)(world, days)
    return check


# A quiz whose post was deleted shows its answer in a new message: every step of its close, swept apart.
DELETED_QUIZ_SCENARIOS = {point: Scenario(quiz_posted_then_deleted, DAY.replace(hour=10, minute=6), nothing,
                                          deleted_quiz_invariants) for point in FLOWS["quiz-close-deleted"]}


NINE = DAY.replace(hour=9, second=1)
SCENARIOS: dict[str, Scenario] = {
    **{point: Scenario(daily_at_nine, NINE, nothing, _posts_check("daily")) for point in FLOWS["daily-post"]},
    "daily.forum-posted": Scenario(forum_daily_at_nine, NINE, nothing, forum_invariants),
    **{point: Scenario(quiz_at_nine, NINE, nothing, _posts_check("quiz")) for point in FLOWS["quiz-post"]},
    **{point: Scenario(quiz_posted, DAY.replace(hour=10, minute=6), nothing, _posts_check("quiz"))
       for point in FLOWS["quiz-close"]},
    "quiz.results-posted": DELETED_QUIZ_SCENARIOS["quiz.results-posted"],
    **{point: Scenario(daily_posted, DAY.replace(hour=9, minute=10), answer_the_prompt, answer_invariants)
       for point in FLOWS["daily-answer"]},
    "answer.thread-started": Scenario(daily_posted_without_thread, DAY.replace(hour=9, minute=10),
                                      answer_the_prompt, late_thread_answer_invariants),
    **{point: Scenario(daily_answered_and_marked, DAY.replace(hour=9, minute=19, second=58) + timedelta(days=1),
                       nothing, highlight_invariants) for point in FLOWS["day-highlight"]},
    "practice.saved": Scenario(daily_at_nine, DAY.replace(hour=8), practise, practice_invariants),
    "grade.saved": Scenario(daily_at_nine, DAY.replace(hour=8), grade_a_card, grade_invariants),
    "grade.undone": Scenario(daily_at_nine, DAY.replace(hour=8), grade_then_undo, undo_invariants),
    "pick.saved": Scenario(quiz_posted, DAY.replace(hour=9, minute=10), pick_an_option, pick_invariants),
    **{point: Scenario(mock_signed_up_with_one_left_out, DAY.replace(hour=8), pair_now, announce_invariants)
       for point in FLOWS["mock-announce"]},
    **{point: Scenario(mock_paired, DAY.replace(hour=8) + timedelta(days=7), nothing, checkin_invariants)
       for point in FLOWS["mock-checkin"]},
    **{point: Scenario(mock_paired, NUDGE, nothing, nudge_invariants) for point in FLOWS["mock-nudge"]},
    **{point: Scenario(mock_paired_then_partner_left, NUDGE, nothing, departure_invariants)
       for point in FLOWS["mock-departure"]},
    "outcome.saved": Scenario(mock_checked_in, DAY.replace(hour=8) + timedelta(days=8), report_met,
                              outcome_invariants),
    **{point: Scenario(mock_checked_in, DAY.replace(hour=8) + timedelta(days=8), give_feedback, feedback_invariants)
       for point in FLOWS["mock-feedback"]},
    **{point: Scenario(mock_absent_once_then_checked_in_again, DAY.replace(hour=8) + timedelta(days=15),
                       report_absent_again, noshow_pause_invariants) for point in FLOWS["mock-noshow-pause"]},
    **{point: Scenario(mock_absent_twice, DAY.replace(hour=8) + timedelta(days=15), say_we_met_after_all,
                       noshow_withdrawn_invariants) for point in FLOWS["mock-noshow-withdrawn"]},
    **{point: Scenario(mock_reported_absent, DAY.replace(hour=8) + timedelta(days=8), dispute_the_report,
                       dispute_invariants) for point in FLOWS["mock-noshow-disputed"]},
    "mock.silent-paused": Scenario(mock_silent_three_rounds, DAY.replace(hour=9) + timedelta(days=21), pair_now,
                                   silent_pause_invariants),
    **{point: Scenario(mock_paired, DAY.replace(hour=9), propose_a_time,
                       proposal_invariants("meeting at", MEETING, 1)) for point in FLOWS["mock-proposal"]},
    **{point: Scenario(mock_time_proposed, DAY.replace(hour=9), accept_the_time, confirmation_invariants)
       for point in FLOWS["mock-confirmation"]},
    **{point: Scenario(mock_agreed_on_monday, DAY.replace(hour=9), cancel_the_interview, cancellation_invariants)
       for point in FLOWS["mock-cancellation"]},
    **{point: Scenario(mock_agreed_on_monday, DAY.replace(hour=9), cancel_the_round, round_cancel_invariants)
       for point in FLOWS["mock-round-cancel"]},
    **{point: Scenario(mock_time_agreed, MEETING - timedelta(hours=24) + timedelta(seconds=1), nothing,
                       reminder_invariants) for point in FLOWS["mock-reminder"]},
    **{point: Scenario(six_days_then_posted, DAY.replace(hour=9, minute=10), answer_the_prompt,
                       milestone_invariants) for point in FLOWS["streak-milestone"]},
    **{point: Scenario(reminder_at_eight_pm, DAY.replace(hour=20, minute=5), nothing, streak_reminder_invariants)
       for point in FLOWS["streak-reminder"]},
    "repair.saved": Scenario(daily_at_nine, DAY.replace(hour=8), repair_a_day, repair_invariants),
    **{point: Scenario(seven_day_streak_rewarded, DAY.replace(hour=8, minute=9, second=58), nothing,
                       reward_grant_invariants) for point in FLOWS["reward-grant"]},
    "reward.taken": Scenario(reward_given_then_streak_over, DAY.replace(hour=8, minute=9, second=58) + timedelta(days=5),
                             nothing, reward_removal_invariants),
    **{point: Scenario(review_channel_chosen, DAY.replace(hour=8), suggest_a_card, queue_invariants)
       for point in FLOWS["review-queue-post"]},
    **{point: Scenario(card_waiting_for_review, DAY.replace(hour=8), approve_the_suggestion, decision_invariants)
       for point in FLOWS["suggestion-decision"]},
    **{point: Scenario(daily_answered, DAY.replace(hour=9, minute=10), delete_my_data, privacy_invariants)
       for point in ("privacy.queued", "privacy.deleted")},
    "privacy.roles-taken": Scenario(reward_given_then_streak_over, DAY.replace(hour=8, minute=12), delete_my_data,
                                    deletion_roles_invariants),
    "privacy.told": Scenario(daily_answered_then_out_of_reach, DAY.replace(hour=12, minute=10) + timedelta(days=1),
                             delete_my_data, unreachable_invariants),
    **{point: Scenario(daily_refused_at_nine, NINE, nothing, daily_notice_invariants)
       for point in FLOWS["moderator-notice"]},
    **{point: Scenario(mock_signed_up_in_a_closed_channel, DAY.replace(hour=8), pair_now, mock_notice_invariants)
       for point in FLOWS["mock-channel-notice"]},
    **{point: Scenario(server_added_while_offline, DAY.replace(hour=8), nothing, welcome_invariants)
       for point in FLOWS["welcome"]},
    **{point: Scenario(mods_channel_made, DAY.replace(hour=8), choose_notices_channel, notices_intro_invariants)
       for point in FLOWS["notices-intro"]},
    "backup.written": Scenario(daily_at_nine, DAY.replace(hour=3, minute=29, second=59) + timedelta(days=1),
                               nothing, backup_invariants),
}


def test_the_sweep_covers_every_declared_crash_point() -> None:
    assert set(SCENARIOS) == set(ALL_POINTS)


def _durable_call(func: ast.expr) -> str | None:
    """``publish_once(...)``, or a streak credit: ``<...activity>.credit(...)`` / ``.credit_in(...)``.

    Only a credit on the activity service counts; another feature's ``credit_in`` (whom a card is
    credited to) is a read."""
    if isinstance(func, ast.Name) and func.id == "publish_once":
        return func.id
    if isinstance(func, ast.Attribute):
        if func.attr == "publish_once":
            return func.attr
        if func.attr in {"credit", "credit_in"} and "activity" in ast.unparse(func.value):
            return func.attr
    return None


def test_every_durable_flow_declares_crash_points_and_every_point_is_placed() -> None:
    """A new flow (a ledger post, a credited action) without crash points fails here."""
    placed: set[str] = set()
    unmarked: list[str] = []
    for path in [*sorted((PACKAGE_ROOT / "bot").rglob("*.py")), *sorted((PACKAGE_ROOT / "cogs").rglob("*.py"))]:
        tree = ast.parse(path.read_text())
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        points = {c.args[0].value for c in calls if getattr(c.func, "id", None) == "crash_point"
                  and c.args and isinstance(c.args[0], ast.Constant)}
        placed |= points
        durable = {name for c in calls if (name := _durable_call(c.func))}
        if durable and not points and path.name not in {"flow.py", "activity.py"}:
            unmarked.append(f"{path.relative_to(PACKAGE_ROOT)} ({', '.join(sorted(durable))})")
    assert not unmarked, f"durable flows without crash points: {unmarked}"
    assert placed == set(ALL_POINTS), f"declared but never placed: {set(ALL_POINTS) - placed}"
    assert all(points for points in FLOWS.values())


# The forum path shares the daily flow's claim and record points; each is swept in a forum too.
FORUM_SCENARIOS = {point: Scenario(forum_daily_at_nine, NINE, nothing, forum_invariants)
                   for point in FLOWS["daily-forum-post"]}


# Without private threads a group is told by DM, one conversation per member: swept apart.
DM_SCENARIOS = {
    "mock.group-told": Scenario(by_dm(mock_signed_up), DAY.replace(hour=8), pair_now, dm_brief_invariants),
    **{point: Scenario(mock_paired_by_dm, DAY.replace(hour=8) + timedelta(days=7), nothing, dm_checkin_invariants)
       for point in FLOWS["mock-checkin"]},
    **{point: Scenario(mock_paired_by_dm, NUDGE, nothing, dm_nudge_invariants) for point in FLOWS["mock-nudge"]},
    **{point: Scenario(mock_paired_by_dm_then_partner_left, NUDGE, nothing, dm_departure_invariants)
       for point in FLOWS["mock-departure"]},
    **{point: Scenario(by_dm(mock_time_proposed), DAY.replace(hour=9), accept_the_time, confirmation_invariants)
       for point in FLOWS["mock-confirmation"]},
    # A proposed move can be accepted only from its message; by DM, each member's DMs are read after a restart.
    **{point: Scenario(by_dm(mock_agreed_on_monday), DAY.replace(hour=9), propose_a_move,
                       proposal_invariants("moving the interview to", datetime(2026, 3, 4, 18, tzinfo=UTC), 2))
       for point in FLOWS["mock-proposal"]},
    **{point: Scenario(by_dm(mock_agreed_on_monday), DAY.replace(hour=9), cancel_the_interview,
                       cancellation_invariants)
       for point in FLOWS["mock-cancellation"]},
    **{point: Scenario(by_dm(mock_agreed_on_monday), DAY.replace(hour=9), cancel_the_round, round_cancel_invariants)
       for point in FLOWS["mock-round-cancel"]},
}


# A trio left as a pair: the observer's new part and the pair's length are stored with the departure.
TRIO_SCENARIOS = {point: Scenario(mock_trio_agreed_then_interviewer_left, NUDGE, nothing, trio_departure_invariants)
                  for point in FLOWS["mock-departure"]}
# The same before a time was agreed: the times the two still share are stored with the departure too.
UNTIMED_TRIO_SCENARIOS = {point: Scenario(mock_trio_then_interviewer_left, NUDGE, nothing,
                                          untimed_trio_departure_invariants)
                          for point in FLOWS["mock-departure"]}


# The silent pause's DM is told through the no-show pause's own step: swept for this flow too.
SILENT_TOLD = Scenario(mock_silent_three_rounds, DAY.replace(hour=9) + timedelta(days=21), pair_now,
                       silent_pause_invariants)


async def test_sigkill_after_telling_a_silent_member_then_three_restarts(world: World) -> None:
    await sweep(world, "mock.pause-told", SILENT_TOLD)


@pytest.mark.parametrize("point", sorted(ALL_POINTS))
async def test_sigkill_at_each_crash_point_then_three_restarts(world: World, point: str) -> None:
    await sweep(world, point, SCENARIOS[point])


@pytest.mark.parametrize("point", sorted(set(FLOWS["daily-forum-post"]) - {"daily.forum-posted"}))
async def test_sigkill_in_the_forum_flow_then_three_restarts(world: World, point: str) -> None:
    await sweep(world, point, FORUM_SCENARIOS[point])


@pytest.mark.parametrize("point", sorted(DM_SCENARIOS))
async def test_sigkill_while_telling_a_group_by_dm_then_three_restarts(world: World, point: str) -> None:
    await sweep(world, point, DM_SCENARIOS[point])


async def sweep(world: World, point: str, scenario: Scenario) -> None:
    await scenario.prepare(world)
    world.clock.set(max(world.clock.now(), scenario.crash_at))
    crashed_at = world.clock.now()
    world.process = BotProcess(world.sim, world.clock, world.db_path, env={ENVIRONMENT_VARIABLE: point})
    await world.process.start()
    await world.serve_until(lambda: "start-up work done" in world.process.output() or not world.process.alive(),
                            "the bot to start")
    await scenario.trigger(world)
    waiting_since = asyncio.get_running_loop().time()
    while world.process.alive():  # the flow reaches the point and the process kills itself
        await world.sim.next_change(0.25)
        assert world.clock.now() - crashed_at < timedelta(minutes=5)
        # The test clock stands still while the flow runs: a point the flow never reaches (its trigger refused,
        # say) would otherwise keep the sweep waiting for ever.
        assert asyncio.get_running_loop().time() - waiting_since < 120, f"{point} was never reached:\n" + \
            world.process.output()[-2000:]
    await world.process.wait_dead()
    assert world.process.process.returncode == -9, f"{point} was never reached:\n{world.process.output()[-2000:]}"
    assert f"crash point {point} reached" in world.process.output()
    for number, delay in enumerate(RESTARTS):
        world.clock.set(crashed_at + delay)
        world.process = BotProcess(world.sim, world.clock, world.db_path)
        starts = world.process.output().count("start-up work done")
        await world.process.start()
        await world.serve_until(lambda n=starts: world.process.output().count("start-up work done") > n,
                                "the restarted bot to finish its start-up work")
        await scenario.check(world, number)
        assert world.rows("PRAGMA integrity_check") == [("ok",)]
        assert await world.process.stop() == 0
    assert not world.sim.errors


# An answer to a post that went without its thread starts the thread first: every step swept there too.
LATE_THREAD_SCENARIOS = {point: Scenario(daily_posted_without_thread, DAY.replace(hour=9, minute=10),
                                         answer_the_prompt, late_thread_answer_invariants)
                         for point in FLOWS["daily-answer-late-thread"]}


@pytest.mark.parametrize("point", sorted(set(LATE_THREAD_SCENARIOS) - {"answer.thread-started"}))
async def test_sigkill_while_an_answer_starts_a_thread_then_three_restarts(world: World, point: str) -> None:
    await sweep(world, point, LATE_THREAD_SCENARIOS[point])


@pytest.mark.parametrize("point", ["quiz.closed", "quiz.revealed"])
async def test_sigkill_while_revealing_a_deleted_quiz_then_three_restarts(world: World, point: str) -> None:
    await sweep(world, point, DELETED_QUIZ_SCENARIOS[point])


@pytest.mark.parametrize("point", sorted(TRIO_SCENARIOS))
async def test_sigkill_while_a_trio_becomes_a_pair_then_three_restarts(world: World, point: str) -> None:
    await sweep(world, point, TRIO_SCENARIOS[point])


@pytest.mark.parametrize("point", sorted(UNTIMED_TRIO_SCENARIOS))
async def test_sigkill_while_a_trio_with_no_time_yet_becomes_a_pair_then_three_restarts(world: World,
                                                                                       point: str) -> None:
    await sweep(world, point, UNTIMED_TRIO_SCENARIOS[point])


async def reminded_yesterday_with_a_freeze_in_play(world: World) -> None:
    """Alice studied the seven days before Monday (a freeze earned) and not on Monday, and asked for a reminder at
    20:00: Monday's says missing today would spend a freeze, Tuesday's that the freeze holds the streak for now.
    Both name the same end of the streak (Tuesday's midnight)."""
    async def steps(harness: BotHarness) -> None:
        await studied_before(harness, world.alice, 7)
        await world.alice.slash("streak remind", state="on", hour=20)
        await harness.advance_to(DAY.replace(hour=20, minute=5))
        assert len(world.alice.dms) == 1
    await in_process(world, steps)


async def freeze_reminder_invariants(world: World, restart: int) -> None:
    """Tuesday's reminder is sent once after the crash, not taken for Monday's, which names the same deadline."""
    if restart < 2:
        await world.serve_until(lambda: world.rows("SELECT last_sent_date FROM streak_reminders") == [("2026-03-03",)],
                                "Tuesday's reminder marked sent")
        tuesday = [m.content for m in world.alice.dms if "streak freeze is holding" in m.content]
        assert len(tuesday) == 1, f"Tuesday's reminder reached Alice {len(tuesday)} times"


# Two days' reminders naming one end of the streak: an interrupted one is looked for among today's DMs only.
FREEZE_REMINDER = Scenario(reminded_yesterday_with_a_freeze_in_play, DAY.replace(hour=20, minute=5) + timedelta(days=1),
                           nothing, freeze_reminder_invariants)


@pytest.mark.parametrize("point", FLOWS["streak-reminder"])
async def test_sigkill_while_reminding_a_member_a_freeze_holds_then_three_restarts(world: World, point: str) -> None:
    await sweep(world, point, FREEZE_REMINDER)
