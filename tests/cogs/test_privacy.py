"""/privacy delete leaves nothing behind: not in any table, not in the file or its WAL, not in the
next backup, and not on Discord where the bot posted for the member."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord

from bot.activity import ActivityKind
from bot.admin import OwedDeletion
from bot.admin.personal_data import TABLES, needs_classification, rule_for
from bot.admin.privacy import CLAIM_LEASE, PrivacyService
from bot.localdiscord import BotHarness, SimChannel, SimMember, SimMessage
from bot.localdiscord.command_permissions import allow_command
from bot.storage.schema import tables
from cogs.admin.deletions import LINKS_IN_NOTICE, unreachable_notice

from .test_daily import posts, setup_daily
from .test_mock import paired_with_a_time

ALICE_ANSWER = "Shard the zebraquartz vector index by tenant"
ALICE_NOTE = "Great pacing, okapimarble"


async def test_every_column_that_can_hold_a_member_is_classified_with_a_reason(harness: BotHarness) -> None:
    schema = await tables(harness.core.db.conn)
    missing = [f"{table}.{column}" for table, columns in schema.items() if table != "sqlite_sequence"
               for column, declared in columns.items()
               if needs_classification(column, declared) and rule_for(table, column) is None]
    assert not missing, f"classify these in bot/admin/personal_data.py: {missing}"
    assert all(rule.reason for columns in TABLES.values() for rule in columns.values())
    unknown = sorted(set(TABLES) - set(schema))
    assert not unknown, f"classified tables that do not exist: {unknown}"


def raw_bytes(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def traces(blob: bytes, member: SimMember, texts: tuple[str, ...]) -> list[str]:
    found = []
    if member.id.to_bytes(8, "big") in blob:
        found.append("id as an integer")
    if str(member.id).encode() in blob:
        found.append("id as text")
    found += [text for text in texts if text.encode() in blob]
    return found


def every_value(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [str(value) for name in names
                for row in conn.execute(f'SELECT * FROM "{name}"')  # noqa: S608
                for value in row if value is not None]


async def test_privacy_delete_leaves_no_trace_in_tables_files_backups_or_on_discord(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel, alice: SimMember,
        bob: SimMember) -> None:
    helpers = harness.guild.create_role("Helpers")
    alice.add_role(helpers)
    await mod.slash("studybot settings moderator-role", role=helpers)
    allow_command(harness.sim, harness.guild, "daily", roles=(helpers.id,))
    allow_command(harness.sim, harness.guild, "streak-admin", roles=(helpers.id,))
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 9, 1, tzinfo=UTC))
    [post] = posts(daily)
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer=ALICE_ANSWER)
    await bob.submit_modal(await bob.click(post, "Submit answer"), answer=f"Building on {alice.mention}'s idea")
    await alice.slash("daily skip")  # as a moderator by role: an action on something shared
    await alice.slash("streak-admin announcements", state="on")
    await mod.slash("streak-admin repair", member=alice, date="2026-03-01", reason=f"outage for {alice.mention}")
    await alice.slash("streak remind", state="on", hour=19)
    await alice.slash("streak timezone", timezone="Europe/Paris")
    await alice.slash("cards study")
    for member in (alice, bob):
        await member.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=general)
    await mod.slash("mock-admin pair-now")
    [thread] = [t for t in harness.guild.threads if t.name.startswith("Mock #")]
    brief = next(m for m in thread.messages if "We met" in m.button_labels)
    feedback_form = None
    for giver, note in ((alice, ALICE_NOTE), (bob, "Clear tradeoffs")):
        met = await giver.click(brief, "We met")
        form = await giver.click(met, met.message.button_labels[0] if met.message else "Give feedback")
        feedback_form = await giver.submit_modal(form, communication="4", depth="5", tradeoffs="3", note=note)
    assert feedback_form is not None and "shared" in feedback_form.text
    answer_thread = post.thread
    assert answer_thread is not None
    posted_for_alice = [m for m in [*answer_thread.messages, *thread.messages]
                        if not m.deleted and (ALICE_ANSWER in m.text or ALICE_NOTE in m.text
                                              or alice.mention in m.text and "Feedback" in m.text)]
    assert len(posted_for_alice) == 3  # her answer, her feedback, bob's feedback about her

    export = await alice.slash("privacy export")
    assert export.type == 5  # acknowledged first: the export reads every table, and so grows with the database
    exported = json.loads(export.attachments[0]["data"])["tables"]
    assert {"daily_answers", "daily_skips", "streak_settings", "audit_log", "mock_feedback", "mock_participants",
            "user_settings", "streak_reminders", "activity"} <= set(exported)

    confirm = await alice.slash("privacy delete")
    assert "within 7 days" in confirm.text
    done = await alice.click(confirm, "Delete my data")
    assert done.type == 6  # acknowledged before the deletion, which rewrites every table that names her
    assert "Removed:" in done.text and "deleting the 3 messages" in done.text and "within 7 days" in done.text

    assert await PrivacyService(harness.core.db).tables_holding(alice.id) == []
    values = every_value(harness.db_path)
    assert not [v for v in values if ALICE_ANSWER in v or ALICE_NOTE in v or str(alice.id) in v]
    assert all(m.deleted for m in posted_for_alice)
    assert "Building on @former member's idea" in values
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM daily_skips WHERE skipped_by = 0") == 1
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 0

    texts = (ALICE_ANSWER, ALICE_NOTE)
    wal = harness.db_path.with_name(harness.db_path.name + "-wal")
    assert traces(raw_bytes(harness.db_path), alice, texts) == []
    assert traces(raw_bytes(wal), alice, texts) == []
    await harness.advance_to(datetime(2026, 3, 3, 3, 31, tzinfo=UTC))  # the nightly backup runs
    newest = sorted((harness.db_path.parent / "backups").glob("studybot-*.sqlite3"))[-1]
    assert traces(raw_bytes(newest), alice, texts) == []
    assert traces(raw_bytes(harness.db_path), alice, texts) == []
    assert traces(raw_bytes(wal), alice, texts) == []


async def test_backups_made_before_a_deletion_expire_within_the_stated_days(
        harness: BotHarness, alice: SimMember) -> None:
    folder = harness.db_path.parent / "backups"
    await harness.advance_to(datetime(2026, 3, 3, 3, 31, tzinfo=UTC))
    [first] = sorted(folder.glob("studybot-*.sqlite3"))
    old_copy = folder / "studybot-20260220-120000.sqlite3"  # a hand-made backup, older than the limit
    old_copy.write_bytes(first.read_bytes())
    await harness.advance_to(datetime(2026, 3, 4, 3, 31, tzinfo=UTC))
    assert not old_copy.exists() and first.exists()  # by age, although fewer than 7 backups exist
    await harness.advance_to(datetime(2026, 3, 10, 3, 31, tzinfo=UTC))
    remaining = sorted(folder.glob("studybot-*.sqlite3"))
    assert first not in remaining and len(remaining) == 7


async def test_privacy_delete_removes_the_members_milestone_announcements_on_discord(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    general = harness.guild.channel("general")
    await mod.slash("streak-admin announcements", state="on", channel=general)
    for member in (alice, bob):
        for days_ago in range(6, -1, -1):
            at = harness.core.clock.now() - timedelta(days=days_ago)
            await harness.core.activity.record(harness.guild.id, member.id, ActivityKind.REVIEW, at)
            await harness.settle()
    [alices] = [m for m in general.messages if "7-day streak" in m.content and alice.mention in m.content]
    [bobs] = [m for m in general.messages if "7-day streak" in m.content and bob.mention in m.content]
    # An announcement stored before its channel was kept: found through the configured channel.
    await harness.core.db.execute("UPDATE streak_milestones SET channel_id = NULL WHERE user_id = ?", (alice.id,))

    confirm = await alice.slash("privacy delete")
    done = await alice.click(confirm, "Delete my data")
    assert "deleting the 1 message I posted for you" in done.text
    await harness.settle()
    assert alices.deleted and not bobs.deleted
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 0


async def answered_and_archived(harness: BotHarness, mod: SimMember, daily: SimChannel,
                                alice: SimMember) -> tuple[SimChannel, SimMessage]:
    """Alice's answer shown in yesterday's thread, archived since; the server's system channel is #general."""
    general = harness.guild.channel("general")
    harness.guild.system_channel_id = general.id
    await harness.restart()  # the guild now reports a system channel
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 9, 1, tzinfo=UTC))
    [post] = posts(daily)
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Shard the index by tenant")
    [shown] = [m for m in post.thread.messages if m.content.startswith("Answer from")]
    await harness.advance(hours=27)
    assert post.thread.archived
    return general, shown


async def test_an_answer_in_a_thread_that_archived_since_is_deleted_too(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember) -> None:
    """Discord touches nothing in an archived thread (50083); a day's discussion archives after a day."""
    general, shown = await answered_and_archived(harness, mod, daily, alice)
    done = await alice.click(await alice.slash("privacy delete"), "Delete my data")
    assert "deleting the 1 message" in done.text
    await harness.settle()
    assert shown.deleted
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 0
    assert not [m for m in general.messages if "could not delete" in m.content]


async def test_an_answer_in_a_thread_the_bot_may_not_reopen_is_left_to_the_moderators_with_its_link(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember) -> None:
    general, shown = await answered_and_archived(harness, mod, daily, alice)
    daily.deny(harness.sim.bot_user.id, "send_messages", "manage_threads")  # so it cannot reopen the thread
    await harness.settle()
    done = await alice.click(await alice.slash("privacy delete"), "Delete my data")
    assert "deleting the 1 message" in done.text and "tell that server's moderators" in done.text
    await harness.settle()
    assert not shown.deleted  # Discord gives the bot no way to delete it
    [notice] = [m for m in general.messages if "could not delete" in m.content]
    link = f"https://discord.com/channels/{harness.guild.id}/{shown.channel_id}/{shown.id}"
    assert link in notice.content and "Please delete it by hand" in notice.content
    assert alice.mention not in notice.content and "alice" not in notice.content.lower()
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 0
    await harness.restart()  # nothing is left to try again, or to announce twice
    assert len([m for m in general.messages if "could not delete" in m.content]) == 1


async def test_an_unreachable_message_told_in_the_system_channel_before_a_stop_is_not_told_again_in_the_chosen_one(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember) -> None:
    """The chosen notices channel was closed to the bot, so the notice went to the system channel; the bot
    stopped before the message left the queue, and the chosen channel was opened again before the restart.
    The moderators read it once already: it is found where it went, and not repeated where notices go now."""
    general, shown = await answered_and_archived(harness, mod, daily, alice)
    mods_only = harness.guild.create_text_channel("mod-notices")
    await mod.slash("studybot settings notices-channel", channel=mods_only)
    mods_only.deny(harness.sim.bot_user.id, "send_messages")
    daily.deny(harness.sim.bot_user.id, "send_messages", "manage_threads")  # so it cannot reopen the thread
    await harness.settle()
    await alice.click(await alice.slash("privacy delete"), "Delete my data")
    await harness.settle()

    def notices() -> tuple[int, int]:
        told = [len([m for m in channel.messages if "I could not delete" in m.content]) for channel in (general, mods_only)]
        return told[0], told[1]

    assert notices() == (1, 0)
    await harness.core.db.execute("INSERT INTO pending_message_deletions (message_id, channel_id, guild_id, "
                                  "queued_at) VALUES (?, ?, ?, 0)",
                                  (shown.id, shown.channel_id, harness.guild.id))  # ...the stop came here
    mods_only.allow(harness.sim.bot_user.id, "send_messages")
    await harness.restart()
    assert notices() == (1, 0)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 0


async def test_an_answer_in_a_channel_the_bot_can_no_longer_see_is_left_to_the_moderators(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember) -> None:
    general, shown = await answered_and_archived(harness, mod, daily, alice)
    daily.deny(harness.sim.bot_user.id, "view_channel")
    await harness.settle()
    await alice.click(await alice.slash("privacy delete"), "Delete my data")
    await harness.settle()
    # An archived thread is not cached, so the bot asks for it, and Discord refuses: that is the one refusal.
    [refused] = harness.sim.errors
    assert refused.method == "GET" and refused.body["code"] == 50001
    harness.sim.errors.clear()
    assert not shown.deleted
    [notice] = [m for m in general.messages if "could not delete" in m.content]
    assert f"/{shown.channel_id}/{shown.id}" in notice.content
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 0


def test_a_notice_of_many_unreachable_messages_stays_inside_a_message_and_says_how_many_more() -> None:
    owed = [OwedDeletion(1, 10**18 + n, 10**18 + 1000 + n) for n in range(100)]
    text = unreachable_notice(10**18, owed)
    assert len(text) <= 2000
    assert text.count("https://discord.com/channels/") == LINKS_IN_NOTICE
    assert f"…and {100 - LINKS_IN_NOTICE} more" in text and "100 messages" in text and "delete them" in text


async def seven_day_announcement(harness: BotHarness, mod: SimMember, alice: SimMember,
                                 channel: SimChannel) -> SimMessage:
    """Alice's 7-day streak celebrated in ``channel``: a message the bot posted for her, to be deleted."""
    await mod.slash("streak-admin announcements", state="on", channel=channel)
    for days_ago in range(6, -1, -1):
        await harness.core.activity.record(harness.guild.id, alice.id, ActivityKind.REVIEW,
                                           harness.core.clock.now() - timedelta(days=days_ago))
        await harness.settle()
    [announcement] = [m for m in channel.messages if "7-day streak" in m.content]
    return announcement


async def test_a_message_queued_before_its_server_was_recorded_is_still_reported_after_a_restart(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember) -> None:
    """Deletions queued before migration 0048 carry no server; the channel, when known, tells it."""
    general = harness.guild.channel("general")
    harness.guild.system_channel_id = general.id
    await harness.restart()
    announcement = await seven_day_announcement(harness, mod, alice, daily)
    await harness.core.db.execute("INSERT INTO pending_message_deletions (message_id, channel_id, queued_at) "
                                  "VALUES (?, ?, 0)", (announcement.id, daily.id))
    daily.deny(harness.sim.bot_user.id, "view_channel")
    await harness.restart()  # the queue is resumed at start
    assert not announcement.deleted
    [notice] = [m for m in general.messages if "could not delete" in m.content]
    assert f"https://discord.com/channels/{harness.guild.id}/{daily.id}/{announcement.id}" in notice.content
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 0


async def test_with_the_shards_split_over_processes_each_resumes_only_its_own_servers_deletions(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """A member's deletion was committed and its process stopped before Discord: at the next start, the
    process serving another shard leaves the server's message alone (processes started together would
    otherwise each delete it, and each tell the moderators about one they cannot reach); the process
    serving the server deletes it."""
    announcement = await seven_day_announcement(harness, mod, alice, harness.guild.channel("general"))
    deletion = await harness.bot.get_cog("Privacy").service.delete(alice.id)  # ...and the process stops here
    assert deletion.messages_queued == 1
    await harness.stop()
    own_shard = (harness.guild.id >> 22) % 2
    for shard in (1 - own_shard, own_shard):  # the other shard's process starts first
        async with harness.process_serving(str(shard), 2) as process:
            left = await process.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions")
            assert (announcement.deleted, left) == ((False, 1) if shard != own_shard else (True, 0))


async def test_a_deletion_another_process_left_halfway_is_finished_within_a_quarter_of_an_hour(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """The process that took the member's request stopped before deleting a message in a server this
    process serves; this one keeps running, and does not wait for its own next start to delete it."""
    announcement = await seven_day_announcement(harness, mod, alice, harness.guild.channel("general"))
    await PrivacyService(harness.core.db, harness.core.clock).delete(alice.id)  # in the other process
    assert not announcement.deleted
    await harness.advance(minutes=15)
    assert announcement.deleted
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 0


async def test_a_message_another_process_is_deleting_is_left_to_it_until_that_process_has_stopped(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """Another process took the member's request and holds the message (it may be deleting it this very
    moment, and would tell the moderators too if it cannot): this process's start leaves it alone. That
    process then stopped without finishing: once its claim runs out, the quarter-hourly pass deletes it."""
    announcement = await seven_day_announcement(harness, mod, alice, harness.guild.channel("general"))
    await PrivacyService(harness.core.db, harness.core.clock).delete(alice.id)  # in the other process...
    await harness.core.db.execute("UPDATE pending_message_deletions SET claimed_by = '1/2', claimed_until = ?",
                                  (int((harness.core.clock.now() + CLAIM_LEASE).timestamp()),))  # ...which claims it
    await harness.restart()
    await harness.advance(CLAIM_LEASE - timedelta(seconds=1))  # still the other process's
    assert not announcement.deleted
    await harness.advance(minutes=15)  # the next pass after the claim ran out
    assert announcement.deleted
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 0


async def queue_after(harness: BotHarness, message: discord.Message) -> None:
    """Queue another message the bot posted for the member, after what the member's deletion queued."""
    await harness.core.db.execute(
        "INSERT INTO pending_message_deletions (message_id, channel_id, guild_id, queued_at) VALUES (?, ?, ?, ?)",
        (message.id, message.channel.id, harness.guild.id, int(harness.core.clock.now().timestamp()) + 1))


async def test_a_batch_discords_pace_stretches_holds_what_is_left_past_its_first_claim(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """Each deletion here takes six minutes (Discord's pace for old messages, in an extreme): the batch
    renews its claim once half of it is spent, so another process's pass, looking after the first claim
    would have run out, finds nothing it may take and deletes nothing twice."""
    announcement = await seven_day_announcement(harness, mod, alice, harness.guild.channel("general"))
    second = await harness.bot.get_partial_messageable(announcement.channel_id).send("posted for alice")
    deleter = harness.bot.get_cog("Privacy").deleter
    other = PrivacyService(harness.core.db, harness.core.clock)
    taken_by_other: list[OwedDeletion] = []

    async def six_minutes_a_request() -> None:
        harness.core.clock.advance(timedelta(minutes=6))
        taken_by_other.extend(await other.claim_messages("1/2"))

    deleter.pace = six_minutes_a_request
    await PrivacyService(harness.core.db, harness.core.clock).delete(alice.id)
    await queue_after(harness, second)
    await deleter.run()
    assert taken_by_other == []
    assert announcement.deleted and harness.sim.messages[second.id].deleted
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 0


async def test_a_message_another_process_took_once_this_ones_claim_ran_out_is_left_to_it(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """This process was held up past its whole claim (suspended, say) and another took the rest meanwhile."""
    announcement = await seven_day_announcement(harness, mod, alice, harness.guild.channel("general"))
    second = await harness.bot.get_partial_messageable(announcement.channel_id).send("posted for alice")
    deleter = harness.bot.get_cog("Privacy").deleter
    other = PrivacyService(harness.core.db, harness.core.clock)

    async def held_up_past_the_claim() -> None:
        if harness.core.clock.now() < claimed_at + CLAIM_LEASE:
            harness.core.clock.advance(CLAIM_LEASE)
            await other.claim_messages("1/2")

    deleter.pace = held_up_past_the_claim
    await PrivacyService(harness.core.db, harness.core.clock).delete(alice.id)
    await queue_after(harness, second)
    claimed_at = harness.core.clock.now()
    await deleter.run()
    assert announcement.deleted  # under way when the claim ran out
    assert not harness.sim.messages[second.id].deleted
    assert await harness.core.db.fetchval("SELECT claimed_by FROM pending_message_deletions") == "1/2"


async def test_a_message_discord_keeps_refusing_to_delete_is_left_to_the_moderators_after_a_day(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """A refusal that is neither "gone" nor "no access" is tried again every quarter of an hour; a member's
    request does not wait on it for ever, and the moderators are asked to finish it by hand."""
    general = harness.guild.channel("general")
    harness.guild.system_channel_id = general.id
    await harness.restart()
    announcement = await seven_day_announcement(harness, mod, alice, general)
    harness.sim.faults.fail_next(400, count=500, route_contains=str(announcement.id))

    def told() -> list[SimMessage]:
        return [m for m in general.messages if "I could not delete" in m.content]

    await alice.click(await alice.slash("privacy delete"), "Delete my data")
    await harness.advance(hours=23, minutes=44)  # every pass so far was refused, less than a day after the first
    assert not announcement.deleted and not told()
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 1
    await harness.advance(minutes=31)
    [notice] = told()
    link = f"https://discord.com/channels/{harness.guild.id}/{announcement.channel_id}/{announcement.id}"
    assert "refused to let me delete it for a day" in notice.content and link in notice.content
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM pending_message_deletions") == 0
    harness.sim.faults.fail_next_with.clear()
    await harness.advance(hours=1)
    assert len(told()) == 1 and not announcement.deleted  # nothing left to try again, or to tell twice


async def test_another_members_choice_never_to_be_paired_with_the_deleted_member_stays_theirs(
        harness: BotHarness, alice: SimMember, bob: SimMember) -> None:
    """Bob's deletion does not undo Alice's private safety choice (`/mock exclude`); the confirmation says so."""
    from bot.admin.privacy import PrivacyService

    for member in (alice, bob):
        await member.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")
    await alice.slash("mock exclude", member=bob)
    confirm = await bob.slash("privacy delete")
    assert "A choice another member made never to be paired with you stays theirs." in confirm.text
    await bob.click(confirm, "Delete my data")
    assert await PrivacyService(harness.core.db).tables_holding(bob.id) == ["mock_exclusions"]
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_exclusions WHERE user_id = ? AND excluded_id = ?",
                                          (alice.id, bob.id)) == 1


async def test_deleting_my_data_takes_back_the_reward_roles_it_earned(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    """The roles were given for a streak the deletion forgets; nothing would ever take them back after it."""
    from tests.cogs.test_rewards import givable_role, studied_every_day

    guild = harness.guild
    week = givable_role(guild)
    await mod.slash("rewards set", reward="streak-7", role=week)
    await studied_every_day(harness, alice, 7)
    await studied_every_day(harness, bob, 7)
    await harness.advance(minutes=20)
    assert week.id in guild.members[alice.id].role_ids and week.id in guild.members[bob.id].role_ids
    done = await alice.click(await alice.slash("privacy delete"), "Delete my data")
    assert "Removed:" in done.text and "reward role" in done.text, done.text
    assert week.id not in guild.members[alice.id].role_ids
    assert week.id in guild.members[bob.id].role_ids  # only hers
    assert await PrivacyService(harness.core.db).tables_holding(alice.id) == []
    await harness.advance(minutes=20)  # the next pass has nothing of hers to give back
    assert week.id not in guild.members[alice.id].role_ids


async def test_a_reward_role_discord_will_not_take_back_is_named_so_the_member_can_ask_a_moderator(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    from tests.cogs.test_rewards import bot_role, givable_role, studied_every_day

    guild = harness.guild
    week = givable_role(guild)
    await mod.slash("rewards set", reward="streak-7", role=week)
    await studied_every_day(harness, alice, 7)
    await harness.advance(minutes=20)
    guild.edit_role(bot_role(guild), position=2)  # a moderator moved the bot's role below the reward's
    done = await alice.click(await alice.slash("privacy delete"), "Delete my data")
    assert "Removed:" in done.text and "could not take back" in done.text and "Week warrior" in done.text, done.text
    assert week.id in guild.members[alice.id].role_ids
    assert await PrivacyService(harness.core.db).tables_holding(alice.id) == []


async def test_the_reason_a_member_gave_for_cancelling_an_interview_goes_with_their_data(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    room = harness.guild.create_text_channel("mock-interviews")
    thread = await paired_with_a_time(harness, mod, room, alice, bob)
    confirmed = next(m for m in thread.messages if "Cancel interview" in m.button_labels)
    await alice.submit_modal(await alice.click(confirmed, "Cancel interview"),
                             reason=f"Flu, okapimarble; sorry {bob.mention}")
    assert "okapimarble" in (await bob.slash("mock status")).text  # the partner was told her reason
    confirm = await alice.slash("privacy delete")
    await alice.click(confirm, "Delete my data")
    values = every_value(harness.db_path)
    assert not [v for v in values if "okapimarble" in v or str(alice.id) in v]  # her words went with her id
    assert await harness.core.db.fetchval("SELECT status FROM mock_meetings") == "cancelled"  # it stays
    status = (await bob.slash("mock status")).text
    assert "Called off" in status and "okapimarble" not in status
    assert "Called off by a former member." in status and "<@0>" not in status, status


async def test_a_reward_role_discord_fails_to_take_back_for_a_moment_is_not_left_with_the_member(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """A server error is Discord failing for a moment, not refusing: once the grant is forgotten with the
    member's data, nothing would ever take the role back, so nothing is deleted and the member asks again."""
    from tests.cogs.test_rewards import week_role_held

    guild = harness.guild
    week = await week_role_held(harness, mod, alice, guild)
    harness.sim.faults.fail_next(503, 1, route_contains=f"/members/{alice.id}/roles/{week.id}")
    with harness.sim.expect_errors():
        first = await alice.click(await alice.slash("privacy delete"), "Delete my data")
    await harness.advance(minutes=20)
    if week.id in guild.members[alice.id].role_ids:  # the role is still hers: her data must still be there
        assert await PrivacyService(harness.core.db).tables_holding(alice.id) != [], first.text
        assert "again" in first.text, first.text
        done = await alice.click(await alice.slash("privacy delete"), "Delete my data")
        assert "Removed:" in done.text, done.text
    await harness.advance(minutes=20)
    assert week.id not in guild.members[alice.id].role_ids
    assert await PrivacyService(harness.core.db).tables_holding(alice.id) == []


async def test_a_reward_role_in_a_server_that_removed_the_bot_does_not_keep_a_member_from_deleting_their_data(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """The server keeps its data for 30 days after removing the bot, Alice's reward grant with it; Discord answers
    Unknown Guild for a role there. That is a role the bot can no longer take back, named as such, not Discord
    failing for a moment: she must not be told to try again for a month."""
    from tests.cogs.test_rewards import week_role_held

    guild = harness.guild
    await week_role_held(harness, mod, alice, guild)
    harness.sim.remove_bot_from_guild(guild)
    await harness.settle()
    with harness.sim.expect_errors():
        done = await alice.click(await alice.slash("privacy delete", in_channel=alice.dm_channel()), "Delete my data")
    assert "Removed:" in done.text and "could not take back" in done.text, done.text
    assert await PrivacyService(harness.core.db).tables_holding(alice.id) == []


async def test_a_reward_pass_while_the_roles_are_taken_back_does_not_leave_a_role_nobody_knows_about(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """The quarter-hour pass may run between the grants being marked pending and the data going: it sees a
    pending grant for a streak still stored and gives the role back. Deleting the grant after that would leave
    the role on her for good, so either nothing is deleted (and she asks again) or the role goes too."""
    from bot.rewards import RewardService
    from tests.cogs.test_rewards import week_role_held

    guild = harness.guild
    week = await week_role_held(harness, mod, alice, guild)
    roles = harness.bot.services.get(PrivacyService)._roles  # noqa: SLF001
    take = roles.remove_role

    async def taken_then_a_pass_runs(*args: object) -> None:
        await take(*args)
        await harness.bot.services.get(RewardService).reconcile(guild.id)

    roles.remove_role = taken_then_a_pass_runs
    first = await alice.click(await alice.slash("privacy delete"), "Delete my data")
    roles.remove_role = take
    if week.id in guild.members[alice.id].role_ids:  # given back: her data must still be there to take it again
        assert await PrivacyService(harness.core.db).tables_holding(alice.id) != [], first.text
        assert "again" in first.text, first.text
        done = await alice.click(await alice.slash("privacy delete"), "Delete my data")
        assert "Removed:" in done.text, done.text
    await harness.advance(minutes=20)
    assert week.id not in guild.members[alice.id].role_ids
    assert await PrivacyService(harness.core.db).tables_holding(alice.id) == []
