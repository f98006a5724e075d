"""Streaks through the local Discord: what members and moderators see."""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from bot.activity import ActivityKind
from bot.localdiscord import BotHarness, CommandForbidden, Reply, SimChannel, SimGuild, SimMember
from bot.streaks.heatmap import COLOURS, HEIGHT, WIDTH, cell_centre
from bot.streaks.rules import DayStatus

from .test_daily import posts, setup_daily


async def study(harness: BotHarness, member: SimMember, days_ago: int = 0) -> None:
    """Record a review for ``member`` as if it happened ``days_ago`` days before now."""
    at = harness.core.clock.now() - timedelta(days=days_ago)
    await harness.core.activity.record(harness.guild.id, member.id, ActivityKind.REVIEW, at)
    await harness.settle()


def heatmap(reply: Reply) -> Image.Image:
    return Image.open(io.BytesIO(reply.attachments[0]["data"])).convert("RGB")


async def test_answering_every_day_builds_a_streak_and_announces_seven_once(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="UTC")
    for day in range(8):
        await harness.advance_to(datetime(2026, 3, 2 + day, 10, 5, tzinfo=UTC))
        post = posts(daily)[-1]
        await alice.submit_modal(await alice.click(post, "Submit answer"), answer=f"Day {day} design")
    celebrations = [m for m in daily.messages if "day streak" in m.content]
    assert len(celebrations) == 1
    assert alice.mention in celebrations[0].content and "7-day streak" in celebrations[0].content
    assert not celebrations[0].pinged_user_ids
    mine = await alice.slash("streak show")
    assert mine.ephemeral
    fields = {f["name"]: f["value"] for f in mine.embeds[0]["fields"]}
    assert "8 days" in fields["Current"] and "8 days" in fields["Best"] and "1 of 2" in fields["Freezes"]
    assert "Active today" in fields["Today"]
    assert mine.embeds[0]["image"]["url"] == "attachment://heatmap.png"


async def test_the_heatmap_shows_active_frozen_and_missed_days(harness: BotHarness, alice: SimMember) -> None:
    harness.core.clock.set(datetime(2026, 3, 20, 12, tzinfo=UTC))
    for days_ago in [*range(18, 10, -1), 9, 8, 5, 0]:  # 8 in a row, 10 ago frozen, 7-6 ago missed
        await study(harness, alice, days_ago)
    reply = await alice.slash("streak show")
    image = heatmap(reply)
    assert image.size == (WIDTH, HEIGHT)
    today = date(2026, 3, 20)
    expected = {today - timedelta(days=18): DayStatus.ACTIVE, today - timedelta(days=10): DayStatus.FROZEN,
                today - timedelta(days=7): DayStatus.MISSED, today - timedelta(days=5): DayStatus.ACTIVE,
                today - timedelta(days=60): DayStatus.NONE, today + timedelta(days=1): DayStatus.NONE}
    for day, status in expected.items():
        assert image.getpixel(cell_centre(day, today)) == COLOURS[status], (day, status)
    fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
    assert "1 day" in fields["Current"] and "10 days" in fields["Best"]


async def test_anyone_can_see_a_members_streak_in_public(harness: BotHarness, alice: SimMember,
                                                         bob: SimMember) -> None:
    await study(harness, alice)
    reply = await bob.slash("streak show", member=alice)
    assert not reply.ephemeral and reply.embeds[0]["title"] == "alice's streak"
    assert reply.attachments[0]["filename"] == "heatmap.png"


async def test_leaderboard_pages_and_shows_the_callers_rank(harness: BotHarness, alice: SimMember,
                                                            bob: SimMember) -> None:
    crowd = [harness.guild.add_member(f"member{i:02d}") for i in range(14)]
    for position, member in enumerate(crowd):
        for days_ago in range(position + 2):
            await study(harness, member, days_ago)
    await study(harness, alice)
    board = await alice.slash("leaderboard")
    assert not board.ephemeral and board.button_labels == ["Previous", "Next"]
    lines = board.embeds[0]["description"].splitlines()
    assert len(lines) == 10 and "🥇" in lines[0] and crowd[-1].mention in lines[0] and "**15**" in lines[0]
    assert board.embeds[0]["fields"][0]["value"] == "#15 with **1**"
    refused = await bob.click(board, "Next")
    assert "belong to someone else" in refused.text
    second = await alice.click(board, "Next")
    assert "Page 2 of 2" in second.embeds[0]["footer"]["text"] and alice.mention in second.embeds[0]["description"]
    month = await bob.slash("leaderboard", board="month")
    assert "this month" in month.embeds[0]["title"] and "Not on this board yet" in month.text


async def test_a_leaderboard_that_fits_one_page_has_no_pager(harness: BotHarness, alice: SimMember,
                                                              bob: SimMember) -> None:
    await study(harness, alice)
    await study(harness, bob)
    board = await alice.slash("leaderboard")
    assert "Page 1 of 1" in board.embeds[0]["footer"]["text"]
    assert board.button_labels == []  # two greyed-out buttons would only invite a click that does nothing


def board_lines(reply: Reply) -> list[str]:
    return reply.embeds[0]["description"].splitlines()


def you(reply: Reply) -> str:
    return {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}["You"]


async def test_the_month_board_keeps_a_member_whose_day_is_already_in_the_next_month(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    harness.core.clock.set(datetime(2026, 3, 31, 18, tzinfo=UTC))  # 11:00 on 31 March in Los Angeles
    await setup_daily(mod, daily, time="23:00", zone="America/Los_Angeles")
    await alice.slash("streak timezone", timezone="Asia/Tokyo")  # 03:00 on 1 April for alice
    for days_ago in (3, 2, 1, 0):  # the 29th, 30th and 31st of March in Tokyo, then 1 April
        await study(harness, alice, days_ago)
    await study(harness, bob)  # 31 March in the server's zone
    board = await bob.slash("leaderboard", board="month")
    assert "(2026-03)" in board.embeds[0]["title"]
    lines = board_lines(board)
    assert len(lines) == 2 and alice.mention in lines[0] and "**3**" in lines[0]
    assert bob.mention in lines[1] and "**1**" in lines[1]
    assert you(board) == "#2 with **1**"
    assert you(await alice.slash("leaderboard", board="month")) == "#1 with **3**"


async def test_the_month_board_counts_a_member_behind_the_server_from_their_own_first_day(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    harness.core.clock.set(datetime(2026, 3, 31, 18, tzinfo=UTC))  # 03:00 on 1 April in Tokyo
    await setup_daily(mod, daily, time="23:00", zone="Asia/Tokyo")
    await alice.slash("streak timezone", timezone="America/Los_Angeles")  # 11:00 on 31 March for alice
    for days_ago in (1, 0):  # the 30th and 31st of March in Los Angeles
        await study(harness, alice, days_ago)
    await study(harness, bob)  # 1 April in the server's zone
    board = await alice.slash("leaderboard", board="month")
    assert "(2026-04)" in board.embeds[0]["title"]
    assert len(board_lines(board)) == 1 and bob.mention in board_lines(board)[0]
    assert you(board) == "Not on this board yet."
    harness.core.clock.set(datetime(2026, 4, 1, 18, tzinfo=UTC))  # 11:00 on 1 April in Los Angeles
    await study(harness, alice)
    board = await alice.slash("leaderboard", board="month")
    assert [alice.mention in line and "**1**" in line for line in board_lines(board)].count(True) == 1
    assert you(board) == "#1 with **1**"


async def test_leaderboards_show_members_still_in_the_server(
        harness: BotHarness, guild: SimGuild, alice: SimMember, bob: SimMember, carol: SimMember) -> None:
    """Bob leaves the server (the bot is not told: it has no member intent). The boards show the members who are
    still there, ranked among themselves; his streak is kept, and he is back on them once he studies here again."""
    for days_ago in (3, 2, 1, 0):
        await study(harness, bob, days_ago)
    for days_ago in (1, 0):
        await study(harness, alice, days_ago)
    await study(harness, carol)
    guild.remove_member(bob)
    for board in ("current", "best", "month"):
        reply = await alice.slash("leaderboard", board=board)
        assert not any(bob.mention in line for line in board_lines(reply)), (board, board_lines(reply))
        assert alice.mention in board_lines(reply)[0] and "🥇" in board_lines(reply)[0]
        assert you(reply) == "#1 with **2**"
    assert await harness.core.db.fetchval("SELECT current FROM streaks WHERE user_id = ?", (bob.id,)) == 4
    guild.readd_member(bob)
    await harness.advance(days=1)
    await study(harness, bob)
    assert bob.mention in board_lines(await alice.slash("leaderboard"))[0]


def answered_before_asking_for_members(harness: BotHarness) -> list[bool]:
    """For every member question the bot sends the gateway, whether the interaction it serves had already been
    answered: Discord may take its time over the question, and the member's 3 seconds run meanwhile."""
    gateway, seen = harness.sim.gateway, []
    ask = gateway.request_members

    def asked(session: Any, data: Any) -> None:
        latest = max(harness.sim.interactions.values(), key=lambda i: i.created_monotonic)
        seen.append(latest.response_type is not None)
        ask(session, data)

    gateway.request_members = asked  # type: ignore[method-assign]
    return seen


async def test_the_leaderboard_and_its_pager_answer_before_asking_discord_who_is_still_here(
        harness: BotHarness, guild: SimGuild, alice: SimMember) -> None:
    crowd = [guild.add_member(f"member{i:02d}") for i in range(14)]
    for position, member in enumerate(crowd):
        for days_ago in range(position + 2):
            await study(harness, member, days_ago)
    await study(harness, alice)
    guild.remove_member(crowd[-1])
    seen = answered_before_asking_for_members(harness)
    board = await alice.slash("leaderboard")
    assert crowd[-1].mention not in board.embeds[0]["description"] and crowd[-2].mention in board_lines(board)[0]
    second = await alice.click(board, "Next")
    assert "Page 2 of 2" in second.embeds[0]["footer"]["text"] and alice.mention in second.embeds[0]["description"]
    assert seen and all(seen), seen


async def test_a_member_back_in_the_server_is_on_the_boards_once_they_study_again_the_same_day(
        harness: BotHarness, guild: SimGuild, alice: SimMember, bob: SimMember) -> None:
    """Bob studied this morning, left, and was left off a board shown meanwhile. He comes back the same day and
    studies again: he is active here, so he is on the boards again, not only from his next day's first study."""
    for days_ago in (2, 1, 0):
        await study(harness, bob, days_ago)
    await study(harness, alice)
    guild.remove_member(bob)
    assert not any(bob.mention in line for line in board_lines(await alice.slash("leaderboard")))
    guild.readd_member(bob)
    await harness.advance(hours=1)
    await study(harness, bob)
    assert bob.mention in board_lines(await alice.slash("leaderboard"))[0]


async def test_reminder_dm_once_when_not_yet_active_and_off_when_dms_closed(
        harness: BotHarness, alice: SimMember, bob: SimMember) -> None:
    for member in (alice, bob):
        await study(harness, member, 2)
        await study(harness, member, 1)
        reply = await member.slash("streak remind", state="on", hour=20)
        assert "20:00" in reply.text
    bob.dms_closed = True
    with harness.sim.expect_errors(50007) as refused:
        await harness.advance_to(datetime(2026, 3, 2, 21, tzinfo=UTC))
    assert len(refused) == 1  # tried once, then switched off
    assert len(alice.dms) == 1 and "2-day streak" in alice.dms[0].content
    await harness.advance_to(datetime(2026, 3, 3, 12, tzinfo=UTC))
    await study(harness, alice)
    await harness.advance_to(datetime(2026, 3, 3, 21, tzinfo=UTC))
    assert len(alice.dms) == 1  # active that day: no reminder
    shown = await bob.slash("streak show")
    assert "DMs are closed" in shown.text


async def test_a_reminder_on_a_day_a_freeze_would_cover_says_missing_it_uses_a_freeze(
        harness: BotHarness, alice: SimMember, bob: SimMember) -> None:
    for days_ago in range(7, 0, -1):  # seven days in a row up to yesterday: a freeze earned
        await study(harness, alice, days_ago)
    await study(harness, bob, 2)
    await study(harness, bob, 1)  # two days, no freeze
    for member in (alice, bob):
        await member.slash("streak remind", state="on", hour=20)
    await harness.advance_to(datetime(2026, 3, 2, 21, tzinfo=UTC))
    [reminder] = [dm.content for dm in alice.dms]
    today_ends = int(datetime(2026, 3, 3, tzinfo=UTC).timestamp())
    streak_ends = int(datetime(2026, 3, 4, tzinfo=UTC).timestamp())
    assert "7-day streak" in reminder and f"before <t:{today_ends}:t>" in reminder, reminder
    assert "If you miss today, a streak freeze will be used" in reminder, reminder
    assert "you have 1 freeze, so 0 freezes would be left" in reminder and f"<t:{streak_ends}:R>" in reminder
    [plain] = [dm.content for dm in bob.dms]
    assert "freeze" not in plain and f"before <t:{today_ends}:t>" in plain, plain  # missing today ends it


async def test_a_reminder_after_a_missed_day_a_freeze_holds_says_studying_today_uses_it_for_yesterday(
        harness: BotHarness, alice: SimMember) -> None:
    for days_ago in range(8, 1, -1):  # seven days in a row up to the day before yesterday: a freeze earned
        await study(harness, alice, days_ago)
    await alice.slash("streak remind", state="on", hour=20)  # yesterday missed: the freeze holds it for now
    await harness.advance_to(datetime(2026, 3, 2, 21, tzinfo=UTC))
    [reminder] = [dm.content for dm in alice.dms]
    today_ends = int(datetime(2026, 3, 3, tzinfo=UTC).timestamp())
    assert "You missed yesterday, but a streak freeze is holding your 7-day streak" in reminder, reminder
    assert f"before <t:{today_ends}:t> (<t:{today_ends}:R>)" in reminder, reminder
    assert "studying today uses your freeze to cover yesterday" in reminder, reminder
    assert "If you miss today too, the streak ends, and the freeze is not used" in reminder, reminder
    await study(harness, alice)
    shown = await alice.slash("streak show")
    assert "🔥 8 days" in shown.text and "🧊 0 of 2" in shown.text, shown.text  # as told: the freeze covered it


async def test_reminders_stop_for_a_member_who_left_every_server_shared_with_the_bot(
        harness: BotHarness, alice: SimMember, bob: SimMember) -> None:
    """Discord refuses a DM to a user sharing no server with the bot (50278): tried once, then off."""
    await study(harness, bob, 2)
    await study(harness, bob, 1)
    await bob.slash("streak remind", state="on", hour=20)
    del harness.guild.members[bob.id]  # bob left (no event reaches the bot: member events need an intent)
    with harness.sim.expect_errors(50278) as refused:
        await harness.advance_to(datetime(2026, 3, 2, 21, tzinfo=UTC))
        await harness.advance_to(datetime(2026, 3, 3, 21, tzinfo=UTC))
    assert len(refused) == 1
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM streak_reminders WHERE user_id = ? AND enabled = 1",
                                          (bob.id,)) == 0


async def test_no_reminder_comes_from_a_server_that_removed_the_bot_and_it_is_still_on_when_re_added(
        harness: BotHarness, alice: SimMember) -> None:
    """While the bot is out of a server nothing comes from it: not a DM about a streak the member cannot keep
    there (no command of the bot works in it), nor a refused DM that would switch the reminder off for good
    when the bot was the only thing they shared. Added back within the 30 days, the reminder runs as before."""
    await study(harness, alice, 2)
    await study(harness, alice, 1)
    await alice.slash("streak remind", state="on", hour=20)
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance_to(datetime(2026, 3, 2, 21, tzinfo=UTC))
    assert alice.dms == [] and harness.sim.errors == []
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    assert await harness.core.db.fetchval("SELECT enabled FROM streak_reminders WHERE user_id = ?", (alice.id,)) == 1
    assert "DMs are closed" not in (await alice.slash("streak show")).text


async def test_timezone_is_validated(harness: BotHarness, alice: SimMember) -> None:
    bad = await alice.slash("streak timezone", timezone="Moon/Base")
    assert bad.ephemeral and "is not a timezone" in bad.text
    good = await alice.slash("streak timezone", timezone="asia/tokyo")
    assert "Asia/Tokyo" in good.text
    choices = await alice.autocomplete("streak timezone", "timezone", "tokyo")
    assert "Asia/Tokyo" in [c["value"] for c in choices]


async def test_moderators_repair_a_day_with_an_audit_entry(harness: BotHarness, mod: SimMember,
                                                           alice: SimMember) -> None:
    await study(harness, alice, 2)
    await study(harness, alice)
    with pytest.raises(CommandForbidden):
        await alice.slash("streak-admin repair", member=alice, date="2026-03-01", reason="please")
    reply = await mod.slash("streak-admin repair", member=alice, date="2026-03-01", reason="outage")
    assert reply.ephemeral and "streak is now **3**" in reply.text
    bad = await mod.slash("streak-admin repair", member=alice, date="01/03/2026", reason="outage")
    assert bad.ephemeral and "YYYY-MM-DD" in bad.text
    entries = await harness.core.audit.recent(harness.guild.id)
    assert [(e.actor_id, e.action, e.target_id, e.reason) for e in entries] == [
        (mod.id, "streak.repair", alice.id, "outage")]


async def test_a_repair_that_spends_a_freeze_says_so(harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """Seven days earn a freeze, two missed days end that run, then three days. Repairing the first missed day
    joins the runs and spends the freeze the member held on the other one: the moderator must be told."""
    for days_ago in [*range(11, 4, -1), 2, 1, 0]:
        await study(harness, alice, days_ago)
    today = harness.core.clock.now().date()
    assert "1 of 2" in {f["name"]: f["value"] for f in (await alice.slash("streak show")).embeds[0]["fields"]}[
        "Freezes"]
    reply = await mod.slash("streak-admin repair", member=alice, date=(today - timedelta(days=4)).isoformat(),
                            reason="outage")
    assert "streak is now **11**" in reply.text
    frozen = (today - timedelta(days=3)).isoformat()
    assert f"spent a freeze on {frozen}" in reply.text, reply.text
    assert "0 of 2" in {f["name"]: f["value"] for f in (await alice.slash("streak show")).embeds[0]["fields"]}[
        "Freezes"]


async def test_help_explains_freezes(harness: BotHarness, alice: SimMember) -> None:
    reply = await alice.slash("streak help")
    assert reply.ephemeral and "Freezes" in reply.text and "7 active days" in reply.text
    assert "/leaderboard current|best|month|contributors" in reply.text, reply.text  # every board it offers


async def test_moderators_choose_where_milestones_go_or_turn_them_off(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    general = harness.guild.channel("general")
    reply = await mod.slash("streak-admin announcements", state="on", channel=general)
    assert f"celebrated in {general.mention}" in reply.text
    for days_ago in range(6, -1, -1):
        await study(harness, alice, days_ago)
    assert any("7-day streak" in m.content and alice.mention in m.content for m in general.messages)
    assert "will not be announced" in (await mod.slash("streak-admin announcements", state="off")).text
    for days_ago in range(6, -1, -1):
        await study(harness, bob, days_ago)
    assert not any(bob.mention in m.content for m in general.messages)
    with pytest.raises(CommandForbidden):
        await alice.slash("streak-admin announcements", state="off")


async def test_a_milestone_channel_closed_to_the_bot_is_not_asked_and_settings_say_why(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    general = harness.guild.channel("general")
    await mod.slash("streak-admin announcements", state="on", channel=general)
    general.deny(harness.sim.bot_user.id, "send_messages")  # the bot asks Discord nothing it would refuse
    await harness.settle()
    for days_ago in range(6, -1, -1):
        await study(harness, alice, days_ago)
    assert not any("7-day streak" in m.content for m in general.messages)
    shown = await mod.slash("studybot settings show")
    field = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Streak milestones"]
    assert "Send Messages" in field


async def test_a_reminder_whose_hour_passed_while_the_bot_was_down_is_sent_when_it_is_back(
        harness: BotHarness, alice: SimMember) -> None:
    await study(harness, alice, 3)
    await study(harness, alice, 2)
    await study(harness, alice, 1)
    await alice.slash("streak remind", state="on", hour=20)
    await harness.advance_to(datetime(2026, 3, 2, 19, 50, tzinfo=UTC))
    await harness.stop()
    harness.clock.set(datetime(2026, 3, 2, 21, 5, tzinfo=UTC))  # down through 20:00-21:00
    await harness.start()
    await harness.settle()
    assert len([m for m in alice.dms if "is waiting for today" in m.content]) == 1
    await harness.advance(minutes=30)
    assert len([m for m in alice.dms if "is waiting for today" in m.content]) == 1


async def test_when_the_server_sets_its_timezone_members_without_their_own_keep_their_streak_by_it(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember) -> None:
    """Alice's days were dated in UTC (no zone set anywhere). The server then moves to Los Angeles: her
    streak lives until the end of her last day there, and the leaderboard agrees with /streak show."""
    await study(harness, alice, days_ago=1)
    await study(harness, alice)
    await setup_daily(mod, daily, zone="America/Los_Angeles")
    await harness.settle()
    await harness.advance_to(datetime(2026, 3, 4, 3, 0, tzinfo=UTC))  # 19:00 on 3 March in Los Angeles
    assert "2 days" in (await alice.slash("streak show")).text
    board = await alice.slash("leaderboard")
    assert alice.mention in board.embeds[0]["description"] and "**2**" in board.embeds[0]["description"]


async def test_a_zone_change_the_process_died_during_is_applied_to_streaks_at_the_next_start(
        harness: BotHarness, alice: SimMember) -> None:
    await study(harness, alice, days_ago=1)
    await study(harness, alice)
    await harness.stop()
    # committed, then the process died before the summaries were recomputed
    with closing(sqlite3.connect(harness.db_path)) as conn, conn:
        conn.execute("INSERT INTO guild_settings (guild_id, timezone, joined_at) VALUES (?, ?, 0) "
                     "ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone",
                     (harness.guild.id, "America/Los_Angeles"))
    harness.clock.set(datetime(2026, 3, 4, 3, 0, tzinfo=UTC))
    await harness.start()
    board = await alice.slash("leaderboard")
    assert alice.mention in board.embeds[0]["description"] and "**2**" in board.embeds[0]["description"]


async def test_a_reminder_set_for_2am_still_arrives_on_new_yorks_spring_forward_day(
        harness: BotHarness, alice: SimMember) -> None:
    await alice.slash("streak timezone", timezone="America/New_York")
    await harness.advance_to(datetime(2026, 3, 7, 15, 0, tzinfo=UTC))  # Sat 7 March, 10:00 in New York
    for days_ago in (1, 0):
        await study(harness, alice, days_ago)
    reply = await alice.slash("streak remind", state="on", hour=2)
    assert "02:00" in reply.text
    # Sunday 8 March: New York's clocks jump from 02:00 to 03:00; alice has not studied yet that day.
    await harness.advance_to(datetime(2026, 3, 8, 15, 0, tzinfo=UTC))  # 11:00 EDT
    reminders = [dm for dm in alice.dms if "is waiting for today" in dm.content]
    assert len(reminders) == 1, [dm.content for dm in alice.dms]


async def test_a_member_who_moves_west_is_reminded_on_their_next_day(harness: BotHarness, alice: SimMember) -> None:
    """Alice in Tokyo is reminded at 08:00 on 3 March there (still 2 March in Los Angeles), then moves to Los
    Angeles, where 2 March counts as studied. Her 3 March there has no study and no reminder yet: it comes at 08:00."""
    await alice.slash("streak timezone", timezone="Asia/Tokyo")  # 17:00 on 2 March in Tokyo
    for days_ago in (1, 0):
        await study(harness, alice, days_ago)
    await alice.slash("streak remind", state="on", hour=8)
    await harness.advance_to(datetime(2026, 3, 3, 0, 30, tzinfo=UTC))  # 09:30 on 3 March in Tokyo
    assert len([dm for dm in alice.dms if "is waiting for today" in dm.content]) == 1
    await alice.slash("streak timezone", timezone="America/Los_Angeles")  # 16:30 on 2 March there
    await harness.advance_to(datetime(2026, 3, 3, 17, 0, tzinfo=UTC))  # 09:00 on 3 March in Los Angeles
    reminders = [dm for dm in alice.dms if "is waiting for today" in dm.content]
    assert len(reminders) == 2, "no reminder on 3 March in Los Angeles: Tokyo's 3 March reminder stood for it"


async def test_milestones_switched_on_without_a_channel_say_when_the_daily_channel_cannot_take_them(
        harness: BotHarness, mod: SimMember) -> None:
    none_yet = await mod.slash("streak-admin announcements", state="on")
    assert "there is none yet" in none_yet.text and "`channel`" in none_yet.text, none_yet.text
    forum = harness.guild.create_forum_channel("prompts")
    await mod.slash("daily setup", channel=forum, time="09:00", timezone="UTC")
    in_forum = await mod.slash("streak-admin announcements", state="on")
    assert f"{forum.mention} is a forum" in in_forum.text, in_forum.text
    daily = harness.guild.create_text_channel("daily-prompts")
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    fine = await mod.slash("streak-admin announcements", state="on")
    assert fine.text == f"Streak milestones will be celebrated in the daily-prompt channel, {daily.mention}."


async def test_a_members_public_profile_does_not_name_the_timezone_they_set_for_themselves(
        harness: BotHarness, alice: SimMember, bob: SimMember) -> None:
    await alice.slash("streak timezone", timezone="America/Los_Angeles")
    await study(harness, alice)
    mine = await alice.slash("streak show")
    assert mine.ephemeral and "America/Los_Angeles" in mine.embeds[0]["footer"]["text"]
    seen = await bob.slash("streak show", member=alice)
    assert not seen.ephemeral
    assert "America/Los_Angeles" not in json.dumps(seen.embeds) + seen.text  # her zone is hers to tell
    assert "America/Los_Angeles" not in "".join(str(a.get("description")) for a in seen.attachments)


async def celebration_kept_back(harness: BotHarness, mod: SimMember, alice: SimMember) -> SimChannel:
    """Alice's seventh day, whose celebration in #general Discord failed to take for a moment."""
    general = harness.guild.channel("general")
    await mod.slash("streak-admin announcements", state="on", channel=general)
    for days_ago in range(6, 0, -1):
        await study(harness, alice, days_ago)
    harness.sim.faults.fail_next(503, 1, route_contains=f"/channels/{general.id}/messages")
    await study(harness, alice)
    assert not any("7-day streak" in m.content for m in general.messages)
    return general


async def test_a_celebration_waiting_for_discord_waits_while_the_bot_is_out_and_is_posted_when_re_added(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """A celebration Discord failed to take is not tried in a server that removed the bot (its channels are out
    of sight, and the try would be spent for nothing); added back within the retry window, it is posted once."""
    general = await celebration_kept_back(harness, mod, alice)
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance_to(harness.core.clock.now() + timedelta(hours=1))
    assert harness.sim.errors == []
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    await harness.advance_to(harness.core.clock.now() + timedelta(hours=1))
    celebrations = [m for m in general.messages if "7-day streak" in m.content]
    assert len(celebrations) == 1 and alice.mention in celebrations[0].content


async def test_a_reminder_from_a_server_discord_lists_as_unavailable_names_no_empty_server(
        harness: BotHarness, alice: SimMember) -> None:
    """During an outage Discord names a server only by its id: the reminder then names none, not "in ****"."""
    await study(harness, alice, 2)
    await study(harness, alice, 1)
    await alice.slash("streak remind", state="on", hour=20)
    await harness.restart_in_outage(harness.guild)
    await harness.advance_to(datetime(2026, 3, 2, 20, 5, tzinfo=UTC))
    [reminder] = [m.content for m in alice.dms if "streak" in m.content]
    assert "Your 2-day streak is waiting for today" in reminder and "****" not in reminder, reminder


async def test_a_celebration_owed_at_a_start_during_a_discord_outage_is_posted_once_the_server_is_back(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """The bot starts while Discord lists the server as unavailable, so its channels are not known yet: the
    celebration owed is not given up as if its channel were gone, and is posted once the server is back."""
    general = await celebration_kept_back(harness, mod, alice)
    await harness.restart_in_outage(harness.guild)
    await harness.advance(minutes=5)
    await harness.end_outage(harness.guild)  # the server is available again
    await harness.advance_to(harness.core.clock.now() + timedelta(hours=1))
    celebrations = [m for m in general.messages if "7-day streak" in m.content]
    assert len(celebrations) == 1 and alice.mention in celebrations[0].content


def disabled_buttons(message: Any) -> list[bool]:
    return [c.get("disabled", False) for row in message.payload["components"] for c in row["components"]]


async def test_a_leaderboard_paged_past_its_reply_tokens_life_still_shows_its_buttons_expired(
        harness: BotHarness, alice: SimMember) -> None:
    crowd = [harness.guild.add_member(f"member{i:02d}") for i in range(14)]
    for position, member in enumerate(crowd):
        for days_ago in range(position + 2):
            await study(harness, member, days_ago)
    board = await alice.slash("leaderboard")
    await harness.advance(minutes=12)
    await alice.click(board, "Next")          # each page turn gives the pager five more minutes
    await harness.advance(minutes=5)          # 17 minutes after the command: its reply can no longer edit
    assert board.message is not None
    [pager] = {item.view for item in harness.bot._connection._view_store._views[board.message.id].values()}
    await pager.on_timeout()                  # what discord.py runs when the pager's five minutes are up
    assert disabled_buttons(board.message) == [True, True]


async def test_a_milestone_posted_before_a_crash_is_not_posted_again_where_the_bot_may_not_read_the_channel(
        harness: BotHarness, mod: SimMember, alice: SimMember, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Read Message History Discord shows the bot an empty history, so a celebration an earlier attempt
    posted cannot be found there: it must not be posted a second time after a restart."""
    from bot.streaks.repository import StreakRepository

    async def die(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the process died here")

    general = harness.guild.channel("general")
    await mod.slash("streak-admin announcements", state="on", channel=general)
    monkeypatch.setattr(StreakRepository, "set_milestone_message", die)  # posted; the id is never recorded
    for days_ago in range(6, -1, -1):
        await study(harness, alice, days_ago)
    monkeypatch.undo()
    general.deny(harness.sim.bot_user.id, "read_message_history")
    await harness.restart()
    await harness.advance_to(harness.core.clock.now() + timedelta(hours=2))
    assert len([m for m in general.messages if "7-day streak" in m.content]) == 1
    shown = await mod.slash("studybot settings show")
    field = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Streak milestones"]
    assert "Read Message History" in field  # the moderators are told what to grant
