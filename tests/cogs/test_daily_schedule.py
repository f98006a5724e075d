"""Daily delivery through the local Discord over simulated weeks: DST, restarts and crashes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_content_uploads import write_own_prompt
from tests.cogs.test_daily import posts, setup_daily


def local_times(channel: SimChannel, zone: str) -> list[str]:
    return [m.created_at.astimezone(ZoneInfo(zone)).strftime("%a %d %H:%M %Z") for m in posts(channel)]


async def test_a_week_across_the_spring_change_in_two_guilds(harness: BotHarness, mod: SimMember,
                                                             daily: SimChannel) -> None:
    other = harness.sim.create_guild("Night Owls")
    other_channel = other.create_text_channel("prompts")
    other_mod = other.add_member("owl-mod", manage_guild=True)
    await harness.settle()
    await setup_daily(mod, daily, time="02:30", zone="Europe/Berlin")
    await setup_daily(other_mod, other_channel, time="02:30", zone="America/New_York")
    await harness.stop()
    harness.clock.set(datetime(2026, 3, 25, 5, 0, tzinfo=UTC))  # the bot was down until 06:00 in Berlin
    await harness.start()
    await harness.advance_to(datetime(2026, 4, 1, 12, 0, tzinfo=UTC))
    # Berlin's post for the 25th was missed earlier that day, so it comes on start (catch-up); then
    # Berlin skips 02:00-03:00 on Sunday 29 March: that day posts at 03:00, the first minute after the gap.
    assert local_times(daily, "Europe/Berlin") == [
        "Wed 25 06:00 CET", "Thu 26 02:30 CET", "Fri 27 02:30 CET", "Sat 28 02:30 CET", "Sun 29 03:00 CEST",
        "Mon 30 02:30 CEST", "Tue 31 02:30 CEST", "Wed 01 02:30 CEST"]
    assert local_times(other_channel, "America/New_York") == [
        "Wed 25 02:30 EDT", "Thu 26 02:30 EDT", "Fri 27 02:30 EDT", "Sat 28 02:30 EDT", "Sun 29 02:30 EDT",
        "Mon 30 02:30 EDT", "Tue 31 02:30 EDT", "Wed 01 02:30 EDT"]
    titles = [m.embeds[0]["title"] for m in posts(daily)]
    assert len(set(titles)) == len(titles)


async def test_the_repeated_autumn_hour_posts_once(harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="01:30", zone="America/New_York")
    harness.clock.set(datetime(2026, 10, 31, 12, 0, tzinfo=UTC))
    await harness.restart()  # rebuilds the job from the stored schedule at the new time
    await harness.advance_to(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    # The 31st's post was missed while down and comes on start; the repeated 01:30 on the 1st posts once.
    assert local_times(daily, "America/New_York") == ["Sat 31 08:00 EDT", "Sun 01 01:30 EDT", "Mon 02 01:30 EST"]


async def test_a_restart_in_the_middle_of_the_day_neither_repeats_nor_loses_a_post(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    await harness.restart()
    await harness.advance_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1
    await harness.stop()
    harness.clock.set(datetime(2026, 3, 3, 11, 0, tzinfo=UTC))  # down through the 09:00 UTC post
    await harness.start()
    assert len(posts(daily)) == 2  # caught up on start
    await harness.advance_to(datetime(2026, 3, 3, 22, 0, tzinfo=UTC))
    assert len(posts(daily)) == 2


async def test_a_crash_between_claim_and_send_posts_exactly_once_after_restart(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    harness.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    delivery = harness.bot.get_cog("Daily").service.delivery
    schedule = await delivery.repo.schedule(harness.guild.id)
    await delivery._claim(schedule, harness.clock.now().date(), harness.clock.now(), harness.clock.now())
    await harness.stop()  # the process dies with the day claimed and nothing sent
    await harness.start()
    assert len(posts(daily)) == 1
    await harness.restart()
    await harness.advance_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1


async def test_a_crash_after_sending_but_before_recording_does_not_post_twice(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    harness.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    cog = harness.bot.get_cog("Daily")
    delivery = cog.service.delivery
    schedule = await delivery.repo.schedule(harness.guild.id)
    record, _ = await delivery._claim(schedule, harness.clock.now().date(), harness.clock.now(), harness.clock.now())
    await delivery.publisher.publish(schedule.channel_id, await delivery.render(schedule, record))
    await harness.stop()  # dies before the message id is written
    harness.clock.set(datetime(2026, 3, 2, 9, 20, tzinfo=UTC))  # past Discord's nonce window
    await harness.start()
    assert len(posts(daily)) == 1
    status = await mod.slash("daily status")
    assert "Day 1" in status.text


async def test_pause_resume_preview_skip_and_kinds(harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    preview = await mod.slash("daily preview")
    assert preview.ephemeral and "Next up" in preview.text
    first_title = preview.embeds[0]["title"]
    skipped = await mod.slash("daily skip")
    assert first_title in skipped.text
    paused = await mod.slash("daily pause")
    assert "paused" in paused.text
    await harness.advance_to(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    assert posts(daily) == []
    assert "Paused" in (await mod.slash("daily status")).text
    resumed = await mod.slash("daily resume")
    assert "back on" in resumed.text and "posting it now" in resumed.text  # today's time passed while paused
    await harness.settle()
    assert len(posts(daily)) == 1
    menu = await mod.slash("daily kinds")
    chosen = await mod.select(menu, ["debugging"])
    assert "Debugging" in chosen.text
    await harness.advance_to(datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    [_, post] = posts(daily)
    assert post.embeds[0]["fields"][0]["value"] == "Debugging"
    assert post.embeds[0]["title"] != f"Day 1 · {first_title}"


async def test_a_moderators_own_prompt_is_validated_and_joins_the_rotation(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily)
    form = await mod.slash("daily add", kind="design", difficulty="hard")
    assert form.modal is not None
    bad = await mod.submit_modal(form, title="Tiny", scenario="Too short to be a scenario, surely not enough",
                                 constraints="1M users", follow_ups="Only one?", rubric="Mentions caching")
    assert bad.ephemeral and "Follow-up questions" in bad.text and "one per line" in bad.text
    form = await mod.slash("daily add", kind="design", difficulty="hard")
    await harness.restart()  # a form left open across a restart is still answered, from its custom id
    good = await mod.submit_modal(
        form,
        title="Design our server's study bot @everyone",
        scenario="Members of a 5,000-person study server want daily prompts, flashcards and streaks.",
        constraints="5,000 members\n300 answers a day", follow_ups="How do you avoid double posts?\nWhat about DST?",
        rubric="An idempotency ledger\nLocal-time scheduling")
    assert "Added" in good.text and not good.message.mentions_everyone
    menu = await mod.slash("daily kinds")
    await mod.select(menu, ["design"])
    status = await mod.slash("daily status")
    assert "of 13 prompts" in status.text  # 12 pack design prompts and the server's own


async def test_resuming_after_todays_time_posts_todays_prompt_at_once(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    await mod.slash("daily pause")
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # 12:00 in Berlin, past today's 10:00
    resumed = await mod.slash("daily resume")
    assert "posting it now" in resumed.text
    await harness.settle()
    assert len(posts(daily)) == 1
    await harness.restart()
    assert len(posts(daily)) == 1


async def test_moving_the_daily_post_while_a_retry_waits_posts_once_in_the_new_channel(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    harness.sim.faults.fail_next(503, count=3, route_contains=f"/channels/{daily.id}/messages")
    await harness.advance_to(datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC))  # 10:00:30 in Berlin: refused, retry waits
    assert posts(daily) == []
    moved = await setup_daily(mod, general, time="10:00", zone="Europe/Berlin")
    assert "posting it now" in moved
    harness.sim.faults.fail_next_with.clear()
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # the waiting retry's time has passed too
    assert len(posts(general)) == 1 and posts(daily) == []


async def test_a_first_setup_after_todays_time_waits_for_tomorrow_even_across_a_restart(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    reply = await setup_daily(mod, daily, time="07:00", zone="UTC")  # now is 08:00 UTC
    assert "posting it now" not in reply and f"<t:{int(datetime(2026, 3, 3, 7, tzinfo=UTC).timestamp())}:" in reply
    await harness.advance(hours=1)
    await harness.restart()  # today's 07:00 passed before the schedule existed: nothing is owed
    assert posts(daily) == []
    await harness.advance_to(datetime(2026, 3, 3, 7, 1, tzinfo=UTC))
    assert len(posts(daily)) == 1
    moved = await setup_daily(mod, daily, time="06:00", zone="UTC")  # a change keeps its start: owed as before
    assert "posting it now" not in moved  # today's post is out already
    await harness.advance_to(datetime(2026, 3, 4, 6, 1, tzinfo=UTC))
    assert len(posts(daily)) == 2


async def test_moving_the_time_later_after_todays_post_lists_tomorrow_first(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # 12:00 in Berlin: day 1 is out
    assert len(posts(daily)) == 1
    moved = await setup_daily(mod, daily, time="15:00", zone="Europe/Berlin")
    today, tomorrow = (f"<t:{int(datetime(2026, 3, day, 14, 0, tzinfo=UTC).timestamp())}:" for day in (2, 3))
    assert today not in moved and tomorrow in moved
    assert today not in (await mod.slash("daily status")).text
    await harness.advance_to(datetime(2026, 3, 3, 14, 1, tzinfo=UTC))
    assert len(posts(daily)) == 2  # nothing at 15:00 on Monday; Tuesday's at 15:00


async def test_upcoming_does_not_list_a_post_today_once_todays_is_out(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # 12:00 in Berlin: day 1 is out
    await setup_daily(mod, daily, time="15:00", zone="Europe/Berlin")
    shown = await alice.slash("upcoming")
    daily_field = shown.embeds[0]["fields"][0]["value"]
    assert f"<t:{int(datetime(2026, 3, 3, 14, 0, tzinfo=UTC).timestamp())}:F>" in daily_field


async def test_resume_after_todays_post_does_not_promise_a_second_post_today(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # 12:00 in Berlin: day 1 is out
    assert len(posts(daily)) == 1
    await setup_daily(mod, daily, time="15:00", zone="Europe/Berlin")  # its reply lists tomorrow first
    await mod.slash("daily pause")
    resumed = await mod.slash("daily resume")
    today, tomorrow = (f"<t:{int(datetime(2026, 3, day, 14, 0, tzinfo=UTC).timestamp())}:" for day in (2, 3))
    status = await mod.slash("daily status")
    assert today not in status.text and tomorrow in status.text  # status agrees: nothing more today
    assert today not in resumed.text, f"resume promises a post today at 15:00: {resumed.text}"
    await harness.advance_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1  # ...and indeed none comes


async def test_resume_after_post_now_does_not_promise_todays_time(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="18:00", zone="Europe/Berlin")  # now 09:00 in Berlin
    await mod.slash("daily pause")
    await mod.slash("daily post-now")
    assert len(posts(daily)) == 1
    resumed = await mod.slash("daily resume")
    today = f"<t:{int(datetime(2026, 3, 2, 17, 0, tzinfo=UTC).timestamp())}:"
    assert today not in resumed.text, f"resume promises a post today at 18:00: {resumed.text}"


async def test_a_daily_channel_discord_cannot_look_up_for_a_moment_is_posted_in_when_it_can(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """A channel the bot has no copy of (a gateway session started from scratch) is looked up first; Discord
    failing that lookup for a moment is a passing refusal, not "the channel no longer exists"."""
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    assert harness.bot is not None
    cached = harness.bot.get_guild(harness.guild.id)
    assert cached is not None
    cached._channels.pop(daily.id)  # noqa: SLF001 - the bot's copy of the channel gone, as after a fresh session
    harness.sim.faults.fail_next(503, count=1, route_contains=f"/channels/{daily.id}")
    await harness.advance_to(datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC))  # 10:00:30 in Berlin: the lookup failed
    harness.sim.faults.fail_next_with.clear()
    await harness.advance_to(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1
    assert await harness.core.db.fetchval("SELECT status FROM daily_posts") == "sent"


async def test_a_post_waiting_for_a_retry_keeps_its_prompt_when_a_moderator_removes_it_meanwhile(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """The day was claimed with the server's own prompt (and may already be on Discord): the retry sends that
    prompt as claimed rather than losing the day."""
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    await write_own_prompt(mod)
    await mod.slash("content decks", deck="ai-native-careers", on=False)  # only the server's own prompt is left
    harness.sim.faults.fail_next(503, count=3, route_contains=f"/channels/{daily.id}/messages")
    await harness.advance_to(datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC))  # 10:00:30 in Berlin: refused, retry waits
    assert posts(daily) == []
    own = await harness.core.db.fetchval("SELECT prompt_id FROM daily_posts WHERE status = 'claimed'")
    await mod.slash("content decks", deck="ai-native-careers", on=True)
    await mod.click(await mod.slash("content remove", item=own), "Remove it")
    harness.sim.faults.fail_next_with.clear()
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    [post] = posts(daily)
    assert "Design the study server's flashcard service" in post.embeds[0]["title"], post.embeds[0]["title"]
    assert await harness.core.db.fetchval("SELECT status FROM daily_posts") == "sent"


async def test_the_kinds_chosen_apply_to_the_servers_own_prompts_too(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """A moderator who picks behavioral prompts gets behavioral prompts, whichever deck wrote them."""
    await setup_daily(mod, daily)
    await write_own_prompt(mod)  # a design prompt
    await mod.select(await mod.slash("daily kinds"), ["behavioral"])
    behavioral = [p for p in harness.core.content.library.prompts if p.kind.value == "behavioral"]
    assert f"of {len(behavioral)} prompts" in (await mod.slash("daily status")).text
    await mod.slash("content decks", deck="ai-native-careers", on=False)
    await mod.select(await mod.slash("daily kinds"), ["design"])  # the server's own prompt alone is left
    refused = await mod.select(await mod.slash("daily kinds"), ["behavioral"])
    assert "No prompt" in refused.text, refused.text
    await harness.advance_to(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    [post] = posts(daily)
    assert "flashcard service" in post.embeds[0]["title"]


async def test_a_post_sent_before_a_crash_is_not_posted_again_where_the_bot_may_not_read_the_channel(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """Without Read Message History Discord shows the bot an empty history, so a post an earlier attempt sent
    cannot be found there: it must not be sent a second time once Discord's nonce has long expired."""
    await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    harness.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    delivery = harness.bot.get_cog("Daily").service.delivery
    schedule = await delivery.repo.schedule(harness.guild.id)
    record, _ = await delivery._claim(schedule, harness.clock.now().date(), harness.clock.now(), harness.clock.now())
    await delivery.publisher.publish(schedule.channel_id, await delivery.render(schedule, record))
    await harness.stop()  # dies before the message id is written
    daily.deny(harness.sim.bot_user.id, "read_message_history")  # taken away while the bot was down
    harness.clock.set(datetime(2026, 3, 2, 9, 20, tzinfo=UTC))  # past Discord's nonce window
    await harness.start()
    await harness.advance_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    assert len(posts(daily)) == 1, "the day's post was sent again after a restart"
    chosen = await setup_daily(mod, daily, time="10:00", zone="Europe/Berlin")
    assert "Read Message History" in chosen  # the moderators are told what to grant
    assert "Read Message History" in (await mod.slash("daily status")).text
    shown = await mod.slash("studybot settings show")
    assert "Read Message History" in {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Daily prompts"]
