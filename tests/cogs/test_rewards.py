"""Role rewards through the local Discord: setup checks, a 7-day streak's role, and its removal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.activity import ActivityKind
from bot.localdiscord import BotHarness, SimGuild, SimMember
from bot.localdiscord.command_permissions import allow_command
from bot.localdiscord.permissions import BOT_DEFAULT, PERMISSIONS
from bot.shards import ShardLayout


def bot_role(guild: SimGuild):  # noqa: ANN201
    return next(r for r in guild.roles.values() if r.name == "studybot")


def moderators_give_roles(guild: SimGuild) -> None:
    """The moderators' role may give roles, as Discord asks of whoever gives one: Manage Roles, and a place above
    the roles given (below the bot's)."""
    moderators = next(r for r in guild.roles.values() if r.name == "mod-mod")
    guild.edit_role(moderators, permissions=moderators.permissions | PERMISSIONS["manage_roles"], position=9)


def givable_role(guild: SimGuild, name: str = "Week warrior"):  # noqa: ANN201
    """A role the bot can give (it may manage roles, and its own role sits above this one), and so may the
    moderators."""
    moderators_give_roles(guild)
    guild.edit_role(bot_role(guild), permissions=BOT_DEFAULT | PERMISSIONS["manage_roles"], position=10)
    role = guild.create_role(name)
    guild.edit_role(role, position=3)
    return role


async def study_one_card(member: SimMember) -> None:
    screen = await member.slash("cards study")
    back = await member.click(screen, "Reveal")
    good = next(label for label in back.button_labels if label.startswith("Good"))
    await member.click(back, good)


async def studied_every_day(harness: BotHarness, member: SimMember, days: int) -> None:
    """``member``'s activity on each of the last ``days`` days up to today, back-dated so the streak stands now
    without advancing the clock day by day; the next quarter-hour pass acts on it."""
    for days_ago in range(days - 1, -1, -1):
        await harness.core.activity.record(harness.guild.id, member.id, ActivityKind.REVIEW,
                                           harness.clock.now() - timedelta(days=days_ago))
    await harness.settle()


async def given_then_died(harness: BotHarness, guild: SimGuild, mod: SimMember, member: SimMember):  # noqa: ANN201
    """The 7-day streak's role, which the next pass gives ``member`` and then dies before confirming: the role
    is held, its grant still pending (the publisher works normally again afterwards)."""
    week = givable_role(guild)
    await mod.slash("rewards set", reward="streak-7", role=week)
    await studied_every_day(harness, member, 7)
    publisher = harness.bot.get_cog("Rewards").service.publisher
    give = publisher.add_role

    async def gives_then_dies(*args: object) -> None:
        publisher.add_role = give
        await give(*args)
        raise RuntimeError("the process died here")

    publisher.add_role = gives_then_dies
    await harness.advance(minutes=20)  # the pass gives the role and dies before confirming it
    assert week.id in guild.members[member.id].role_ids
    return week


async def test_setup_says_what_the_bot_cannot_do_and_saves_nothing(harness: BotHarness, mod: SimMember,
                                                                  guild: SimGuild) -> None:
    moderators_give_roles(guild)
    role = guild.create_role("Week warrior")
    guild.edit_role(role, position=bot_role(guild).position + 1)  # above the bot's role, and no Manage Roles
    refused = await mod.slash("rewards set", reward="streak-7", role=role)
    assert refused.ephemeral and "Manage Roles" in refused.text and "not below my highest role" in refused.text
    assert "Nothing was saved" in refused.text
    status = await mod.slash("rewards status")
    assert "No rewards yet" in status.text


async def test_a_seven_day_streak_earns_the_role_and_loses_it_when_the_streak_ends(
        harness: BotHarness, mod: SimMember, alice: SimMember, guild: SimGuild) -> None:
    week = givable_role(guild)
    saved = await mod.slash("rewards set", reward="streak-7", role=week)
    assert saved.ephemeral and "7-day streak" in saved.text
    for day in range(7):
        await study_one_card(alice)
        await harness.advance(minutes=20)  # the next quarter-hour pass
        holds = week.id in guild.members[alice.id].role_ids
        assert holds == (day == 6), day  # only on the seventh day
        if day < 6:
            await harness.advance(hours=23, minutes=40)
    status = await mod.slash("rewards status")
    assert "7-day streak" in status.text and "1 holding it" in status.text

    await harness.restart()  # the grant is remembered across a restart
    await harness.advance(days=5)  # no study: freezes run out and the streak ends
    assert week.id not in guild.members[alice.id].role_ids
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM role_grants") == 0


async def test_a_role_dragged_above_the_bot_later_is_reported(harness: BotHarness, mod: SimMember,
                                                             alice: SimMember, guild: SimGuild) -> None:
    week = givable_role(guild)
    await mod.slash("rewards set", reward="streak-7", role=week)
    guild.edit_role(week, position=11)  # an admin reorders the roles afterwards
    for _ in range(7):
        await study_one_card(alice)
        await harness.advance(hours=24)
    assert week.id not in guild.members[alice.id].role_ids
    status = await mod.slash("rewards status")
    assert "⚠️" in status.text and "not below my highest role" in status.text
    assert status.text.count("not below my highest role") == 1, status.text  # seen now and when giving it failed


async def test_last_months_most_active_member_holds_the_title_for_the_next_month(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, guild: SimGuild) -> None:
    leader = givable_role(guild, "Member of the month")
    await mod.slash("rewards set", reward="leader-streak", role=leader)
    await study_one_card(alice)
    await study_one_card(bob)
    await harness.advance(days=1)
    await study_one_card(alice)  # March: alice 2 active days, bob 1
    await harness.advance_to(datetime(2026, 3, 31, 21, 0, tzinfo=UTC))
    assert leader.id not in guild.members[alice.id].role_ids  # March is not over yet
    await harness.advance_to(datetime(2026, 4, 1, 0, 30, tzinfo=UTC))  # April in the server's zone (UTC)
    assert leader.id in guild.members[alice.id].role_ids and leader.id not in guild.members[bob.id].role_ids
    await harness.advance_to(datetime(2026, 5, 1, 0, 30, tzinfo=UTC))  # nobody studied in April
    assert leader.id not in guild.members[alice.id].role_ids


async def test_clearing_a_reward_asks_first_and_names_who_loses_the_role(
        harness: BotHarness, mod: SimMember, guild: SimGuild) -> None:
    week = givable_role(guild)
    await mod.slash("rewards set", reward="streak-7", role=week)
    question = await mod.slash("rewards clear", reward="streak-7")
    assert question.ephemeral and f"<@&{week.id}>" in question.text and "0 members hold it" in question.text
    kept = await mod.click(question, "Keep it")
    assert "still earns" in kept.text
    assert "7-day streak" in (await mod.slash("rewards status")).text
    question = await mod.slash("rewards clear", reward="streak-7")
    done = await mod.click(question, "Stop giving the role")
    assert "no longer earns" in done.text
    assert "No rewards yet" in (await mod.slash("rewards status")).text
    nothing = await mod.slash("rewards clear", reward="streak-7")
    assert "nothing to clear" in nothing.text and not nothing.button_labels


async def test_a_process_brings_in_line_only_the_roles_of_its_own_shards_guilds(
        harness: BotHarness, mod: SimMember, alice: SimMember, guild: SimGuild) -> None:
    """With the shards split over processes, every process runs the pass; only the guild's own process acts."""
    week = givable_role(guild)
    await mod.slash("rewards set", reward="streak-7", role=week)
    for _ in range(6):
        await study_one_card(alice)
        await harness.advance(hours=24)
    scheduler = harness.core.scheduler
    own_shard = (guild.id >> 22) % 2
    scheduler.shards = ShardLayout(2, (1 - own_shard,))  # this process runs the other shard only
    await study_one_card(alice)  # the seventh day
    await harness.advance(minutes=20)
    assert week.id not in guild.members[alice.id].role_ids
    scheduler.shards = ShardLayout(2, (own_shard,))
    await harness.advance(minutes=15)
    assert week.id in guild.members[alice.id].role_ids


async def test_a_moderator_by_role_cannot_reward_a_role_with_more_than_they_hold(
        harness: BotHarness, guild: SimGuild, mod: SimMember, carol: SimMember) -> None:
    """Carol moderates only through the moderator role: an Administrator role as her own streak's reward
    would be the bot granting her what she could not grant herself."""
    helpers = guild.create_role("Study helpers", permissions=PERMISSIONS["manage_roles"])
    carol.add_role(helpers)
    await mod.slash("studybot settings moderator-role", role=helpers)
    for command in ("rewards", "streak-admin"):  # the server lets its helpers use the moderator commands
        allow_command(harness.sim, guild, command, roles=(helpers.id,))
    admins = givable_role(guild, "Admins")
    guild.edit_role(admins, permissions=PERMISSIONS["administrator"])
    await harness.settle()
    for back in range(7):
        await carol.slash("streak-admin repair", member=carol, date=(date(2026, 3, 2) - timedelta(days=back))
                          .isoformat(), reason="outage")
    refused = await carol.slash("rewards set", reward="streak-7", role=admins)
    assert refused.ephemeral and "more than you may give" in refused.text and "administrator" in refused.text
    itself = await carol.slash("rewards set", reward="streak-7", role=helpers)
    assert "more than you may give" in itself.text and "the moderator role" in itself.text
    await harness.advance(minutes=20)
    assert admins.id not in guild.members[carol.id].role_ids
    plain = givable_role(guild, "Streak keepers")
    allowed = await carol.slash("rewards set", reward="streak-7", role=plain)
    assert "more than you may give" not in allowed.text
    await harness.advance(minutes=20)
    assert plain.id in guild.members[carol.id].role_ids


async def test_a_role_given_just_before_the_process_died_is_still_taken_back_when_the_streak_ends(
        harness: BotHarness, guild: SimGuild, mod: SimMember, alice: SimMember) -> None:
    """The grant is recorded as pending before Discord is asked: a role the bot gave and then died before
    confirming is known to the next pass, which takes it back once the streak is over."""
    week = await given_then_died(harness, guild, mod, alice)
    assert await harness.core.db.fetchval("SELECT pending FROM role_grants") == 1
    await harness.restart()
    await harness.advance(days=3)  # the streak ended meanwhile
    assert week.id not in guild.members[alice.id].role_ids
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM role_grants") == 0


async def test_one_role_for_two_rewards_stays_while_one_of_them_is_still_earned(
        harness: BotHarness, mod: SimMember, alice: SimMember, guild: SimGuild) -> None:
    keeper = givable_role(guild, "Keeper")
    await mod.slash("rewards set", reward="streak-7", role=keeper)
    await mod.slash("rewards set", reward="leader-streak", role=keeper)
    # Alice studied every day from 20 February to today (2 March): February's most active member, 11-day streak.
    await studied_every_day(harness, alice, 11)
    await harness.advance(minutes=20)
    assert keeper.id in guild.members[alice.id].role_ids
    await harness.advance(days=5)  # her streak ends; she is still February's most active member all March
    assert keeper.id in guild.members[alice.id].role_ids
    status = await mod.slash("rewards status")
    assert "most active member last month" in status.text and "1 holding it" in status.text


async def test_a_member_who_left_is_asked_for_once_and_again_once_active_here_again(
        harness: BotHarness, guild: SimGuild, mod: SimMember, alice: SimMember) -> None:
    week = givable_role(guild)
    await mod.slash("rewards set", reward="streak-7", role=week)
    await studied_every_day(harness, alice, 7)
    guild.remove_member(alice)  # she leaves the server with her 7-day streak still alive
    await harness.advance(minutes=20)  # the next pass asks Discord once, and is told she is unknown
    assert [(e.method, e.status, e.body["code"]) for e in harness.sim.errors] == [("PUT", 404, 10007)]
    harness.sim.errors.clear()
    await harness.advance(hours=1)  # four more passes
    await harness.restart()  # and the pass at start-up
    await harness.advance(minutes=20)
    assert harness.sim.errors == [], "a member who left was asked for again"
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM role_grants") == 0
    guild.readd_member(alice)  # she comes back; seen once she is active here again
    await harness.advance(minutes=20)
    assert week.id not in guild.members[alice.id].role_ids and harness.sim.errors == []
    await study_one_card(alice)
    await harness.advance(minutes=20)
    assert week.id in guild.members[alice.id].role_ids
    status = await mod.slash("rewards status")
    assert "1 holding it" in status.text


async def test_no_role_is_asked_for_in_a_server_that_removed_the_bot(
        harness: BotHarness, guild: SimGuild, mod: SimMember, alice: SimMember) -> None:
    """The bot keeps a server's data for 30 days after it is removed, but it can no longer change anyone's roles
    there: asking anyway would only collect refusals every quarter hour until the data is purged."""
    week = await week_role_held(harness, mod, alice, guild)
    harness.sim.remove_bot_from_guild(guild)
    await harness.settle()
    await harness.advance(days=4)  # her streak ends while the bot is out of the server
    await harness.restart()
    await harness.advance(hours=1)
    assert harness.sim.errors == [], "roles were asked for in a server the bot is not in"
    harness.sim.add_bot_to_guild(guild)  # added back within the 30 days: the pass catches up
    await harness.settle()
    await harness.advance(minutes=20)
    assert week.id not in guild.members[alice.id].role_ids
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM role_grants") == 0


async def week_role_held(harness: BotHarness, mod: SimMember, alice: SimMember, guild: SimGuild):  # noqa: ANN201
    """The 7-day streak's role, given to Alice by the pass after her seventh day."""
    week = givable_role(guild)
    await mod.slash("rewards set", reward="streak-7", role=week)
    await studied_every_day(harness, alice, 7)
    await harness.advance(minutes=20)
    assert week.id in guild.members[alice.id].role_ids
    return week


async def held_then_deleted(harness: BotHarness, mod: SimMember, alice: SimMember, guild: SimGuild) -> None:
    """The 7-day streak's role, given to Alice, then deleted in Discord by an admin."""
    guild.delete_role(await week_role_held(harness, mod, alice, guild))
    await harness.settle()


async def test_a_reward_moved_to_a_new_role_after_its_role_was_deleted_gives_the_new_role(
        harness: BotHarness, mod: SimMember, alice: SimMember, guild: SimGuild) -> None:
    """A deleted role is held by nobody: there is nothing to take back, and the reward's new role is given."""
    await held_then_deleted(harness, mod, alice, guild)
    status = await mod.slash("rewards status")
    assert "the role was deleted" in status.text
    again = givable_role(guild, "Week keeper")
    await mod.slash("rewards set", reward="streak-7", role=again)
    await harness.advance(minutes=20)
    assert again.id in guild.members[alice.id].role_ids
    status = await mod.slash("rewards status")
    assert "⚠️" not in status.text and "1 holding it" in status.text


async def test_a_role_given_before_the_process_died_and_then_dragged_above_the_bot_is_still_taken_back(
        harness: BotHarness, guild: SimGuild, mod: SimMember, alice: SimMember) -> None:
    """The retry of a pending grant that Discord refuses (the role now above the bot's) cannot tell whether the
    interrupted attempt gave the role: the grant is kept, so the role is taken back once that is allowed again."""
    week = await given_then_died(harness, guild, mod, alice)
    guild.edit_role(week, position=11)  # an admin reorders the roles meanwhile
    await harness.restart()
    await harness.advance(days=3)  # every pass is refused; the streak ends meanwhile
    guild.edit_role(week, position=3)  # the admin puts the roles back
    await harness.advance(minutes=20)
    assert week.id not in guild.members[alice.id].role_ids, "the bot forgot a role it gave"
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM role_grants") == 0


async def test_a_channel_overwrite_does_not_let_a_moderator_reward_a_role_with_that_permission_server_wide(
        harness: BotHarness, guild: SimGuild, mod: SimMember, carol: SimMember) -> None:
    """Carol may mention everyone in one channel only; run there, /rewards set must not map a role that lets its
    holders do so in every channel (the permissions that count are hers across the server)."""
    helpers = guild.create_role("Study helpers", permissions=PERMISSIONS["manage_roles"])
    carol.add_role(helpers)
    await mod.slash("studybot settings moderator-role", role=helpers)
    allow_command(harness.sim, guild, "rewards", roles=(helpers.id,))
    announcements = guild.create_text_channel("announcements")
    announcements.allow(carol.id, "mention_everyone")
    loud = givable_role(guild, "Town criers")
    guild.edit_role(loud, permissions=PERMISSIONS["mention_everyone"])
    await harness.settle()
    refused = await carol.slash("rewards set", in_channel=announcements, reward="streak-7", role=loud)
    assert refused.ephemeral and "more than you may give" in refused.text and "mention_everyone" in refused.text
    assert "No rewards yet" in (await mod.slash("rewards status")).text


async def test_a_moderator_by_role_cannot_reward_a_role_above_their_own(
        harness: BotHarness, guild: SimGuild, mod: SimMember, carol: SimMember) -> None:
    """A role with no permissions of its own can still open channels (Staff sees #staff-room): Discord lets a
    member hand out only roles beneath their highest one, and the bot must not hand out more for a helper."""
    helpers = guild.create_role("Study helpers", permissions=PERMISSIONS["manage_roles"])
    carol.add_role(helpers)
    await mod.slash("studybot settings moderator-role", role=helpers)
    for command in ("rewards", "streak-admin"):
        allow_command(harness.sim, guild, command, roles=(helpers.id,))
    staff = givable_role(guild, "Staff")
    guild.edit_role(staff, position=8)  # above the helpers, below the bot
    guild.edit_role(helpers, position=5)
    staff_room = guild.create_text_channel("staff-room")
    staff_room.deny(guild.id, "view_channel")
    staff_room.allow(staff.id, "view_channel")
    await harness.settle()
    for back in range(7):
        await carol.slash("streak-admin repair", member=carol, date=(date(2026, 3, 2) - timedelta(days=back))
                          .isoformat(), reason="outage")
    refused = await carol.slash("rewards set", reward="streak-7", role=staff)
    assert refused.ephemeral and "more than you may give" in refused.text
    await harness.advance(minutes=20)
    assert staff.id not in guild.members[carol.id].role_ids
    below = givable_role(guild, "Streak keepers")  # beneath her own role: hers to reward
    allowed = await carol.slash("rewards set", reward="streak-7", role=below)
    assert "more than you may give" not in allowed.text


async def test_a_member_who_left_holding_the_role_and_came_back_gets_it_again_while_still_earned(
        harness: BotHarness, guild: SimGuild, mod: SimMember, alice: SimMember) -> None:
    """Discord takes every role from a member who leaves; back in the server with her streak still alive, she
    earns the role as before, though the bot is never told she left (no privileged intent)."""
    week = await week_role_held(harness, mod, alice, guild)
    guild.remove_member(alice)
    guild.readd_member(alice)  # back a moment later, with no roles
    await study_one_card(alice)  # her streak goes on
    await harness.advance(hours=2)
    assert week.id in guild.members[alice.id].role_ids, "the role she still earns was never given back"
    status = await mod.slash("rewards status")
    assert "1 holding it" in status.text


async def test_clearing_one_of_two_rewards_of_a_role_names_only_the_members_who_will_lose_it(
        harness: BotHarness, mod: SimMember, alice: SimMember, guild: SimGuild) -> None:
    """Alice holds the role for her streak and as February's most active member: clearing the streak's reward
    leaves her the role, so the question must not count her among those who lose it."""
    keeper = givable_role(guild, "Keeper")
    await mod.slash("rewards set", reward="streak-7", role=keeper)
    await mod.slash("rewards set", reward="leader-streak", role=keeper)
    await studied_every_day(harness, alice, 11)  # 20 February to 2 March: an 11-day streak, February's leader
    await harness.advance(minutes=20)
    assert keeper.id in guild.members[alice.id].role_ids
    question = await mod.slash("rewards clear", reward="streak-7")
    assert "0 members" in question.text and "1 member holds it" not in question.text, question.text
    done = await mod.click(question, "Stop giving the role")
    await harness.advance(minutes=20)
    assert keeper.id in guild.members[alice.id].role_ids
    assert "members holding it lose it now" not in done.text, done.text


async def test_a_moderator_by_role_cannot_reward_a_role_that_opens_a_channel_closed_to_them(
        harness: BotHarness, guild: SimGuild, mod: SimMember, carol: SimMember) -> None:
    """The Staff role carries no server-wide permission, but it is what lets its holders into #staff: as her own
    streak's reward it would be the bot letting Carol into a channel she may not enter."""
    helpers = guild.create_role("Study helpers", permissions=PERMISSIONS["manage_roles"])
    carol.add_role(helpers)
    await mod.slash("studybot settings moderator-role", role=helpers)
    allow_command(harness.sim, guild, "rewards", roles=(helpers.id,))
    staff = givable_role(guild, "Staff")
    private = guild.create_text_channel("staff")
    private.deny(guild.id, "view_channel")  # @everyone may not see it
    private.allow(staff.id, "view_channel", "send_messages")
    await harness.settle()
    refused = await carol.slash("rewards set", reward="streak-7", role=staff)
    assert refused.ephemeral and "more than you may give" in refused.text, refused.text
    assert f"<#{private.id}>" in refused.text, refused.text
    assert "No rewards yet" in (await mod.slash("rewards status")).text
    private.allow(mod.id, "view_channel", "send_messages")  # a moderator who may be in #staff may hand its key out
    await harness.settle()
    allowed = await mod.slash("rewards set", reward="streak-7", role=staff)
    assert "more than you may give" not in allowed.text, allowed.text


async def test_a_role_opening_a_lounge_a_moderator_may_use_fully_can_be_a_reward(
        harness: BotHarness, guild: SimGuild, mod: SimMember) -> None:
    """The Regulars role opens a private lounge whose text channel carries the category's Connect (as a
    channel synced to a category with voice rooms does). The moderator may do everything there: a text channel
    grants no one voice permissions, so those bits open nothing the moderator lacks."""
    regulars = givable_role(guild, "Regulars")
    lounge = guild.create_text_channel("lounge")
    lounge.deny(guild.id, "view_channel")
    lounge.allow(regulars.id, "view_channel", "send_messages", "connect")
    lounge.allow(mod.id, "view_channel", "send_messages", "connect")
    await harness.settle()
    allowed = await mod.slash("rewards set", reward="streak-7", role=regulars)
    assert "more than you may give" not in allowed.text, allowed.text


async def test_a_failure_while_bringing_roles_up_to_date_after_set_is_not_shown_after_its_success(
        harness: BotHarness, guild: SimGuild, mod: SimMember, alice: SimMember) -> None:
    """The mapping is saved and the moderator told so; the catch-up of everyone's roles that follows is the
    quarter-hourly pass's work: a failure in it is logged and retried, not a second, contradicting answer."""
    await studied_every_day(harness, alice, 7)
    service = harness.bot.get_cog("Rewards").service

    async def fails(guild_id: int) -> int:
        raise RuntimeError("the catch-up failed")

    service.reconcile = fails
    saved = await mod.slash("rewards set", reward="streak-7", role=givable_role(guild))
    await harness.settle()
    assert "now get" in saved.text and [m.content for m in saved.followups] == []


async def test_a_deleted_role_is_held_by_nobody_in_status_and_clear(
        harness: BotHarness, mod: SimMember, alice: SimMember, guild: SimGuild) -> None:
    """An admin deleted the reward's role in Discord: nobody holds it any more, so the status counts no holder
    and clearing the reward warns nobody of losing it."""
    await held_then_deleted(harness, mod, alice, guild)
    status = await mod.slash("rewards status")
    assert "the role was deleted" in status.text and "0 holding it" in status.text, status.text
    question = await mod.slash("rewards clear", reward="streak-7")
    assert "0 members hold it" in question.text, question.text
    done = await mod.click(question, "Stop giving the role")
    assert "no longer earns" in done.text
    await harness.settle()
    assert harness.sim.errors == []


async def test_a_moderator_who_may_not_give_roles_cannot_have_the_bot_give_one(
        harness: BotHarness, guild: SimGuild, mod: SimMember, alice: SimMember) -> None:
    """Discord lets only members with Manage Roles give roles: with Manage Server alone, a moderator mapping a
    reward would have the bot hand out, every quarter hour from then on, a role they could not give themselves."""
    week = givable_role(guild)
    moderators = next(r for r in guild.roles.values() if r.name == "mod-mod")
    guild.revoke(moderators, "manage_roles")  # Manage Server only
    await studied_every_day(harness, alice, 7)
    refused = await mod.slash("rewards set", reward="streak-7", role=week)
    assert refused.ephemeral and "Manage Roles" in refused.text and "now get" not in refused.text, refused.text
    await harness.advance(minutes=20)
    assert week.id not in guild.members[alice.id].role_ids
    assert "No rewards yet" in (await mod.slash("rewards status")).text


async def test_the_grants_of_a_deleted_role_are_forgotten_at_the_next_pass(
        harness: BotHarness, mod: SimMember, alice: SimMember, guild: SimGuild) -> None:
    """An admin deleted the reward's role while Alice held it: nobody holds it any more, so nothing about it stays
    stored, and her data deletion does not claim to have taken back a role that is gone."""
    week = await week_role_held(harness, mod, alice, guild)
    await harness.advance(hours=1)  # her roles were read back from Discord meanwhile: she holds it
    guild.delete_role(week)
    await harness.settle()
    await harness.advance(minutes=20)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM role_grants") == 0
    done = await alice.click(await alice.slash("privacy delete"), "Delete my data")
    assert "Removed:" in done.text and "took back" not in done.text, done.text
    assert harness.sim.errors == []


async def test_a_role_earned_before_an_outage_is_taken_back_when_the_streak_ended_during_it(
        harness: BotHarness, mod: SimMember, alice: SimMember, guild: SimGuild) -> None:
    """While Discord lists the server as unavailable it shows none of its roles: that is no sign they were deleted,
    so what Alice holds stays known, and the role she no longer earns is taken back once the server is back."""
    week = await week_role_held(harness, mod, alice, guild)
    await harness.restart_in_outage(guild)
    await harness.advance(days=5)  # no study: freezes run out and the streak ends
    await harness.end_outage(guild)  # the server is available again
    await harness.advance(minutes=20)
    assert week.id not in guild.members[alice.id].role_ids
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM role_grants") == 0


async def test_a_shared_role_passed_to_another_reward_is_still_known_when_discord_refuses_it_then(
        harness: BotHarness, mod: SimMember, alice: SimMember, guild: SimGuild) -> None:
    """One role for the 7- and the 30-day streak: reaching 30 days, Alice's role is earned by the 30 days
    instead. If Discord refuses it at that moment (the role dragged above the bot's), the role she holds must
    still be recorded, so it is taken back once her streak ends and the roles are put back."""
    keeper = givable_role(guild, "Keeper")
    await mod.slash("rewards set", reward="streak-7", role=keeper)
    await mod.slash("rewards set", reward="streak-30", role=keeper)
    await studied_every_day(harness, alice, 7)
    await harness.advance(minutes=20)
    assert keeper.id in guild.members[alice.id].role_ids
    guild.edit_role(keeper, position=11)  # an admin reorders the roles
    for days_ago in range(7, 30):  # earlier days come to light: a 30-day streak
        await harness.core.activity.record(guild.id, alice.id, ActivityKind.REVIEW,
                                           harness.clock.now() - timedelta(days=days_ago))
    await harness.advance(minutes=20)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM role_grants WHERE user_id = ?", (alice.id,)) == 1
    await harness.advance(days=4)  # no study: the streak ends
    guild.edit_role(keeper, position=3)  # the admin puts the roles back
    await harness.advance(minutes=20)
    assert keeper.id not in guild.members[alice.id].role_ids, "a role nobody recorded stayed with her"
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM role_grants") == 0
