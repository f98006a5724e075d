"""Threads archive on the simulated clock and permissions follow Discord's algorithm, overwrites included."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest

from bot.localdiscord import BotHarness, LocalDiscord, SimChannel, SimGuild, SimMember
from bot.localdiscord.state import PERMISSIONS


def bot_role(guild: SimGuild):
    return next(role for role in guild.roles.values() if role.name == "studybot")


def text_channel(harness: BotHarness, channel: SimChannel) -> discord.TextChannel:
    assert harness.bot is not None
    found = harness.bot.get_channel(channel.id)
    assert isinstance(found, discord.TextChannel)
    return found


async def start_thread(harness: BotHarness, channel: SimChannel, minutes: int = 60) -> discord.Thread:
    message = await text_channel(harness, channel).send("topic")
    return await message.create_thread(name="discussion", auto_archive_duration=minutes)


# -- archiving --------------------------------------------------------------------------------
async def test_an_idle_thread_archives_after_its_duration_and_leaves_the_bots_cache(
        harness: BotHarness, general: SimChannel) -> None:
    assert harness.bot is not None
    thread = await start_thread(harness, general, minutes=60)
    sim_thread = harness.sim.channels[thread.id]
    await harness.advance(minutes=59)
    assert not sim_thread.archived and harness.bot.get_channel(thread.id) is not None
    await harness.advance(minutes=1)
    assert sim_thread.archived
    assert sim_thread.archive_timestamp == sim_thread.last_activity + timedelta(minutes=60)
    assert harness.bot.get_channel(thread.id) is None  # THREAD_UPDATE archived: discord.py forgets it


async def test_a_message_keeps_a_thread_active_and_sending_unarchives_it(
        harness: BotHarness, general: SimChannel) -> None:
    assert harness.bot is not None
    thread = await start_thread(harness, general, minutes=60)
    await harness.advance(minutes=50)
    await thread.send("still talking")
    await harness.advance(minutes=50)
    assert not harness.sim.channels[thread.id].archived  # activity restarted the hour
    await harness.advance(minutes=10)
    assert harness.sim.channels[thread.id].archived
    fetched = await harness.bot.fetch_channel(thread.id)
    assert isinstance(fetched, discord.Thread) and fetched.archived
    await fetched.send("back again")
    await harness.settle()
    assert not harness.sim.channels[thread.id].archived
    assert harness.sim.channels[thread.id].messages[-1].content == "back again"
    assert harness.bot.get_channel(thread.id) is not None  # the THREAD_UPDATE brought it back


async def test_an_archived_thread_refuses_edits_and_new_members_until_unarchived(
        harness: BotHarness, general: SimChannel, alice: SimMember) -> None:
    assert harness.bot is not None
    thread = await start_thread(harness, general, minutes=60)
    message = await thread.send("first")
    await harness.advance(hours=2)
    archived = await harness.bot.fetch_channel(thread.id)
    assert isinstance(archived, discord.Thread)
    with harness.sim.expect_errors(50083) as seen, pytest.raises(discord.HTTPException):
        await archived.get_partial_message(message.id).edit(content="changed")
    with harness.sim.expect_errors(50083), pytest.raises(discord.HTTPException):
        await archived.add_user(discord.Object(alice.id))
    assert [e.code for e in seen] == [50083]
    reopened = await archived.edit(archived=False)
    await reopened.get_partial_message(message.id).edit(content="changed")
    await reopened.add_user(discord.Object(alice.id))
    assert alice.id in harness.sim.channels[thread.id].member_ids


async def test_a_locked_archived_thread_stays_closed_without_manage_threads(
        harness: BotHarness, general: SimChannel, guild: SimGuild) -> None:
    assert harness.bot is not None
    thread = await start_thread(harness, general, minutes=60)
    harness.sim.channels[thread.id].locked = True
    await harness.advance(hours=2)
    general.deny(bot_role(guild).id, "manage_threads")
    archived = await harness.bot.fetch_channel(thread.id)
    assert isinstance(archived, discord.Thread)
    with harness.sim.expect_errors(50083), pytest.raises(discord.HTTPException):
        await archived.send("let me in")
    assert harness.sim.channels[thread.id].archived


async def test_a_press_in_an_archived_thread_reopens_it_as_the_member_who_may(
        harness: BotHarness, general: SimChannel, guild: SimGuild, alice: SimMember, bob: SimMember) -> None:
    """Discord's clients reopen the thread before sending the press (Send Messages), so the bot's answer edits a
    message in an active thread; a member who may not reopen it cannot press there at all."""
    thread = await start_thread(harness, general, minutes=60)
    button = discord.ui.Button[discord.ui.View](label="Helpful", custom_id="probe:helpful")
    sent = await thread.send("an answer", view=discord.ui.View().add_item(button))
    await harness.advance(hours=2)
    sim_thread = harness.sim.channels[thread.id]
    assert sim_thread.archived
    general.deny(bob.id, "send_messages")
    with pytest.raises(AssertionError, match="may not"):
        bob.start_click(harness.sim.messages[sent.id], "Helpful")
    assert sim_thread.archived
    alice.start_click(harness.sim.messages[sent.id], "Helpful")
    assert not sim_thread.archived and sim_thread.last_activity == harness.sim.clock.now()


async def test_a_thread_picked_in_a_channel_menu_arrives_with_its_parent_and_metadata(
        harness: BotHarness, general: SimChannel, alice: SimMember) -> None:
    """interactions/receiving-and-responding.mdx, "Resolved Data Structure": a picked thread's partial channel
    carries parent_id and thread_metadata, which discord.py reads for every thread it resolves."""
    thread = await start_thread(harness, general)
    picked: list[object] = []

    class Pick(discord.ui.View):
        @discord.ui.select(cls=discord.ui.ChannelSelect, placeholder="Where?")
        async def pick(self, interaction: discord.Interaction,
                       select: discord.ui.ChannelSelect[Pick]) -> None:
            picked.extend(select.values)
            await interaction.response.send_message("noted", ephemeral=True)

    sent = await text_channel(harness, general).send("pick one", view=Pick())
    reply = await alice.select(harness.sim.messages[sent.id], [str(thread.id)])
    assert reply.text == "noted"
    [chosen] = picked
    assert isinstance(chosen, discord.app_commands.AppCommandThread)
    assert chosen.parent_id == general.id and not chosen.archived


async def test_adding_a_member_needs_send_messages_in_threads(
        harness: BotHarness, general: SimChannel, guild: SimGuild, alice: SimMember) -> None:
    thread = await start_thread(harness, general)
    general.deny(bot_role(guild).id, "send_messages_in_threads")
    await harness.settle()
    with harness.sim.expect_errors(50013), pytest.raises(discord.Forbidden):
        await thread.add_user(discord.Object(alice.id))
    assert alice.id not in harness.sim.channels[thread.id].member_ids


async def test_thread_bodies_follow_the_documented_durations(harness: BotHarness, general: SimChannel) -> None:
    message = await text_channel(harness, general).send("topic")
    route = discord.http.Route("POST", "/channels/{channel_id}/messages/{message_id}/threads",
                               channel_id=general.id, message_id=message.id)
    assert harness.bot is not None
    with harness.sim.expect_errors(50035) as seen, pytest.raises(discord.HTTPException):
        await harness.bot.http.request(route, json={"name": "t", "auto_archive_duration": 2880})
    assert "auto_archive_duration" in seen[0].body["errors"]


# -- permissions ----------------------------------------------------------------------------
def test_overwrites_apply_in_discords_order(sim: LocalDiscord) -> None:
    guild = next(iter(sim.guilds.values()))
    channel = guild.channel("general")
    helper = guild.create_role("Helper")
    alice = next(m for m in guild.members.values() if m.name == "alice")
    alice.add_role(helper)
    view, send = PERMISSIONS["view_channel"], PERMISSIONS["send_messages"]
    channel.set_permissions(guild.everyone, deny=("view_channel",))
    assert not alice.permissions(channel) & view
    channel.set_permissions(helper, allow=("view_channel",))  # a role allow beats the @everyone deny
    assert alice.permissions(channel) & view
    channel.set_permissions(alice, deny=("send_messages",))  # the member's own overwrite comes last
    assert not alice.permissions(channel) & send
    channel.set_permissions(helper, allow=("view_channel", "send_messages"))
    assert not alice.permissions(channel) & send
    channel.clear_overwrite(alice.id)
    assert alice.permissions(channel) & send


def test_implicit_denials(sim: LocalDiscord) -> None:
    guild = next(iter(sim.guilds.values()))
    channel = guild.channel("general")
    alice = next(m for m in guild.members.values() if m.name == "alice")
    guild.edit_role(guild.everyone, permissions=guild.everyone.permissions | PERMISSIONS["mention_everyone"])
    assert alice.permissions(channel) & PERMISSIONS["mention_everyone"]
    channel.deny(alice.id, "send_messages")  # no sending: no embeds, files or @everyone either
    for name in ("mention_everyone", "embed_links", "attach_files"):
        assert not alice.permissions(channel) & PERMISSIONS[name]
    channel.deny(alice.id, "view_channel")  # no viewing: nothing at all
    assert alice.permissions(channel) == 0


def test_private_threads_are_for_their_members_and_moderators(sim: LocalDiscord) -> None:
    guild = next(iter(sim.guilds.values()))
    parent = guild.channel("general")
    alice = next(m for m in guild.members.values() if m.name == "alice")
    mod = next(m for m in guild.members.values() if m.name == "mod")
    thread = SimChannel(sim.snowflakes.next(), "private", 12, guild, parent_id=parent.id, owner_id=mod.id,
                        member_ids={mod.id})
    assert alice.permissions(thread) == 0
    thread.member_ids.add(alice.id)
    have = alice.permissions(thread)
    assert have & PERMISSIONS["view_channel"] and have & PERMISSIONS["send_messages_in_threads"]
    parent.deny(alice.id, "send_messages")  # Send Messages is not inherited by threads
    assert alice.permissions(thread) & PERMISSIONS["send_messages_in_threads"]


async def test_a_role_is_pinged_only_when_mentionable_or_the_bot_may_mention_everyone(
        harness: BotHarness, general: SimChannel, guild: SimGuild) -> None:
    quiet = guild.create_role("Quiet")
    loud = guild.create_role("Loud", mentionable=True)
    await harness.settle()
    channel = text_channel(harness, general)
    roles = discord.AllowedMentions(roles=True)  # the bot's own default pings nobody
    await channel.send(f"{quiet.mention} {loud.mention}", allowed_mentions=roles)
    assert general.messages[-1].pinged_role_ids == [quiet.id, loud.id]  # the bot has Mention Everyone
    general.deny(bot_role(guild).id, "mention_everyone")
    await harness.settle()
    await channel.send(f"{quiet.mention} {loud.mention}", allowed_mentions=roles)
    assert general.messages[-1].pinged_role_ids == [loud.id]
    guild.edit_role(quiet, mentionable=True)
    await harness.settle()
    await channel.send(f"{quiet.mention} {loud.mention}", allowed_mentions=roles)
    assert general.messages[-1].pinged_role_ids == [quiet.id, loud.id]


async def test_interaction_replies_ping_users_only_by_default(sim: LocalDiscord, guild: SimGuild) -> None:
    from bot.localdiscord.rest_messages import resolve_pings

    loud = guild.create_role("Loud", mentionable=True)
    alice = next(m for m in guild.members.values() if m.name == "alice")
    payload = {"content": f"{loud.mention} {alice.mention} @everyone"}
    resolve_pings(sim, guild.channel("general"), payload, webhook=True)
    assert payload["_pinged_roles"] == [] and payload["_pinged_users"] == [alice.id]
    assert not payload["_mention_everyone"]


async def test_history_without_read_message_history_is_empty_not_refused(
        harness: BotHarness, general: SimChannel, guild: SimGuild) -> None:
    channel = text_channel(harness, general)
    await channel.send("one")
    general.deny(bot_role(guild).id, "read_message_history")
    await harness.settle()
    assert [m async for m in channel.history(limit=10)] == []


async def test_one_message_needs_view_channel_and_read_message_history(
        harness: BotHarness, general: SimChannel, guild: SimGuild) -> None:
    channel = text_channel(harness, general)
    sent = await channel.send("one")
    assert (await channel.fetch_message(sent.id)).content == "one"  # both permissions: the message
    general.deny(bot_role(guild).id, "read_message_history")
    await harness.settle()
    with pytest.raises(discord.Forbidden) as refused:
        await channel.fetch_message(sent.id)
    assert refused.value.code == 50001
    general.allow(bot_role(guild).id, "read_message_history")
    general.deny(bot_role(guild).id, "view_channel")
    await harness.settle()
    with pytest.raises(discord.Forbidden) as hidden:
        await channel.fetch_message(sent.id)
    assert hidden.value.code == 50001
    assert [error.status for error in harness.sim.errors] == [403, 403]
    harness.sim.errors.clear()  # refused on purpose
