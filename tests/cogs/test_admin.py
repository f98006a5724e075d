"""Moderation, privacy and operations through the local Discord."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.activity import ActivityKind
from bot.admin.privacy import PrivacyService
from bot.daily import job_id
from bot.localdiscord import BotHarness, CommandForbidden, LocalDiscord, SimChannel, SimGuild, SimMember
from bot.mock import round_job
from bot.quiz import post_job
from bot.storage import Database

from .test_daily import posts, setup_daily


def quizzes(channel: SimChannel) -> list:
    return [m for m in channel.messages if m.embeds and m.embeds[0].get("title", "").startswith("Quiz #")]


async def test_settings_overview_shows_schedules_and_a_missing_permission(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember) -> None:
    empty = await mod.slash("studybot settings show")
    assert "Nothing is scheduled yet" in empty.text
    await setup_daily(mod, daily)
    await mod.slash("quiz setup", channel=harness.guild.channel("general"), time="12:00", timezone="UTC")
    daily.deny(harness.sim.bot_user.id, "send_messages")
    await harness.settle()
    overview = await mod.slash("studybot settings show")
    fields = {f["name"]: f["value"] for f in overview.embeds[0]["fields"]}
    assert "10:00 Europe/Berlin" in fields["Daily prompts"]
    assert "Send Messages" in fields["Daily prompts"] and "Permissions" in fields["Daily prompts"]
    assert "⚠️" not in fields["Daily quiz"] and "Next:" in fields["Daily quiz"]
    assert fields["Streak milestones"].startswith("✅ announced in the daily channel")  # none chosen: the daily one's
    assert f"Channel: {daily.mention}" in fields["Streak milestones"], fields["Streak milestones"]
    with pytest.raises(CommandForbidden):
        await alice.slash("studybot settings show")


async def test_audit_lists_configuration_changes_and_moderator_actions(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember) -> None:
    await setup_daily(mod, daily, time="09:00")
    await setup_daily(mod, daily, time="10:30")
    await harness.core.activity.record(harness.guild.id, alice.id, ActivityKind.ANSWER)
    await mod.slash("streak-admin repair", member=alice, date="2026-03-01", reason="outage")
    audit = await mod.slash("studybot audit")
    text = audit.embeds[0]["description"]
    lines = text.splitlines()
    assert "repaired a streak day for" in lines[0] and alice.mention in lines[0] and "(reason: outage)" in lines[0]
    assert "set up the daily prompt" in lines[1] and "time 09:00 → 10:30" in lines[1]
    assert f"channel <#{daily.id}>" in lines[1] and "{" not in text and '"' not in text  # no raw JSON


async def test_moderator_export_is_a_csv_of_streaks_and_participation(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    for days_ago in (2, 1, 0):
        await harness.core.activity.record(harness.guild.id, alice.id, ActivityKind.REVIEW,
                                           harness.clock.now() - timedelta(days=days_ago))
    await harness.core.activity.record(harness.guild.id, bob.id, ActivityKind.QUIZ)
    await harness.settle()
    reply = await mod.slash("studybot export")
    rows = list(csv.DictReader(io.StringIO(reply.attachments[0]["data"].decode())))
    by_user = {row["user_id"]: row for row in rows}
    assert by_user[str(alice.id)]["current_streak"] == "3" and by_user[str(alice.id)]["review_days"] == "3"
    assert by_user[str(bob.id)]["quiz_days"] == "1"
    assert by_user[str(alice.id)]["member"] == "alice" and by_user[str(alice.id)]["username"] == "alice"


async def test_a_member_exports_then_deletes_everything(harness: BotHarness, mod: SimMember, daily: SimChannel,
                                                        alice: SimMember, bob: SimMember) -> None:
    await setup_daily(mod, daily)
    await harness.advance(hours=1)
    [post] = posts(daily)
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Cache embeddings by tenant")
    await bob.submit_modal(await bob.click(post, "Submit answer"), answer="Shard by region")
    await alice.slash("streak remind", state="on", hour=19)
    await alice.slash("streak timezone", timezone="Europe/Paris")
    await alice.slash("cards study")
    await mod.slash("streak-admin repair", member=alice, date="2026-03-01", reason="outage")
    exported = await alice.slash("privacy export")
    assert exported.ephemeral
    data = json.loads(exported.attachments[0]["data"])
    assert {"activity", "daily_answers", "streaks", "streak_reminders", "user_settings"} <= set(data["tables"])
    first = await alice.slash("privacy delete")
    assert "cannot be undone" in first.text
    assert first.ephemeral  # shown to Alice alone: no other member's client shows its button
    with pytest.raises(AssertionError, match="ephemeral"):
        bob.start_click(first, "Delete my data")
    done = await alice.click(first, "Delete my data")
    assert "Removed:" in done.text and "daily_answers" in done.text
    assert await PrivacyService(harness.core.db).tables_holding(alice.id) == []
    board = await bob.slash("leaderboard")
    assert alice.mention not in board.text and bob.mention in board.text
    assert await PrivacyService(harness.core.db).tables_holding(bob.id) != []


async def test_a_left_guilds_data_is_kept_30_days_then_removed(harness: BotHarness, mod: SimMember,
                                                                daily: SimChannel, alice: SimMember) -> None:
    await setup_daily(mod, daily)
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=daily)
    guild_jobs = (job_id(harness.guild.id), post_job(harness.guild.id), round_job(harness.guild.id))
    assert all(harness.core.scheduler.has(job) for job in guild_jobs)
    await harness.core.activity.record(harness.guild.id, alice.id, ActivityKind.ANSWER)
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    assert not any(harness.core.scheduler.has(job) for job in guild_jobs)  # each feature forgot the guild
    await harness.advance(days=29)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM activity") == 1
    await harness.advance(days=2)
    for table in ("activity", "daily_schedule", "guild_settings", "audit_log"):
        assert await harness.core.db.fetchval(f"SELECT COUNT(*) FROM {table}") == 0, table  # noqa: S608


async def test_a_server_that_adds_the_bot_back_gets_its_schedules_back(harness: BotHarness, mod: SimMember,
                                                                       daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=daily)
    guild_jobs = (job_id(harness.guild.id), post_job(harness.guild.id), round_job(harness.guild.id))
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.restart()  # a restart while the bot is out of the server does not bring its posts back
    assert not any(harness.core.scheduler.has(job) for job in guild_jobs)
    await harness.advance(days=3)
    assert not posts(daily)

    await harness.advance_to(harness.clock.now().replace(hour=8))
    harness.sim.add_bot_to_guild(harness.guild)  # added back within the 30 days: nothing to set up again
    await harness.settle()
    assert all(harness.core.scheduler.has(job) for job in guild_jobs)
    [welcome] = [m for c in harness.guild.channels.values() for m in getattr(c, "messages", []) if m.embeds]
    assert welcome.embeds[0]["title"] == "Welcome back 👋"  # not "set up", which was kept
    assert all(name in welcome.embeds[0]["description"] for name in ("Daily prompts", "Daily quiz", "Mock interviews"))
    assert not posts(daily)  # re-added before 09:00: today's post comes at its time
    await harness.advance_to(harness.clock.now().replace(hour=9, minute=5))
    assert len(posts(daily)) == 1


async def test_a_server_that_adds_the_bot_back_after_its_post_time_gets_todays_post_at_once(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance(days=2)
    await harness.advance_to(harness.clock.now().replace(hour=15))
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    assert [m.embeds[0]["title"].split(" · ")[0] for m in posts(daily)] == ["Day 1"]  # as after the bot was down
    assert len(quizzes(daily)) == 1
    await harness.advance(days=1)
    assert len(posts(daily)) == 2 and len(quizzes(daily)) == 2


async def test_a_server_that_adds_the_bot_back_after_its_round_time_gets_the_days_mock_round_at_once(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """As after the bot was down: the scheduled round that fell due earlier the same day starts when the
    server adds the bot back, rather than a week later."""
    for member in (alice, bob):
        await member.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=daily)
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance_to(datetime(2026, 3, 6, 12, tzinfo=UTC))  # Friday, two hours after the round's time
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    [announcement] = [m for m in daily.messages if "Mock interview round 1" in m.content]
    assert "2 members in 1 pair" in announcement.content
    assert [t for t in harness.guild.threads if alice.id in t.member_ids and bob.id in t.member_ids]


async def test_a_server_that_adds_the_bot_back_while_it_is_offline_gets_its_schedules_back(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.stop()
    harness.sim.add_bot_to_guild(harness.guild)  # while the bot is offline: Discord sends it no join for this
    await harness.start()
    await harness.settle()
    assert harness.core.scheduler.has(job_id(harness.guild.id))
    left_at = await harness.core.db.fetchval("SELECT left_at FROM guild_settings WHERE guild_id = ?",
                                             (harness.guild.id,))
    assert left_at is None  # no longer counted as left: the nightly purge keeps its data
    [welcome] = [m for c in harness.guild.channels.values() for m in getattr(c, "messages", []) if m.embeds
                 and m.embeds[0]["title"].startswith("Welcome")]
    assert welcome.embeds[0]["title"] == "Welcome back 👋" and "Daily prompts" in welcome.embeds[0]["description"]
    await harness.advance(days=31)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM daily_schedule") == 1


async def test_a_server_that_removes_the_bot_while_it_is_offline_counts_as_left(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """Discord sends no GUILD_DELETE for a removal while no process runs; the server is simply missing at start.
    It counts as left then: nothing is posted there, and its data goes 30 days later as the bot promises."""
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await harness.stop()
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.start()
    assert not harness.core.scheduler.has(job_id(harness.guild.id))
    assert not harness.core.scheduler.has(post_job(harness.guild.id))
    await harness.advance(days=29)
    assert harness.sim.errors == [] and not posts(daily)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM daily_schedule") == 1
    await harness.advance(days=2)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM daily_schedule") == 0


async def test_a_backup_restores_into_a_working_bot(harness: BotHarness, mod: SimMember, daily: SimChannel,
                                                    alice: SimMember, sim: LocalDiscord, tmp_path: Path) -> None:
    await setup_daily(mod, daily)
    for days_ago in (1, 0):
        await harness.core.activity.record(harness.guild.id, alice.id, ActivityKind.REVIEW,
                                           harness.clock.now() - timedelta(days=days_ago))
    await harness.settle()
    await harness.advance_to(datetime(2026, 3, 3, 3, 31, tzinfo=UTC))  # the nightly backup ran
    folder = tmp_path / "backups"
    [backup] = sorted(folder.glob("studybot-*.sqlite3"))
    await harness.stop()
    restored = tmp_path / "restored.sqlite3"
    restored.write_bytes(backup.read_bytes())
    db = Database(restored)
    await db.open()
    assert await db.fetchval("PRAGMA integrity_check") == "ok"
    await db.close()
    again = BotHarness(sim, restored, harness.clock)
    await again.start()
    try:
        shown = await alice.slash("streak show")
        assert "2 days" in shown.text
    finally:
        await again.stop()


async def test_the_owner_reloads_content_and_a_broken_pack_keeps_the_last_good_one(
        harness: BotHarness, mod: SimMember, tmp_path: Path) -> None:
    assert "Only the bot's owner" in (await mod.slash("studybot-owner reload-content")).text
    harness.core.settings.owner_ids.append(mod.id)
    store = harness.core.content
    folder = tmp_path / "packs"
    shutil.copytree(store.directory, folder)
    store.directory = folder
    assert "Reloaded: 50 prompts and 193 flashcards" in (await mod.slash("studybot-owner reload-content")).text
    (folder / "ai-native-careers" / "flashcards" / "faq.toml").write_text("[[card]]\nid = 1\n", encoding="utf-8")
    broken = await mod.slash("studybot-owner reload-content")
    assert "kept the content I had (50 prompts, 193 flashcards)" in broken.text and "faq.toml" in broken.text
    assert len(store.library.flashcards) == 193
    health = await mod.slash("studybot-owner health")
    assert "ai-native-careers@" in health.text and "Scheduled jobs" in health.text
    assert "#0 🟢 connected" in health.text and "· 1 server\n" in health.text


async def test_the_application_owner_is_answered_without_asking_discord_who_owns_the_bot(
        harness: BotHarness, guild: SimGuild, mod: SimMember) -> None:
    """The application's owner (not in STUDYBOT_OWNER_IDS) runs an owner command, the first since the start: the
    owner is the one discord.py read at login. Asking Discord again (discord.py's ``Bot.is_owner``) put a request
    before the answer, which Discord fails after 3 seconds."""
    owner = next(m for m in guild.members.values() if m.id == guild.owner_id)
    assert harness.bot is not None and owner.id not in harness.core.settings.owner_ids

    async def must_not_be_asked() -> None:
        raise AssertionError("the bot asked Discord who owns the application before answering")

    harness.bot.application_info = must_not_be_asked  # type: ignore[method-assign, assignment]
    health = await owner.slash("studybot-owner health")
    assert health.ephemeral and "#0 🟢 connected" in health.text
    assert "Only the bot's owner" in (await mod.slash("studybot-owner health")).text  # a moderator is not one


def test_health_fits_discords_embed_limits_for_a_process_running_many_scattered_shards() -> None:
    from bot.bot import ShardState
    from bot.localdiscord.validation import validate_message
    from bot.shards import ShardLayout
    from cogs.admin.embeds import health_embed

    layout = ShardLayout(400, tuple(range(0, 300, 3)))  # 100 shards, no two in a row
    assert layout.shard_ids is not None
    embed = health_embed(latency_ms=40, jobs=[], job_count=0, db_bytes=4096, last_backup=None, content="pack",
                         failures=0, shards=[ShardState(i, True, 0.04, 3) for i in layout.shard_ids],
                         layout=layout.describe())
    assert validate_message({"embeds": [embed.to_dict()]}) is None
    assert embed.fields[1].name.startswith("Shards (this process runs 0,3,6,")
    waiting = health_embed(latency_ms=None, jobs=[], job_count=0, db_bytes=0, last_backup=None, content="pack",
                           failures=0)
    assert waiting.fields[0].value == "no heartbeat answered yet"  # never "0 ms" while a shard has not answered


async def test_the_overview_says_when_streak_milestones_have_nowhere_to_be_celebrated(
        harness: BotHarness, guild: SimGuild, mod: SimMember) -> None:
    """Milestones go to the daily channel unless one is chosen: without a daily channel, or with a forum one (a
    forum takes posts, not messages), none is celebrated, and the overview must not show them as announced."""
    def milestones(reply) -> str:
        return {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}["Streak milestones"]

    alone = milestones(await mod.slash("studybot settings show"))
    assert not alone.startswith("✅") and "/streak-admin announcements" in alone, alone
    forum = guild.create_forum_channel("prompts")
    await mod.slash("daily setup", channel=forum, time="09:00", timezone="UTC")
    in_forum = milestones(await mod.slash("studybot settings show"))
    assert "⚠️" in in_forum and "forum" in in_forum and "/streak-admin announcements" in in_forum, in_forum
    general = guild.channel("general")
    await mod.slash("streak-admin announcements", state="on", channel=general)
    chosen = milestones(await mod.slash("studybot settings show"))
    assert chosen.startswith("✅ announced") and "⚠️" not in chosen and general.mention in chosen, chosen


async def test_the_export_names_members_the_bot_never_saw_without_a_request_each(
        harness: BotHarness, mod: SimMember, guild: SimGuild) -> None:
    """A large server's export: members the bot has not cached are asked of the gateway a hundred at a time,
    not one REST request each (which on thousands of members could outlast the 15 minutes a reply may take)."""
    quiet = [guild.add_member(f"reader{index}") for index in range(150)]
    gone = guild.add_member("gone")
    for member in [*quiet, gone]:
        await harness.core.activity.record(guild.id, member.id, ActivityKind.REVIEW)
    harness.sim.remove_member(guild, gone)
    await harness.settle()
    before = len(harness.sim.requests)
    reply = await mod.slash("studybot export")
    one_by_one = [path for _, path in harness.sim.requests[before:] if "/members/" in path]
    assert one_by_one == [], f"{len(one_by_one)} member requests, e.g. {one_by_one[:2]}"
    by_user = {row["user_id"]: row for row in csv.DictReader(io.StringIO(reply.attachments[0]["data"].decode()))}
    assert by_user[str(quiet[149].id)]["member"] == "reader149"
    assert by_user[str(gone.id)]["member"] == "(left the server)"


async def test_a_left_guilds_own_flashcards_leave_no_memory_of_them_once_its_data_is_removed(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    form = await alice.slash("suggest card")
    await alice.submit_modal(form, front="What does a reranker add after vector search?", topic="retrieval",
                             back="It re-scores the best candidates with a cross-encoder.", wrong_answers="")
    await mod.click(await mod.slash("review queue"), "Approve")
    screen = await bob.slash("cards study", deck="server")
    back = await bob.click(screen, "Reveal")
    await bob.click(back, next(label for label in back.button_labels if label.startswith("Good")))
    own = f"g{harness.guild.id}-%"
    for table in ("card_states", "card_undo"):
        assert await harness.core.db.fetchval(
            f"SELECT COUNT(*) FROM {table} WHERE card_id LIKE ?", (own,)) == 1, table  # noqa: S608
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance(days=31)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM server_items") == 0
    for table in ("card_states", "card_undo"):  # bob's memory of cards that existed only in that server
        assert await harness.core.db.fetchval(
            f"SELECT COUNT(*) FROM {table} WHERE card_id LIKE ?", (own,)) == 0, table  # noqa: S608


async def test_the_audit_shows_a_members_card_as_plain_text_not_as_a_link(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    front = "# Official notice: [verify your account](https://evil.example/login) or lose your streak"
    form = await alice.slash("suggest card")
    done = await alice.submit_modal(form, front=front, topic="retrieval", wrong_answers="",
                                    back="A cross-encoder re-scores the best candidates after vector search.")
    assert "#1" in done.text
    await mod.click(await mod.slash("review queue"), "Approve")
    [choice] = await mod.autocomplete("content remove", "item", "official notice")
    await mod.click(await mod.slash("content remove", item=choice["value"]), "Remove it")
    text = (await mod.slash("studybot audit")).embeds[0]["description"]
    assert "removed a server prompt or card" in text
    assert "verify your account" in text
    assert not re.search(r"(?<!\\)\[[^\]]*\]\(", text)  # shown as typed, never as a masked link


async def test_a_server_that_removes_the_bot_during_a_gateway_outage_counts_as_left(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """Discord tells no one of a removal while a shard has no session; the new session's READY simply no longer
    lists the server. It counts as left then, as a removal while the bot was offline does."""
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    gateway = harness.sim.gateway
    await gateway.invalidate_session(resumable=False)
    harness.sim.remove_bot_from_guild(harness.guild)  # no session is open: there is nobody to send it to
    await harness.wait_until(lambda: gateway.identify_count == 2 and harness.connected(), what="re-identify")
    assert not harness.core.scheduler.has(job_id(harness.guild.id))
    await harness.advance(days=2)
    assert not posts(daily)
    assert await harness.core.db.fetchval("SELECT left_at FROM guild_settings WHERE guild_id = ?",
                                          (harness.guild.id,)) is not None
