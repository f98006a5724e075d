"""A new server: the welcome message, setup from its button by a moderator, and /help."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.localdiscord import BotHarness, SimGuild, SimMember
from tests.cogs.test_daily import posts
from tests.cogs.test_quiz import quizzes


async def invite_bot(harness: BotHarness) -> tuple[SimGuild, SimMember, SimMember]:
    """A furnished server that invites the bot: general (its system channel), study, a mod and a member."""
    guild = harness.sim.create_guild("Book Club", with_bot=False)
    general = guild.create_text_channel("general")
    guild.create_text_channel("study")
    guild.system_channel_id = general.id
    mod = guild.add_member("maya", manage_guild=True)
    member = guild.add_member("sam")
    harness.sim.add_bot_to_guild(guild)
    await harness.settle()
    return guild, mod, member


def channel(guild: SimGuild, name: str):
    return next(c for c in guild.channels.values() if c.name == name)


async def test_joining_a_server_posts_one_welcome_and_a_moderator_sets_up_from_its_button(
        harness: BotHarness) -> None:
    guild, mod, member = await invite_bot(harness)
    general, study = channel(guild, "general"), channel(guild, "study")
    (welcome,) = general.messages
    assert welcome.embeds[0]["title"].startswith("Thanks for adding studybot")
    assert "/studybot settings notices-channel" in str(welcome.embeds[0]["fields"])  # where problems are told
    assert welcome.button_labels == ["Set up studybot"] and not study.messages

    refused = await member.click(welcome, "Set up studybot")
    assert refused.ephemeral and "Manage Server" in refused.text

    step = await mod.click(welcome, "Set up studybot")
    assert step.ephemeral and "Step 1 of 2" in step.text
    form = await mod.select(step, [str(study.id)])
    assert form.modal is not None
    mistakes = await mod.submit_modal(form, daily_time="0900", timezone="EST", quiz_time="25:00", mock="")
    assert mistakes.ephemeral and "3 things to fix" in mistakes.text
    assert "`0900`" in mistakes.text and "America/New_York" in mistakes.text and "`25:00`" in mistakes.text
    assert not study.messages  # nothing saved

    again = await mod.click(mistakes, "Correct it")
    assert again.modal is not None
    await harness.restart()  # a form left open across a restart is still answered, from its custom id
    done = await mod.submit_modal(again, daily_time="09:00", timezone="new york", quiz_time="18:00",
                                  mock="weekly Tuesday 18:00")
    assert done.ephemeral
    text = done.text
    assert f"set up in <#{study.id}>" in text or "set up in #study" in text
    assert "America/New_York" in text and "Daily quiz** at 18:00" in text and "weekly on Tue at 18:00" in text

    await harness.advance_to(datetime(2026, 3, 3, 15, 0, tzinfo=UTC))  # past 09:00 in New York on Tuesday
    assert len(posts(study)) >= 1
    assert len(general.messages) == 1  # the welcome was posted once
    await harness.restart()  # on reconnect the server becomes available again: no second welcome
    assert len(general.messages) == 1


async def test_without_a_system_channel_the_welcome_goes_to_the_first_channel(harness: BotHarness) -> None:
    guild = harness.sim.create_guild("Locked", with_bot=False)
    guild.create_text_channel("announcements")
    harness.sim.add_bot_to_guild(guild)
    await harness.settle()
    (announcements,) = guild.channels.values()
    assert [m.embeds[0]["title"] for m in announcements.messages] == ["Thanks for adding studybot 👋"]


async def test_a_server_that_invites_the_bot_while_it_is_offline_is_welcomed_once_when_it_starts(
        harness: BotHarness) -> None:
    await harness.stop()
    guild = harness.sim.create_guild("Night Owls", with_bot=False)
    general = guild.create_text_channel("general")
    guild.system_channel_id = general.id
    mod = guild.add_member("maya", manage_guild=True)
    harness.sim.add_bot_to_guild(guild)  # no process running: Discord sends no join for this
    harness.clock.advance(hours=5)
    await harness.start()
    await harness.settle()
    (welcome,) = general.messages
    assert welcome.embeds[0]["title"].startswith("Thanks for adding studybot")
    step = await mod.click(welcome, "Set up studybot")
    assert "Step 1 of 2" in step.text
    await harness.restart()
    assert len(general.messages) == 1  # recorded as joined: never welcomed twice


async def test_servers_that_have_had_the_bot_for_long_are_not_welcomed_at_start_up(harness: BotHarness) -> None:
    """The harness's server has had the bot for a year with nothing recorded (as after an upgrade from a
    version that recorded no joins): it has been using the bot, so a start-up does not greet it as new."""
    await harness.restart()
    titles = [m.embeds[0].get("title", "") for c in harness.guild.channels.values()
              for m in getattr(c, "messages", []) if m.embeds]
    assert not [t for t in titles if "studybot" in t or t.startswith("Welcome")]


async def test_help_lists_member_commands_by_feature_and_moderator_ones_only_to_moderators(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    shown = await alice.slash("help")
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert shown.ephemeral
    assert any("`/cards study`" in value for value in fields.values())
    assert not any("For moderators" in name for name in fields)
    assert "/daily setup" not in str(fields)
    for_mod = await mod.slash("help")
    mod_fields = {f["name"]: f["value"] for f in for_mod.embeds[0]["fields"]}
    assert any("/daily setup" in value for name, value in mod_fields.items() if "For moderators" in name)


async def test_a_server_adding_the_bot_back_is_welcomed_again_though_its_old_welcome_is_still_there(
        harness: BotHarness) -> None:
    """The welcome of this join could not be posted before a restart (Discord failed for a moment); the
    channel still shows the welcome of the bot's first join, which is not this join's welcome."""
    guild, mod, _ = await invite_bot(harness)
    general = channel(guild, "general")
    (first,) = general.messages
    harness.sim.remove_bot_from_guild(guild)
    await harness.settle()
    harness.clock.advance(days=3)
    harness.sim.faults.fail_next(503, route_contains=f"/channels/{general.id}/messages")
    harness.sim.add_bot_to_guild(guild)
    await harness.settle()
    assert general.messages == [first]  # refused: still owed
    await harness.restart()
    assert len(general.messages) == 2 and general.messages[-1].button_labels == ["Set up studybot"]
    await harness.restart()
    assert len(general.messages) == 2  # and owed no longer


async def test_the_setup_form_sent_again_with_times_already_past_today_posts_todays_prompt_and_quiz_at_once(
        harness: BotHarness) -> None:
    guild, mod, _member = await invite_bot(harness)
    general, study = channel(guild, "general"), channel(guild, "study")
    step = await mod.click(general.messages[0], "Set up studybot")
    form = await mod.select(step, [str(study.id)])
    await mod.submit_modal(form, daily_time="18:00", timezone="Europe/Berlin", quiz_time="19:00", mock="")
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # 12:00 in Berlin: nothing out yet today
    assert posts(study) == [] and quizzes(study) == []

    step = await mod.click(general.messages[0], "Set up studybot")  # the button stays: a moderator changes times
    form = await mod.select(step, [str(study.id)])
    done = await mod.submit_modal(form, daily_time="10:00", timezone="Europe/Berlin", quiz_time="11:00", mock="")
    # README: "changing the time of a schedule to one already past today posts today's prompt at once if it is
    # not out", as /daily setup and /quiz setup do; a restart later that day would post them anyway.
    assert done.text.count("posting it now") == 2, done.text
    await harness.settle()
    assert len(posts(study)) == 1 and len(quizzes(study)) == 1
    await harness.advance_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    assert len(posts(study)) == 1 and len(quizzes(study)) == 1


async def test_changing_times_from_the_welcome_keeps_the_ping_role_and_the_quiz_rules(harness: BotHarness) -> None:
    """The form has no field for the ping role, the quiz's hours open or its reveal rule: changing the times
    from it keeps what the setup commands chose for them."""
    guild, mod, _ = await invite_bot(harness)
    general, study = channel(guild, "general"), channel(guild, "study")
    role = guild.create_role("Daily ping", mentionable=True)
    await mod.slash("daily setup", channel=study, time="09:00", timezone="Europe/Berlin", role=role)
    await mod.slash("quiz setup", channel=study, time="18:00", timezone="Europe/Berlin",
                    **{"close-after": 3, "reveal-now": True})
    step = await mod.click(general.messages[0], "Set up studybot")
    form = await mod.select(step, [str(study.id)])
    done = await mod.submit_modal(form, daily_time="10:00", timezone="Europe/Berlin", quiz_time="19:00", mock="")
    assert "10:00" in done.text
    daily = {f["name"]: f["value"] for f in (await mod.slash("daily status")).embeds[0]["fields"]}
    assert daily["Role pinged"] == role.mention
    quiz = {f["name"]: f["value"] for f in (await mod.slash("quiz status")).embeds[0]["fields"]}
    assert quiz["Open for"] == "3 hours" and quiz["Right or wrong"] == "told at once"
    assert quiz["Time"].startswith("19:00")


async def test_changing_times_from_the_welcome_keeps_the_voice_channel_interviews_meet_in(
        harness: BotHarness) -> None:
    """The form has no field for the interviews' voice channel: changing the mock time from it keeps the one
    `/mock-admin schedule` chose, so agreed interviews still become events there."""
    from tests.cogs.test_mock_meetings import events, join, pick, thread_of

    guild, mod, sam = await invite_bot(harness)
    general, study = channel(guild, "general"), channel(guild, "study")
    voice = guild.create_voice_channel("Interview room")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=study, voice=voice)
    step = await mod.click(general.messages[0], "Set up studybot")
    form = await mod.select(step, [str(study.id)])
    await mod.submit_modal(form, daily_time="09:00", timezone="UTC", quiz_time="", mock="weekly Friday 11:00")
    kim = guild.add_member("kim")
    for member in (sam, kim):
        await join(member, "UTC")
    await mod.slash("mock-admin pair-now")
    thread = thread_of(guild, sam)
    await pick(sam, thread, 0)
    await pick(kim, thread, 0)
    [event] = events(guild)
    assert event["entity_type"] == 2 and event["channel_id"] == str(voice.id), event


async def test_changing_the_daily_time_from_the_welcome_says_the_quiz_and_interviews_set_up_still_run(
        harness: BotHarness) -> None:
    """Leaving the quiz and interview fields empty changes neither: the reply says they still run, and where,
    rather than calling them not set up."""
    guild, mod, _ = await invite_bot(harness)
    general, study = channel(guild, "general"), channel(guild, "study")
    quiz_room = guild.create_text_channel("quiz")
    await mod.slash("quiz setup", channel=quiz_room, time="18:00", timezone="Europe/Berlin")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="tue", time="19:00", timezone="Europe/Berlin",
                    channel=study)
    step = await mod.click(general.messages[0], "Set up studybot")
    form = await mod.select(step, [str(study.id)])
    done = await mod.submit_modal(form, daily_time="10:00", timezone="Europe/Berlin", quiz_time="", mock="")
    assert "not set up" not in done.text and "not scheduled" not in done.text, done.text
    assert "18:00" in done.text and f"<#{quiz_room.id}>" in done.text, done.text
    assert "Every week on Tuesday at 19:00" in done.text, done.text
    await harness.advance_to(datetime(2026, 3, 2, 18, 0, tzinfo=UTC))  # 19:00 in Berlin: the quiz went out
    assert len(quizzes(quiz_room)) == 1


async def test_the_setup_form_moving_todays_mock_round_to_an_hour_already_past_starts_it_now(
        harness: BotHarness) -> None:
    """Monday's round was due at 18:00 Berlin time; at 12:00 the form moves it to 10:00: it starts now, as the
    form posts a prompt moved to an hour already past, rather than a week later."""
    guild, mod, member = await invite_bot(harness)
    general, study = channel(guild, "general"), channel(guild, "study")
    step = await mod.click(general.messages[0], "Set up studybot")
    form = await mod.select(step, [str(study.id)])
    await mod.submit_modal(form, daily_time="18:00", timezone="Europe/Berlin", quiz_time="", mock="weekly Monday 18:00")
    for who in (mod, member):
        await who.slash("mock join", role="either", level="mid", timezone="Europe/Berlin", availability="anytime")
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # 12:00 in Berlin
    step = await mod.click(general.messages[0], "Set up studybot")
    form = await mod.select(step, [str(study.id)])
    done = await mod.submit_modal(form, daily_time="18:00", timezone="Europe/Berlin", quiz_time="",
                                  mock="weekly Monday 10:00")
    assert "round has not started, so it starts now" in done.text, done.text
    await harness.settle()
    assert any(m.content.startswith("🎙️ **Mock interview round 1**") for m in study.messages)


async def test_the_channel_step_offers_only_channels_the_moderator_can_see(harness: BotHarness) -> None:
    """The channel menu lists the channels available to the moderator: a private one they cannot see is not
    among them, and the ones they can see still open the form."""
    guild, mod, _member = await invite_bot(harness)
    staff = guild.create_text_channel("staff")
    staff.deny(guild.id, "view_channel")
    step = await mod.click(channel(guild, "general").messages[0], "Set up studybot")
    with pytest.raises(AssertionError, match="cannot see it"):
        await mod.select(step, [str(staff.id)])
    form = await mod.select(step, [str(channel(guild, "study").id)])
    assert form.modal is not None


async def test_the_setup_form_refuses_a_channel_the_moderator_cannot_see(harness: BotHarness) -> None:
    """The channel picked in step 1 rides in the form's custom id, which a modified client can write: a form naming
    a private channel the moderator cannot see is refused, and nothing is set up there."""
    guild, mod, _member = await invite_bot(harness)
    staff = guild.create_text_channel("staff")
    staff.deny(guild.id, "view_channel")  # hidden from @everyone, the moderator among them
    bot_role = next(r for r in guild.roles.values() if r.name == "studybot")
    staff.allow(bot_role.id, "view_channel")
    step = await mod.click(channel(guild, "general").messages[0], "Set up studybot")
    form = await mod.select(step, [str(channel(guild, "study").id)])
    assert form.modal is not None
    form.modal["custom_id"] = f"studybot:welcome:setupform:{staff.id}"
    refused = await mod.submit_modal(form, daily_time="09:00", timezone="UTC", quiz_time="", mock="")
    assert refused.ephemeral and "cannot see the channel" in refused.text, refused.text
    await harness.advance(days=1)
    assert not staff.messages and "not set up" in (await mod.slash("daily status")).text


async def test_help_lists_the_bots_owner_commands_only_to_its_owner(harness: BotHarness, mod: SimMember) -> None:
    """`/studybot-owner` answers only the bot's owner: a moderator who is not is not offered it among theirs."""
    shown = await mod.slash("help")
    assert "/studybot-owner" not in str(shown.embeds[0]["fields"])
    harness.core.settings.owner_ids.append(mod.id)
    owned = await mod.slash("help")
    assert "`/studybot-owner reload-content`" in str(owned.embeds[0]["fields"])


async def test_the_setup_form_does_not_move_a_role_ping_to_a_channel_where_the_moderator_may_not_ping_it(
        harness: BotHarness) -> None:
    """An admin who may ping the Members role in #general has the daily prompt ping it there. A helper moderating
    through the moderator role, who may not ping that role anywhere, must not use the form to have the bot ping it
    every day in another channel: /daily setup refuses her that, and so does the form."""
    guild, mod, _member = await invite_bot(harness)
    general, study = channel(guild, "general"), channel(guild, "study")
    members = guild.create_role("Members")  # not mentionable: only Mention Everyone may ping it
    general.allow(mod.id, "mention_everyone")
    await mod.slash("daily setup", channel=general, time="09:00", timezone="UTC", role=members)
    helpers = guild.create_role("Study helpers")
    kim = guild.add_member("kim", roles=[helpers])
    await mod.slash("studybot settings moderator-role", role=helpers)
    step = await kim.click(general.messages[0], "Set up studybot")
    form = await kim.select(step, [str(study.id)])
    refused = await kim.submit_modal(form, daily_time="10:00", timezone="UTC", quiz_time="", mock="")
    assert refused.ephemeral and "You may not ping" in refused.text, refused.text
    await harness.advance(days=1)
    assert not posts(study), "the ping was moved to a channel its moderator may not ping it in"
    assert [m.pinged_role_ids for m in posts(general)] == [[members.id]]


async def test_the_setup_form_opened_again_starts_from_the_daily_time_and_zone_in_use(harness: BotHarness) -> None:
    """A moderator opens the form again to add a quiz: the daily prompt's time and zone are filled in as they run,
    not a stock 09:00 that, left as it stands, would move an evening prompt to the morning (and post today's at
    once)."""
    guild, mod, _member = await invite_bot(harness)
    general, study = channel(guild, "general"), channel(guild, "study")
    await mod.slash("daily setup", channel=study, time="18:00", timezone="Europe/Berlin")
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # 12:00 in Berlin: today's prompt is due at 18:00
    step = await mod.click(general.messages[0], "Set up studybot")
    form = await mod.select(step, [str(study.id)])
    assert form.modal is not None
    filled = {row["component"]["custom_id"]: row["component"].get("value") for row in form.modal["components"]}
    assert filled["daily_time"] == "18:00" and filled["timezone"] == "Europe/Berlin", filled
    done = await mod.submit_modal(form, timezone="Europe/Berlin", quiz_time="19:00")
    assert "**Daily prompt** at 18:00" in done.text, done.text
    await harness.settle()
    assert not posts(study)  # today's prompt waits for its time
    await harness.advance_to(datetime(2026, 3, 2, 17, 5, tzinfo=UTC))
    assert len(posts(study)) == 1


async def test_the_setup_reply_warns_of_a_missing_private_threads_permission_as_mock_admin_schedule_does(
        harness: BotHarness) -> None:
    """Interviews set up from the form are announced in the chosen channel, each group in a private thread there:
    without Create Private Threads the groups are told by DM, and the reply says so, as `/mock-admin schedule`'s."""
    guild, mod, _ = await invite_bot(harness)
    general, study = channel(guild, "general"), channel(guild, "study")
    study.deny(harness.sim.bot_user.id, "create_private_threads")
    await harness.settle()
    step = await mod.click(general.messages[0], "Set up studybot")
    form = await mod.select(step, [str(study.id)])
    done = await mod.submit_modal(form, daily_time="09:00", timezone="UTC", quiz_time="", mock="weekly Tuesday 18:00")
    scheduled = await mod.slash("mock-admin schedule", cadence="weekly", weekday="tue", time="18:00",
                                timezone="UTC", channel=study)
    assert "Create Private Threads" in scheduled.text  # what the command says
    assert "Create Private Threads" in done.text and "by DM" in done.text


async def test_a_welcome_posted_just_before_a_stop_is_not_posted_again_where_the_bot_may_not_read_back(
        harness: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Read Message History Discord shows the bot an empty history, so a welcome posted there just
    before a stop could not be found at the next start: it goes where the bot can look for it afterwards."""
    from bot.admin import GuildRetention

    guild = harness.sim.create_guild("Quiet Room", with_bot=False)
    general = guild.create_text_channel("general")
    study = guild.create_text_channel("study")
    guild.system_channel_id = general.id
    general.deny(harness.sim.bot_user.id, "read_message_history")

    async def stopped(self: GuildRetention, guild_id: int) -> None:
        raise RuntimeError("the process stopped here")

    monkeypatch.setattr(GuildRetention, "welcomed", stopped)  # posted; never marked as posted
    harness.sim.add_bot_to_guild(guild)
    await harness.settle()
    monkeypatch.undo()
    harness.clock.advance(hours=1)
    await harness.restart()
    welcomes = [m for c in (general, study) for m in c.messages if m.button_labels == ["Set up studybot"]]
    assert len(welcomes) == 1, "the welcome was posted again after a restart"
    assert welcomes[0] in study.messages  # the first channel where the bot may post and read back
