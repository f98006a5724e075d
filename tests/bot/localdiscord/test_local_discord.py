"""The local Discord enforces Discord's rules with Discord's errors, and the real client copes with faults."""

from __future__ import annotations

import aiohttp
import discord
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.localdiscord import (
    BotHarness,
    CommandForbidden,
    InteractionFailed,
    LocalDiscord,
    SimChannel,
    SimMember,
    SimMessage,
)


def channel_of(harness: BotHarness, sim_channel: SimChannel) -> discord.TextChannel:
    assert harness.bot is not None
    channel = harness.bot.get_channel(sim_channel.id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_binds_loopback_only_and_restores_the_client(sim: LocalDiscord, harness: BotHarness) -> None:
    assert sim.host == "127.0.0.1"
    assert Route.BASE.startswith("http://127.0.0.1:")
    await harness.stop()
    assert Route.BASE == "https://discord.com/api/v10"
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "wss://gateway.discord.gg/"
    await harness.start()


async def test_ready_delivers_guilds_channels_and_roles(harness: BotHarness, guild, daily: SimChannel) -> None:
    assert harness.bot is not None
    bot_guild = harness.bot.get_guild(guild.id)
    assert bot_guild is not None and bot_guild.name == "Study Hall"
    assert {c.name for c in bot_guild.text_channels} == {"general", "daily"}
    assert "Daily ping" in {r.name for r in bot_guild.roles}
    assert bot_guild.me is not None


async def test_oversized_embed_is_rejected_with_discords_form_error(harness: BotHarness, general: SimChannel) -> None:
    with harness.sim.expect_errors(50035) as seen, pytest.raises(discord.HTTPException) as caught:
        await channel_of(harness, general).send(embed=discord.Embed(title="t" * 257, description="d" * 4097))
    assert caught.value.code == 50035
    errors = seen[0].body["errors"]["embeds"]["0"]
    assert errors["title"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert errors["description"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert general.messages == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [{"description": "x"}] * 11}, "embeds"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, "embeds"),
        ({"embeds": [{"description": "d" * 4000}, {"description": "d" * 2500}]}, "embeds"),
        ({"content": "x", "components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": f"b{i}", "custom_id": f"c{i}"} for i in range(6)]}]}, "components"),
        ({"content": "x", "components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": "b", "custom_id": "c" * 101}]}]}, "components"),
    ],
)
async def test_payload_limits(harness: BotHarness, general: SimChannel, payload: dict, field: str) -> None:
    """Raw requests, because discord.py checks a few of these itself before sending."""
    assert harness.bot is not None
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=general.id)
    with harness.sim.expect_errors(50035) as seen, pytest.raises(discord.HTTPException):
        await harness.bot.http.request(route, json=payload)
    assert field in seen[0].body["errors"]
    assert general.messages == []


async def test_too_many_buttons_and_long_labels_are_rejected(harness: BotHarness, general: SimChannel) -> None:
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="x" * 81, custom_id="long"))
    with harness.sim.expect_errors(50035) as seen, pytest.raises(discord.HTTPException):
        await channel_of(harness, general).send("hi", view=view)
    assert "label" in str(seen[0].body)


async def test_user_text_never_pings_everyone_or_roles(harness: BotHarness, general: SimChannel, guild) -> None:
    role = next(r for r in guild.roles.values() if r.name == "Daily ping")
    await channel_of(harness, general).send(f"@everyone look {role.mention}")
    await harness.settle()
    message = general.last_message
    assert message is not None and message.content.startswith("@everyone")
    assert not message.mentions_everyone
    assert message.pinged_role_ids == []


async def test_late_acknowledgement_is_unknown_interaction(harness: BotHarness, alice: SimMember,
                                                           general: SimChannel) -> None:
    harness.sim.ack_timeout = 0.0
    with harness.sim.expect_errors(10062) as seen, pytest.raises(InteractionFailed):
        await alice.slash("about", channel=general)
    assert seen and seen[0].status == 404


async def test_second_acknowledgement_is_refused(harness: BotHarness, alice: SimMember, general: SimChannel) -> None:
    reply = await alice.slash("about", channel=general)
    interaction = reply.interaction
    url = f"{harness.sim.api_base}/interactions/{interaction.id}/{interaction.token}/callback"
    with harness.sim.expect_errors(40060) as seen:
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json={"type": 4, "data": {"content": "again"}}) as response:
                assert response.status == 400
                body = await response.json()
    assert body["code"] == 40060
    assert len(seen) == 1


async def test_updating_a_message_deleted_since_the_click_is_unknown_message_and_leaves_the_interaction_open(
        harness: BotHarness, alice: SimMember, general: SimChannel) -> None:
    """receiving-and-responding.mdx, UPDATE_MESSAGE edits "the message the component was attached to": one deleted
    meanwhile is an Unknown Message, as any edit of it is, and the interaction may still be answered otherwise."""
    await channel_of(harness, general).send("a message with no buttons the bot listens to")
    message = general.messages[-1]
    pressed = alice._dispatch(3, general, {"custom_id": "nobody:handles:this", "component_type": 2}, message=message)
    await harness.settle()
    message.deleted = True
    url = f"{harness.sim.api_base}/interactions/{pressed.id}/{pressed.token}/callback"
    with harness.sim.expect_errors(10008) as seen:
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json={"type": 7, "data": {"content": "edited"}}) as response:
                assert response.status == 404 and (await response.json())["code"] == 10008
            async with session.post(url, json={"type": 4, "data": {"content": "told instead", "flags": 64}}) as response:
                assert response.status == 204
    assert len(seen) == 1 and pressed.response_type == 4 and message.content != "edited"


async def test_callbacks_and_follow_ups_answer_204_unless_the_body_is_asked_for(
        harness: BotHarness, alice: SimMember, general: SimChannel) -> None:
    await channel_of(harness, general).send("a message with no buttons the bot listens to")
    message = general.messages[-1]
    unhandled = {"custom_id": "nobody:handles:this", "component_type": 2}
    quiet = alice._dispatch(3, general, unhandled, message=message)
    verbose = alice._dispatch(3, general, unhandled, message=message)
    await harness.settle()
    async with aiohttp.ClientSession() as session:
        base = harness.sim.api_base
        async with session.post(f"{base}/interactions/{quiet.id}/{quiet.token}/callback",
                                json={"type": 6}) as response:
            assert response.status == 204 and await response.read() == b""
        async with session.post(f"{base}/interactions/{verbose.id}/{verbose.token}/callback",
                                params={"with_response": "true"}, json={"type": 6}) as response:
            assert response.status == 200
            body = await response.json()
        hook = f"{base}/webhooks/{harness.sim.application_id}/{quiet.token}"
        async with session.post(hook, json={"content": "sent, no body asked for"}) as response:
            assert response.status == 204
        async with session.post(hook, params={"wait": "true"}, json={"content": "sent and shown"}) as response:
            assert response.status == 200 and (await response.json())["content"] == "sent and shown"
    assert body["interaction"]["id"] == str(verbose.id)
    assert quiet.response_type == verbose.response_type == 6
    assert [m.content for m in quiet.followups] == ["sent, no body asked for", "sent and shown"]


async def test_rate_limit_headers_and_429_retry_by_the_real_client(harness: BotHarness, general: SimChannel) -> None:
    harness.sim.ratelimiter.every_nth_limited = 2
    channel = channel_of(harness, general)
    for i in range(5):
        await channel.send(f"message {i}")
    harness.sim.ratelimiter.every_nth_limited = 0
    await harness.settle()
    assert [m.content for m in general.messages] == [f"message {i}" for i in range(5)]
    assert harness.sim.ratelimiter.limited >= 2


async def test_bucket_exhaustion_makes_the_client_wait_not_fail(harness: BotHarness, general: SimChannel) -> None:
    from bot.localdiscord.ratelimit import BucketRule

    harness.sim.ratelimiter.rules["POST /channels/{channel_id}/messages"] = BucketRule(2, 0.05)
    channel = channel_of(harness, general)
    for i in range(5):
        await channel.send(f"m{i}")
    assert len(general.messages) == 5
    assert not harness.sim.errors


async def test_server_errors_are_retried(harness: BotHarness, general: SimChannel) -> None:
    harness.sim.faults.fail_next(500, 1, route_contains="/messages")
    await channel_of(harness, general).send("after a 500")
    assert [m.content for m in general.messages] == ["after a 500"]


async def test_reconnect_request_resumes_the_session(harness: BotHarness, alice: SimMember,
                                                     general: SimChannel) -> None:
    gateway = harness.sim.gateway
    await gateway.request_reconnect()
    await harness.wait_until(lambda: gateway.resume_count == 1 and harness.connected(), what="resume")
    assert gateway.identify_count == 1
    assert "studybot" in (await alice.slash("about", channel=general)).text


async def test_dropped_connection_resumes_and_replays(harness: BotHarness, alice: SimMember,
                                                      general: SimChannel) -> None:
    gateway = harness.sim.gateway
    await gateway.drop_connection()
    harness.guild.create_text_channel("created-while-down")
    await harness.wait_until(lambda: gateway.resume_count == 1 and harness.connected(), what="resume")
    assert harness.bot is not None
    assert "created-while-down" in {c.name for c in harness.bot.get_guild(harness.guild.id).text_channels}
    assert (await alice.slash("about", channel=general)).ephemeral


async def test_invalid_session_makes_the_client_identify_again(harness: BotHarness, alice: SimMember,
                                                               general: SimChannel) -> None:
    gateway = harness.sim.gateway
    await gateway.invalidate_session(resumable=False)
    await harness.wait_until(lambda: gateway.identify_count == 2 and harness.connected(), what="re-identify")
    assert (await alice.slash("about", channel=general)).ephemeral


async def test_dms_to_a_member_who_closed_them_fail_with_50007(harness: BotHarness, alice: SimMember) -> None:
    assert harness.bot is not None
    alice.dms_closed = True
    user = await harness.bot.fetch_user(alice.id) if harness.bot.get_user(alice.id) is None else None
    dm = await harness.bot.create_dm(user or discord.Object(alice.id))  # type: ignore[arg-type]
    with harness.sim.expect_errors(50007), pytest.raises(discord.Forbidden) as caught:
        await dm.send("hello")
    assert caught.value.code == 50007
    alice.dms_closed = False
    await dm.send("hello again")
    assert [m.content for m in alice.dms] == ["hello again"]


async def test_private_threads_need_the_permission(harness: BotHarness, general: SimChannel, guild) -> None:
    channel = channel_of(harness, general)
    thread = await channel.create_thread(name="mock 1", type=discord.ChannelType.private_thread)
    await thread.add_user(discord.Object(next(m for m in guild.members.values() if m.name == "alice").id))
    await thread.send("welcome")
    await harness.settle()
    sim_thread = guild.threads[0]
    assert sim_thread.type == 12 and sim_thread.messages[0].content == "welcome"
    general.deny(guild.id, "create_private_threads")
    with harness.sim.expect_errors(50013), pytest.raises(discord.Forbidden):
        await channel.create_thread(name="mock 2", type=discord.ChannelType.private_thread)


async def test_attachments_arrive_with_their_bytes(harness: BotHarness, general: SimChannel) -> None:
    import io

    await channel_of(harness, general).send("file", file=discord.File(io.BytesIO(b"\x89PNG data"), "map.png"))
    await harness.settle()
    message = general.last_message
    assert message is not None and message.attachment("map.png")["data"] == b"\x89PNG data"


async def test_missing_send_permission_is_50013(harness: BotHarness, general: SimChannel, guild) -> None:
    general.deny(guild.id, "send_messages")
    with harness.sim.expect_errors(50013), pytest.raises(discord.Forbidden):
        await channel_of(harness, general).send("nope")


async def test_a_member_types_only_into_commands_they_may_run(sim: LocalDiscord) -> None:
    """interactions/application-commands.mdx, "default_member_permissions": Discord's client hides a command a
    member may not run, and with it the options they could type into (no autocomplete for them)."""
    guild = next(iter(sim.guilds.values()))
    alice, mod = (next(m for m in guild.members.values() if m.name == name) for name in ("alice", "mod"))
    command = {"name": "best", "description": "d", "default_member_permissions": "32",  # Manage Server
               "options": [{"type": 3, "name": "member", "description": "d", "autocomplete": True}]}
    async with aiohttp.ClientSession() as session:
        async with session.put(f"{sim.api_base}/applications/{sim.application_id}/guilds/{guild.id}/commands",
                               json=[command], headers={"Authorization": f"Bot {sim.token}"}) as response:
            assert response.status == 200
    general = guild.channel("general")
    with pytest.raises(CommandForbidden):
        alice.start_autocomplete("best", "member", "a", in_channel=general)
    mod.start_autocomplete("best", "member", "a", in_channel=general)


async def posted_by_the_bot(harness: BotHarness, channel: SimChannel, body: dict) -> SimMessage:
    """``body`` posted in ``channel`` as the bot would post it, through the REST route."""
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{harness.sim.api_base}/channels/{channel.id}/messages", json=body,
                                headers={"Authorization": f"Bot {harness.sim.token}"}) as response:
            assert response.status == 200
    message = channel.last_message
    assert message is not None
    return message


async def test_a_member_picks_only_in_enabled_menus_and_within_their_counts(
        harness: BotHarness, alice: SimMember, general: SimChannel, daily: SimChannel) -> None:
    """components/reference.mdx, "Button", "String Select" and "Channel Select": Discord's client presses no
    disabled button, picks in no disabled menu, and sends a channel select's ``min_values``..``max_values``."""
    from bot.localdiscord.client_rules import check_picks

    where = {"type": 8, "custom_id": "where", "channel_types": [0]}
    body = {"content": "pick", "components": [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "go", "disabled": True}]},
        {"type": 1, "components": [where]},
        {"type": 1, "components": [{"type": 3, "custom_id": "kinds", "disabled": True,
                                    "options": [{"label": "a", "value": "a"}]}]}]}
    message = await posted_by_the_bot(harness, general, body)
    with pytest.raises(AssertionError, match="disabled"):
        alice.start_click(message, "Go")
    with pytest.raises(AssertionError, match="disabled"):
        await alice.select(message, ["a"], custom_id="kinds")
    with pytest.raises(AssertionError, match="1 to 1 picks"):
        await alice.select(message, [str(general.id), str(daily.id)], custom_id="where")
    check_picks(where, [str(general.id)])  # one channel, as the menu asks


async def test_a_member_fills_a_form_field_to_its_min_length(sim: LocalDiscord, alice: SimMember) -> None:
    """components/reference.mdx, "Text Input Structure": Discord's client submits no fewer characters than a
    text input's ``min_length``; an optional field may still be left empty."""
    when = {"type": 4, "custom_id": "when", "style": 1, "min_length": 3, "max_length": 40}
    note = {"type": 4, "custom_id": "note", "style": 2, "min_length": 5, "required": False}
    form = {"custom_id": "form", "title": "When?", "components": [
        {"type": 18, "label": "When?", "component": when}, {"type": 18, "label": "Note", "component": note}]}
    with pytest.raises(AssertionError, match="at least 3"):
        alice.start_submit_modal(form, when="9h")
    with pytest.raises(AssertionError, match="at least 5"):
        alice.start_submit_modal(form, when="9am", note="ok")
    alice.start_submit_modal(form, when="9am")


async def test_a_member_presses_only_in_a_channel_they_can_see(
        harness: BotHarness, alice: SimMember, guild, general: SimChannel) -> None:
    """topics/permissions.mdx, "Implicit Permissions": without View Channel the channel and its buttons are not
    shown to the member, so Discord's client sends no press from there."""
    body = {"content": "pick", "components": [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "go"}]}]}
    message = await posted_by_the_bot(harness, general, body)
    general.deny(guild.id, "view_channel")
    with pytest.raises(AssertionError, match="cannot see #general"):
        alice.start_click(message, "Go")
    general.allow(alice.id, "view_channel")
    alice.start_click(message, "Go")


async def test_a_member_runs_a_command_only_where_its_contexts_allow(harness: BotHarness, alice: SimMember) -> None:
    """interactions/application-commands.mdx, "Interaction Contexts": a command's ``contexts`` decide where Discord's
    client offers it. A server-only command is not offered in the DM with the bot; one that lists BOT_DM is."""
    dm = alice.dm_channel()
    with pytest.raises(AssertionError, match="does not offer /daily in a DM"):
        alice.start_slash("daily status", in_channel=dm)
    about = await alice.slash("about", in_channel=dm)
    assert about.content or about.embeds


async def test_a_guild_command_is_offered_in_its_server_only(sim: LocalDiscord, alice: SimMember) -> None:
    """interactions/application-commands.mdx, "Using Default Permissions": "Guild commands don't support the
    BOT_DM interaction context"; a command registered for the server is not offered in the DM with the bot."""
    async with aiohttp.ClientSession() as session:
        async with session.put(f"{sim.api_base}/applications/{sim.application_id}/guilds/{alice.guild.id}/commands",
                               json=[{"name": "probe", "description": "probe", "contexts": [0, 1]}],
                               headers={"Authorization": f"Bot {sim.token}"}) as response:
            assert response.status == 200
    with pytest.raises(AssertionError, match="only in the server"):
        alice.start_slash("probe", in_channel=alice.dm_channel())
    alice.start_slash("probe", in_channel=alice.guild.channel("general"))
