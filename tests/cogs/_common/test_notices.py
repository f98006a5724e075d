"""Where the bot tells a server's moderators what only they can fix: the channel they chose, else the system
channel. Through the local Discord, as a moderator would choose it and read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.localdiscord import BotHarness, CommandForbidden, SimChannel, SimMember

from ..test_daily import posts, setup_daily


def undelivered(channel: SimChannel) -> list[str]:
    return [m.content for m in channel.messages if "could not deliver today's study prompt" in m.content]


@pytest.fixture
async def general(harness: BotHarness) -> SimChannel:
    """#general is the server's system channel."""
    general = harness.guild.channel("general")
    harness.guild.system_channel_id = general.id
    await harness.restart()  # the guild now reports a system channel
    return general


@pytest.fixture
async def mods_only(harness: BotHarness, general: SimChannel) -> SimChannel:
    """A channel members cannot see; the bot has no overwrite of its own and sees it through its role."""
    channel = harness.guild.create_text_channel("mod-notices")
    channel.deny(harness.guild.id, "view_channel")
    channel.allow(harness.sim.bot_user.id, "view_channel")
    await harness.settle()
    return channel


async def missed_daily_post(harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """The daily channel refuses the bot, so the day's post cannot be delivered and the moderators are told."""
    await setup_daily(mod, daily)
    daily.deny(harness.sim.bot_user.id, "send_messages")
    await harness.settle()
    await harness.advance(hours=1)
    assert posts(daily) == []


async def test_notices_go_to_the_channel_the_moderators_chose(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel, mods_only: SimChannel) -> None:
    chosen = await mod.slash("studybot settings notices-channel", channel=mods_only)
    assert f"will be posted in {mods_only.mention}" in chosen.text and "Everyone" not in chosen.text
    [intro] = mods_only.messages
    assert "notices for moderators here" in intro.content and mod.mention in intro.content
    assert intro.pinged_user_ids == []  # the moderator is named, not pinged
    await missed_daily_post(harness, mod, daily)
    [notice] = undelivered(mods_only)
    assert "Send Messages" in notice
    assert undelivered(general) == []
    shown = await mod.slash("studybot settings show")
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert fields["Notices for moderators"] == f"Posted in {mods_only.mention}."
    audit = await mod.slash("studybot audit")
    assert "chose the notices channel" in audit.text and mods_only.mention in audit.text


async def test_an_introduction_discord_failed_to_take_is_posted_at_the_next_start_once(
        harness: BotHarness, mod: SimMember, mods_only: SimChannel) -> None:
    """The choice is saved first: an introduction Discord could not take for a moment (or that a stop cut
    off) is still owed, and posted by the next start, once."""
    harness.sim.faults.fail_next(503, route_contains=f"/channels/{mods_only.id}/messages")
    chosen = await mod.slash("studybot settings notices-channel", channel=mods_only)
    assert f"will be posted in {mods_only.mention}" in chosen.text
    assert mods_only.messages == []
    await harness.restart()
    [intro] = mods_only.messages
    assert intro.content.startswith("studybot will post its notices for moderators here")
    await harness.restart()
    assert mods_only.messages == [intro]


async def test_without_a_choice_notices_go_to_the_system_channel_and_settings_say_how_to_choose(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel) -> None:
    shown = await mod.slash("studybot settings show")
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert general.mention in fields["Notices for moderators"]
    assert "/studybot settings notices-channel" in fields["Notices for moderators"]
    await missed_daily_post(harness, mod, daily)
    assert len(undelivered(general)) == 1


async def test_a_channel_the_bot_cannot_post_in_is_refused_and_nothing_changes(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel, mods_only: SimChannel) -> None:
    mods_only.deny(harness.sim.bot_user.id, "send_messages", "read_message_history")
    await harness.settle()
    refused = await mod.slash("studybot settings notices-channel", channel=mods_only)
    assert refused.ephemeral
    assert "I cannot post notices in" in refused.text and "Send Messages" in refused.text
    assert "Read Message History" in refused.text and "Nothing was changed" in refused.text
    assert mods_only.messages == []
    assert await harness.core.moderators.notices_channel_of(harness.guild.id) is None
    assert "chose the notices channel" not in (await mod.slash("studybot audit")).text


async def test_a_chosen_channel_the_bot_lost_leaves_notices_in_the_system_channel_and_settings_warn(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel, mods_only: SimChannel) -> None:
    await mod.slash("studybot settings notices-channel", channel=mods_only)
    mods_only.deny(harness.sim.bot_user.id, "send_messages")  # a moderator tidied the permissions since
    await harness.settle()
    shown = await mod.slash("studybot settings show")
    field = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Notices for moderators"]
    assert field.startswith("⚠️") and "Send Messages" in field and general.mention in field
    await missed_daily_post(harness, mod, daily)
    assert len(undelivered(general)) == 1 and undelivered(mods_only) == []
    harness.guild.delete_channel(mods_only)
    await harness.settle()
    shown = await mod.slash("studybot settings show")
    field = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Notices for moderators"]
    assert "no longer exists" in field and general.mention in field


async def test_clearing_the_choice_sends_notices_to_the_system_channel_again(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel, mods_only: SimChannel) -> None:
    await mod.slash("studybot settings notices-channel", channel=mods_only)
    cleared = await mod.slash("studybot settings notices-channel")
    assert f"are sent to the server's system channel {general.mention}." in cleared.text
    assert "Choose a channel" not in cleared.text  # the system channel reaches them: nothing to fix
    await missed_daily_post(harness, mod, daily)
    assert len(undelivered(general)) == 1 and undelivered(mods_only) == []


async def test_where_no_channel_reaches_the_moderators_both_the_reply_and_settings_say_so_and_how_to_fix_it(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel) -> None:
    """The system channel closed to the bot (or none at all): the reply to clearing the choice and the settings
    field say the same thing, and both point at the command that fixes it."""
    general.deny(harness.sim.bot_user.id, "send_messages")
    await harness.settle()
    cleared = await mod.slash("studybot settings notices-channel")
    shown = await mod.slash("studybot settings show")
    field = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Notices for moderators"]
    for text in (cleared.text, field):
        assert f"missing **Send Messages** in the server's system channel {general.mention}" in text
        assert "only in the host's log" in text and "/studybot settings notices-channel" in text
    harness.guild.system_channel_id = None
    await harness.restart()
    cleared = await mod.slash("studybot settings notices-channel")
    shown = await mod.slash("studybot settings show")
    field = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Notices for moderators"]
    for text in (cleared.text, field):
        assert "this server has no system channel" in text and "/studybot settings notices-channel" in text


async def test_a_channel_everyone_reads_is_accepted_with_a_word_about_privacy(
        harness: BotHarness, mod: SimMember, general: SimChannel, daily: SimChannel) -> None:
    chosen = await mod.slash("studybot settings notices-channel", channel=daily)
    assert f"will be posted in {daily.mention}" in chosen.text
    assert "Everyone in the server can read that channel" in chosen.text


async def test_only_moderators_choose_the_notices_channel(
        harness: BotHarness, mod: SimMember, alice: SimMember, general: SimChannel, mods_only: SimChannel) -> None:
    with pytest.raises(CommandForbidden):  # Discord hides the command from members (its default permission)
        await alice.slash("studybot settings notices-channel", channel=general)
    assert await harness.core.moderators.notices_channel_of(harness.guild.id) is None


async def test_a_server_without_a_system_channel_hears_of_a_privacy_deletion_in_the_chosen_channel(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember) -> None:
    """The deleted member's answer sits in an archived thread the bot may not reopen; the moderators learn
    where, in their channel, once, even across a restart."""
    notices = harness.guild.create_text_channel("mod-notices")
    await harness.settle()
    await mod.slash("studybot settings notices-channel", channel=notices)
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 9, 1, tzinfo=UTC))
    [post] = posts(daily)
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Shard the index by tenant")
    [shown] = [m for m in post.thread.messages if m.content.startswith("Answer from")]
    await harness.advance(timedelta(hours=27))
    assert post.thread.archived
    daily.deny(harness.sim.bot_user.id, "send_messages", "manage_threads")  # so it cannot reopen the thread
    await harness.settle()
    await alice.click(await alice.slash("privacy delete"), "Delete my data")
    await harness.settle()
    assert not shown.deleted
    [notice] = [m for m in notices.messages if "Please delete it by hand" in m.content]
    assert f"/{shown.channel_id}/{shown.id}" in notice.content and "alice" not in notice.content.lower()
    await harness.restart()
    assert len([m for m in notices.messages if "Please delete it by hand" in m.content]) == 1


@pytest.mark.parametrize("paused", [False, True], ids=["running", "paused-meanwhile"])
async def test_a_quiz_notice_stored_just_before_a_stop_is_told_once_at_the_next_start(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel, paused: bool) -> None:
    """The bot stored the quiz's problem for the moderators and stopped before telling them: the next start tells
    them (no quiz is due then), and the one after does not tell them again. A pause in between changes nothing:
    the quiz was missed all the same."""
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await harness.core.db.execute(
        "UPDATE quiz_schedule SET failure_notice = ?, failure_notice_told = 0 WHERE guild_id = ?",
        ("I am missing **Send Messages** in #daily", harness.guild.id))
    if paused:
        await mod.slash("quiz pause")
    for _ in range(2):
        await harness.restart()
        told = [m.content for m in general.messages if m.content.startswith("I could not post today's quiz")]
        assert len(told) == 1 and "Send Messages" in told[0]


async def test_a_chosen_channel_that_lost_read_message_history_is_left_as_settings_say(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel, mods_only: SimChannel) -> None:
    """What choosing the channel required is what keeps notices there: settings and the notice agree on where."""
    await mod.slash("studybot settings notices-channel", channel=mods_only)
    mods_only.deny(harness.sim.bot_user.id, "read_message_history")
    await harness.settle()
    shown = await mod.slash("studybot settings show")
    field = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Notices for moderators"]
    assert "Read Message History" in field and f"sent to the server's system channel {general.mention}" in field
    await missed_daily_post(harness, mod, daily)
    assert len(undelivered(general)) == 1 and undelivered(mods_only) == []


async def test_a_notice_told_in_the_system_channel_before_a_stop_is_not_told_again_in_the_chosen_one(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel, mods_only: SimChannel) -> None:
    """The chosen channel was closed to the bot when the post failed, so the notice went to the system channel;
    the bot stopped before marking it told, and the chosen channel was opened again before the next start.
    The moderators already read it once: it is found where it went and not repeated where it would go now."""
    await mod.slash("studybot settings notices-channel", channel=mods_only)
    mods_only.deny(harness.sim.bot_user.id, "send_messages")
    await harness.settle()
    await missed_daily_post(harness, mod, daily)
    assert len(undelivered(general)) == 1 and undelivered(mods_only) == []
    await harness.core.db.execute("UPDATE daily_schedule SET failure_notice_told = 0")  # ...the stop came here
    mods_only.allow(harness.sim.bot_user.id, "view_channel", "send_messages")
    await harness.restart()
    assert len(undelivered(general)) == 1 and undelivered(mods_only) == []
