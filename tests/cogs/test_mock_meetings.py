"""Mock interviews that get scheduled: an agreed time, a Discord event and room, reminders, .ics files."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"


@pytest.fixture
def room(guild: SimGuild) -> SimChannel:
    return guild.create_text_channel("mock-interviews")


async def join(member: SimMember, zone: str, availability: str = "anytime") -> None:
    reply = await member.slash("mock join", role="either", level="mid", timezone=zone, availability=availability)
    assert "You are in" in reply.text


async def start_round(mod: SimMember, room: SimChannel, **extra: object) -> str:
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC", channel=room,
                    **extra)
    return (await mod.slash("mock-admin pair-now")).text


def thread_of(guild: SimGuild, member: SimMember, number: int = 1) -> SimChannel:
    return next(t for t in guild.threads if t.name.startswith(f"Mock #{number} ") and member.id in t.member_ids)


def brief(thread: SimChannel):
    return next(m for m in thread.messages if "Pick times" in m.button_labels)


def options(reply) -> list[dict]:
    return reply.message.components[0]["components"][0]["options"]


async def pick(member: SimMember, thread: SimChannel, *indexes: int):
    picker = await member.click(brief(thread), "Pick times")
    values = [options(picker)[i]["value"] for i in indexes]
    return await member.select(picker, values)


def confirmations(thread: SimChannel) -> list:
    return [m for m in thread.messages if m.content.startswith("✅ Interview")]


def events(guild: SimGuild) -> list[dict]:
    return list(guild.scheduled_events.values())


def start_of(event: dict) -> datetime:
    return datetime.fromisoformat(event["scheduled_start_time"])


async def test_a_pair_agrees_a_time_from_the_picker_in_their_own_timezones(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await join(alice, BERLIN)
    await join(bob, NEW_YORK)
    assert "Round 1 started" in await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    shown_alice = await alice.click(brief(thread), "Pick times")
    shown_bob = await bob.click(brief(thread), "Pick times")
    assert shown_alice.ephemeral and len(options(shown_alice)) == 3
    # Monday 2 March, round at 08:00 UTC: the first suggestion is 09:00 UTC, read in each member's zone.
    assert options(shown_alice)[0]["label"] == "Mon 2 Mar, 10:00 (Europe/Berlin)"
    assert options(shown_bob)[0]["label"] == "Mon 2 Mar, 04:00 (America/New_York)"
    first = await alice.select(shown_alice, [options(shown_alice)[1]["value"], options(shown_alice)[2]["value"]])
    assert "as soon as everyone" in first.text and confirmations(thread) == []
    done = await bob.select(shown_bob, [options(shown_bob)[2]["value"]])
    assert "Agreed" in done.text
    [confirmed] = confirmations(thread)
    agreed = datetime(2026, 3, 4, 9, tzinfo=UTC)
    assert f"<t:{int(agreed.timestamp())}:F>" in confirmed.content and "60 minutes" in confirmed.content
    assert confirmed.button_labels == ["Add to calendar", "Reschedule", "Cancel interview"]
    when = brief(thread).embeds[-1]  # the brief shows the agreed time where it suggested three
    assert when["title"] == "When to meet" and when["description"].startswith(
        f"✅ Agreed: <t:{int(agreed.timestamp())}:F> (<t:{int(agreed.timestamp())}:R>), 60 minutes.")
    assert brief(thread).embeds[0]["title"].startswith("Your prompt · ")
    [event] = events(harness.guild)  # no voice channel chosen and no Manage Channels: an external event
    assert event["entity_type"] == 3 and start_of(event) == agreed
    assert event["entity_metadata"]["location"].endswith(f"/{thread.id}")
    assert "alice" not in event["name"] and "bob" not in event["name"]  # the server's list names nobody
    assert not any("Interview" in m.content for m in room.messages)  # only the group is told
    assert "already agreed" in (await alice.select(shown_alice, [options(shown_alice)[0]["value"]])).text


async def test_a_trio_agrees_a_proposed_time_in_a_voice_channel_moderators_chose(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    voice = harness.guild.create_voice_channel("Interview room")
    for member in (alice, bob, carol):
        await join(member, BERLIN)
    await start_round(mod, room, voice=voice)
    thread = thread_of(harness.guild, alice)
    form = await alice.click(brief(thread), "Propose another time")
    assert "Europe/Berlin" in form.text
    proposed = await alice.submit_modal(form, when="Thu 18:30")
    assert "waiting for" in proposed.text
    proposal = next(m for m in thread.messages if "proposes" in m.content)
    assert proposal.button_labels == ["Accept this time"]
    await bob.click(proposal, "Accept this time")
    assert confirmations(thread) == []
    await carol.click(proposal, "Accept this time")
    [confirmed] = confirmations(thread)
    agreed = datetime(2026, 3, 5, 17, 30, tzinfo=UTC)  # 18:30 in Berlin
    assert "90 minutes" in confirmed.content and voice.mention in confirmed.content
    [event] = events(harness.guild)
    assert event["entity_type"] == 2 and event["channel_id"] == str(voice.id) and start_of(event) == agreed


async def trio_in_berlin(harness: BotHarness, mod: SimMember, room: SimChannel, *members: SimMember) -> SimChannel:
    for member in members:
        await join(member, BERLIN)
    await start_round(mod, room)
    return thread_of(harness.guild, members[0])


async def test_a_trio_is_offered_the_stretch_long_enough_for_its_90_minutes(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    """Three short evenings come first, but only Thursday's is long enough for a trio's interview."""
    for member in (alice, bob, carol):
        await join(member, BERLIN, "Mon-Wed 18-19, Thu 18-21")
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    assert "does not overlap" not in brief(thread).embeds[-1]["description"]
    labels = [o["label"] for o in options(await alice.click(brief(thread), "Pick times"))]
    assert labels == ["Thu 5 Mar, 18:00 (Europe/Berlin)"]


async def propose(member: SimMember, thread: SimChannel, when: str):
    return await member.submit_modal(await member.click(brief(thread), "Propose another time"), when=when)


async def test_proposing_a_time_already_proposed_accepts_it_without_posting_it_again(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    thread = await trio_in_berlin(harness, mod, room, alice, bob, carol)
    await propose(alice, thread, "Thu 18:30")
    again = await propose(alice, thread, "Thu 18:30")
    at = f"<t:{int(datetime(2026, 3, 5, 17, 30, tzinfo=UTC).timestamp())}:F>"
    assert again.text == f"You already proposed {at}. Waiting for {bob.mention}, {carol.mention} to accept."
    same = await propose(bob, thread, "Thu 18:30")
    assert same.text == f"{alice.mention} already proposed {at}; you have accepted it. Waiting for {carol.mention} to accept."
    [proposal] = [m for m in thread.messages if "proposes" in m.content]
    assert proposal.content.startswith(f"🗓️ {alice.mention} proposes meeting at {at}")
    assert "Agreed" in (await carol.click(proposal, "Accept this time")).text
    assert len(confirmations(thread)) == 1


async def test_a_group_at_its_limit_of_times_may_still_propose_one_already_offered(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    thread = await trio_in_berlin(harness, mod, room, alice, bob, carol)
    offered = len(options(await alice.click(brief(thread), "Pick times")))
    for hour in range(25 - offered):  # proposals up to the picker's 25 options, none at a suggested time
        await propose(alice, thread, f"Wed {hour % 12 + 8:02d}:{15 + 30 * (hour // 12):02d}")
    over = await propose(bob, thread, "Thu 18:30")
    assert "already has 25 proposed times" in over.text and "Pick times" in over.text
    assert len(options(await bob.click(brief(thread), "Pick times"))) == 25
    proposals = [m for m in thread.messages if "proposes" in m.content]
    same = await propose(bob, thread, "Wed 08:15")
    assert f"{alice.mention} already proposed" in same.text
    assert [m for m in thread.messages if "proposes" in m.content] == proposals


async def test_reschedule_moves_the_event_and_cancel_deletes_it_with_its_room(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    harness.guild.grant(harness.guild.bot_role, "manage_channels")
    await join(alice, BERLIN)
    await join(bob, NEW_YORK)
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    await pick(alice, thread, 0)
    await pick(bob, thread, 0)
    [confirmed] = confirmations(thread)
    [event] = events(harness.guild)
    rooms = [c for c in harness.guild.channels.values() if c.type == 2]
    assert len(rooms) == 1 and event["channel_id"] == str(rooms[0].id) and rooms[0].mention in confirmed.content
    assert rooms[0].overwrites[harness.guild.id][1] & (1 << 10)  # @everyone cannot see the group's room
    assert set(rooms[0].overwrites) >= {alice.id, bob.id}
    form = await bob.click(confirmed, "Reschedule")
    moved = await bob.submit_modal(form, when="2026-03-05 12:00")  # New York
    assert "waiting for" in moved.text and alice.mention in moved.text
    proposal = next(m for m in thread.messages if "moving the interview" in m.content)
    await alice.click(proposal, "Accept this time")
    assert "moved to" in confirmations(thread)[-1].content
    [same] = events(harness.guild)
    assert same["id"] == event["id"] and start_of(same) == datetime(2026, 3, 5, 17, tzinfo=UTC)
    moved_to = int(datetime(2026, 3, 5, 17, tzinfo=UTC).timestamp())
    assert brief(thread).embeds[-1]["description"].startswith(f"✅ Agreed: <t:{moved_to}:F>")
    prompt_before = json.loads(json.dumps(brief(thread).embeds[0]))
    form = await alice.click(confirmations(thread)[-1], "Cancel interview")
    refused = await alice.submit_modal(form, reason="   ")
    assert "reason is empty" in refused.text.lower() and events(harness.guild)
    await alice.submit_modal(await alice.click(confirmations(thread)[-1], "Cancel interview"),
                             reason="Sick, sorry @everyone")
    cancelled = thread.messages[-1]
    assert "cancelled this interview" in cancelled.content and not cancelled.mentions_everyone
    shown = next(m for m in thread.messages if "mock interview round" in m.content)  # the brief, at the top
    assert shown.embeds[-1]["description"].startswith(f"✖️ Cancelled by {alice.mention}: this interview is off")
    assert shown.button_labels == [] and shown.embeds[0] == prompt_before  # the prompt stays
    assert events(harness.guild) == [] and not [c for c in harness.guild.channels.values() if c.type == 2]
    await harness.advance(days=4)
    assert not [m for m in alice.dms + bob.dms if "Your mock interview is" in m.content]  # no reminders left
    again = await mod.slash("mock-admin pair-now")  # a cancelled interview frees its members for a new pairing
    assert "Round 2 started: 1 group." in again.text


async def agreed_on_thursday_evening(harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember,
                                     bob: SimMember) -> SimChannel:
    """Alice (Berlin) and Bob (New York) paired, and a time agreed: Thursday 5 March, 18:00 UTC; their thread."""
    await join(alice, BERLIN)
    await join(bob, NEW_YORK)
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    await alice.submit_modal(await alice.click(brief(thread), "Propose another time"), when="Thu 19:00")
    await bob.click(next(m for m in thread.messages if "proposes" in m.content), "Accept this time")
    return thread


async def test_reminders_come_once_in_each_members_zone_across_a_restart(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    thread = await agreed_on_thursday_evening(harness, mod, room, alice, bob)
    agreed = datetime(2026, 3, 5, 18, tzinfo=UTC)
    await harness.advance_to(agreed - timedelta(hours=24, minutes=1))
    assert not [m for m in alice.dms if "Your mock interview" in m.content]
    await harness.advance(minutes=2)

    def reminders(member: SimMember, lead: str) -> list:
        return [m for m in member.dms if f"Your mock interview is {lead}" in m.content]

    [day_alice], [day_bob] = reminders(alice, "in 24 hours"), reminders(bob, "in 24 hours")
    assert "Thu 5 Mar, 19:00** (Europe/Berlin)" in day_alice.content and "You are the **" in day_alice.content
    assert "Thu 5 Mar, 13:00** (America/New_York)" in day_bob.content
    assert f"/{thread.id}" in day_bob.content
    await harness.restart()
    await harness.advance_to(agreed - timedelta(minutes=14))
    await harness.restart()
    await harness.advance(hours=3)
    for member in (alice, bob):
        assert len(reminders(member, "in 24 hours")) == 1 and len(reminders(member, "in 15 minutes")) == 1
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_reminders WHERE sent_at IS NULL") == 0


async def test_a_group_that_already_met_gets_no_reminders_for_its_agreed_time(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    thread = await agreed_on_thursday_evening(harness, mod, room, alice, bob)
    await harness.advance_to(datetime(2026, 3, 3, 19, tzinfo=UTC))  # they meet on Tuesday evening instead
    assert "it counts for everyone's streak" in (await bob.click(brief(thread), "We met")).text
    await harness.advance_to(datetime(2026, 3, 5, 19, tzinfo=UTC))  # past Thursday's agreed time
    assert not [m for m in alice.dms + bob.dms if "Your mock interview is" in m.content]


async def test_a_reminder_for_closed_dms_goes_to_the_thread_only_where_the_bot_may_post(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    thread = await agreed_on_thursday_evening(harness, mod, room, alice, bob)
    alice.dms_closed = bob.dms_closed = True
    agreed = datetime(2026, 3, 5, 18, tzinfo=UTC)
    with harness.sim.expect_errors(50007):  # Discord alone knows DMs are closed: each DM is refused
        await harness.advance_to(agreed - timedelta(hours=23))
    assert len([m for m in thread.messages if "Your mock interview is in 24 hours" in m.content]) == 2
    room.deny(harness.sim.bot_user.id, "send_messages_in_threads")  # the thread inherits it
    await harness.settle()
    with harness.sim.expect_errors(50007) as refused:
        await harness.advance_to(agreed)
    assert refused  # the DMs were tried; a refusal in the thread would fail the test at its end
    assert not [m for m in thread.messages if "in 15 minutes" in m.content]  # and the thread is not asked


async def test_no_time_found_is_recorded_and_counted(harness: BotHarness, mod: SimMember, room: SimChannel,
                                                     alice: SimMember, bob: SimMember) -> None:
    await join(alice, BERLIN)
    await join(bob, NEW_YORK)
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    await pick(alice, thread, 0)
    await harness.advance(days=4, hours=12)
    [nudge] = [m for m in thread.messages if "no agreed time yet" in m.content]
    await harness.advance(days=2)
    assert len([m for m in thread.messages if "no agreed time yet" in m.content]) == 1  # nudged once
    checkin = thread.messages[-1]
    assert "no time found" in checkin.content and "They didn't show" not in checkin.button_labels
    assert await harness.core.db.fetchval("SELECT status FROM mock_meetings") == "no-time"
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_noshows") == 0
    stats = await mod.slash("mock-admin stats")
    assert "No time found\n1" in stats.text and "Agreed a time\n0" in stats.text


async def test_calendar_file_parses_back_to_the_agreed_instant_with_a_stable_uid(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await join(alice, NEW_YORK)
    await join(bob, BERLIN)
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    await pick(alice, thread, 1)
    await pick(bob, thread, 0)
    assert confirmations(thread) == []
    await pick(bob, thread, 0, 1)
    [confirmed] = confirmations(thread)
    reply = await alice.click(confirmed, "Add to calendar")
    assert reply.ephemeral
    [attachment] = reply.attachments
    first = Calendar.from_ical(attachment["data"]).events[0]
    assert first.start == datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert str(first.start.tzinfo) == NEW_YORK and first.start.hour == 4
    assert first.end - first.start == timedelta(minutes=60)
    upcoming = {f["name"]: f["value"] for f in (await bob.slash("upcoming")).embeds[0]["fields"]}
    assert upcoming["Your interview"].startswith(f"<t:{int(first.start.timestamp())}:F>")  # each in their own zone
    await alice.submit_modal(await alice.click(confirmed, "Reschedule"), when="Fri 08:00")
    await bob.click(next(m for m in thread.messages if "moving the interview" in m.content), "Accept this time")
    again = Calendar.from_ical((await alice.click(confirmations(thread)[-1], "Add to calendar")).attachments[0]["data"])
    moved = again.events[0]
    assert moved["uid"] == first["uid"] and int(moved["sequence"]) == int(first["sequence"]) + 1
    assert moved.start == datetime(2026, 3, 6, 13, tzinfo=UTC)
    stale = await alice.click(confirmed, "Add to calendar")  # the old message's button gives the current time
    assert Calendar.from_ical(stale.attachments[0]["data"]).events[0].start == moved.start
    carol = await _carol(harness)
    room.allow(carol.id, "manage_threads")  # a moderator overseeing the threads sees every private one
    outsider = await carol.click(confirmed, "Add to calendar")
    assert "not yours" in outsider.text


async def _carol(harness: BotHarness) -> SimMember:
    return next(m for m in harness.guild.members.values() if m.name == "carol")


async def test_bad_times_are_refused_with_a_fix_and_nothing_is_stored(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await join(alice, BERLIN)
    await join(bob, BERLIN)
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    before = await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_time_options")
    for text, expected in (("next blue moon", "could not read"), ("2026-04-20 18:00", "after this round ends"),
                           ("today 09:10", "too soon"), ("2026-02-30 18:00", "not a date"),
                           ("Sun 02:30", None)):
        reply = await alice.submit_modal(await alice.click(brief(thread), "Propose another time"), when=text)
        if expected is None:  # 8 March is not a DST day in Berlin: accepted
            assert "waiting for" in reply.text
            continue
        assert reply.ephemeral and expected in reply.text, (text, reply.text)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_time_options") == before + 1


async def test_never_pair_me_with_is_private_limited_and_honoured(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    dana, erin = harness.guild.add_member("dana"), harness.guild.add_member("erin")
    for member in (alice, bob, carol, dana):
        await join(member, BERLIN)
    done = await alice.slash("mock exclude", member=bob)
    assert done.ephemeral and "never be paired" in done.text and "1 of 3" in done.text
    assert "cannot exclude yourself" in (await alice.slash("mock exclude", member=alice)).text
    assert "already exclude" in (await alice.slash("mock exclude", member=bob)).text
    await alice.slash("mock exclude", member=dana)
    await alice.slash("mock exclude", member=erin)
    limit = await alice.slash("mock exclude", member=carol)
    assert limit.ephemeral and "the limit" in limit.text
    assert "can be paired with you again" in (await alice.slash("mock unexclude", member=erin)).text
    assert "Never paired with" in (await alice.slash("mock status")).text
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC", channel=room)
    for number in range(1, 5):
        started = await mod.slash("mock-admin pair-now")
        assert f"Round {number} started" in started.text
        for thread in [t for t in harness.guild.threads if t.name.startswith(f"Mock #{number} ")]:
            assert not {alice.id, bob.id} <= thread.member_ids and not {alice.id, dana.id} <= thread.member_ids
        await mod.slash("mock-admin cancel-round")
    # Alice excluded both Bob and Dana, so Carol is her only partner, every round.
    assert await harness.core.db.fetchval(
        "SELECT COUNT(*) FROM mock_group_members a JOIN mock_group_members c ON a.group_id = c.group_id "
        "WHERE a.user_id = ? AND c.user_id = ?", (alice.id, carol.id)) == 4
    seen_by_bob = [m.text for m in bob.dms] + [(await bob.slash("mock status")).text]
    seen_by_bob += [m.text for t in harness.guild.threads if bob.id in t.member_ids for m in t.messages]
    assert not any("exclu" in text.lower() or "never paired" in text.lower() for text in seen_by_bob)
    exported = await bob.slash("privacy export")
    assert "mock_exclusions" not in json.loads(exported.attachments[0]["data"])["tables"]
    own = await alice.slash("privacy export")
    assert len(json.loads(own.attachments[0]["data"])["tables"]["mock_exclusions"]) == 2
    stats = await mod.slash("mock-admin stats")
    assert "2 set by 1 member" in stats.text and bob.mention not in stats.text and "alice" not in stats.text


async def test_a_member_nobody_may_be_paired_with_is_told_once_and_comes_first_next_round(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    for member in (alice, bob, carol):
        await join(member, BERLIN)
    await carol.slash("mock exclude", member=alice)
    await carol.slash("mock exclude", member=bob)
    await start_round(mod, room)
    assert carol.id not in thread_of(guild, alice).member_ids
    told = [m.text for m in carol.dms if "nobody you can be paired with was free" in m.text]
    assert told == ["Round 1 of mock interviews started, but nobody you can be paired with was free this time. "
                    "You stay signed up and come first in the next round you take part in."]
    await harness.restart()  # the round is still open; starting again tells nobody twice
    assert len([m for m in carol.dms if "nobody you can be paired with" in m.text]) == 1
    assert not any("nobody you can be paired with" in m.text for m in alice.dms + bob.dms)


async def test_a_member_left_out_is_paired_next_round_even_if_that_repeats_a_pair(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, bob: SimMember,
        carol: SimMember) -> None:
    """Carol excludes the newcomers, so Bob is her only partner; the round that left her out told her she
    comes first next round, and it keeps that promise even though Bob and the next newcomer never met."""
    dana, erin = guild.add_member("dana"), guild.add_member("erin")
    await join(carol, BERLIN)
    await join(bob, BERLIN)
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC", channel=room)
    await harness.advance_to(datetime(2026, 3, 6, 10, 30, tzinfo=UTC))
    assert carol.id in thread_of(guild, bob, 1).member_ids
    await join(dana, BERLIN)
    await carol.slash("mock exclude", member=dana)
    await harness.advance_to(datetime(2026, 3, 13, 10, 30, tzinfo=UTC))  # bob meets dana, new to him
    assert dana.id in thread_of(guild, bob, 2).member_ids
    assert [m.text for m in carol.dms if "come first" in m.text] == [
        "Round 2 of mock interviews started, but nobody you can be paired with was free this time. "
        "You stay signed up and come first in the next round you take part in."]
    await dana.slash("mock pause", rounds=1)
    await join(erin, BERLIN)
    await carol.slash("mock exclude", member=erin)
    await harness.advance_to(datetime(2026, 3, 20, 10, 30, tzinfo=UTC))
    assert carol.id in thread_of(guild, bob, 3).member_ids, "carol was left out a second round running"
    assert not any(t.name.startswith("Mock #3 ") and erin.id in t.member_ids for t in guild.threads)
    assert any("Round 3 of mock interviews started, but nobody" in m.text for m in erin.dms)
    assert not any("Round 3" in m.text for m in carol.dms)


async def test_a_member_left_out_keeps_coming_first_through_a_round_they_sit_out(
        harness: BotHarness, guild: SimGuild, mod: SimMember, room: SimChannel, bob: SimMember,
        carol: SimMember) -> None:
    """Carol, left out of round 2, pauses for round 3; round 4 still places her first, as her DM promised."""
    dana, erin = guild.add_member("dana"), guild.add_member("erin")
    await join(carol, BERLIN)
    await join(bob, BERLIN)
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC", channel=room)
    await harness.advance_to(datetime(2026, 3, 6, 10, 30, tzinfo=UTC))
    await join(dana, BERLIN)
    await carol.slash("mock exclude", member=dana)
    await harness.advance_to(datetime(2026, 3, 13, 10, 30, tzinfo=UTC))
    assert any("Round 2 of mock interviews started, but nobody" in m.text for m in carol.dms)
    await carol.slash("mock pause", rounds=1)
    await harness.advance_to(datetime(2026, 3, 20, 10, 30, tzinfo=UTC))  # bob and dana; carol sits it out
    assert carol.id not in thread_of(guild, bob, 3).member_ids
    await pick(bob, thread_of(guild, bob, 3), 0)  # bob answers his pairings (three silent ones would pause him)
    assert not any("Round 3" in m.text for m in carol.dms)
    await dana.slash("mock pause", rounds=1)
    await join(erin, BERLIN)
    await carol.slash("mock exclude", member=erin)
    await harness.advance_to(datetime(2026, 3, 27, 10, 30, tzinfo=UTC))  # bob is new to erin, not to carol
    assert carol.id in thread_of(guild, bob, 4).member_ids, "carol lost her place by sitting a round out"
    assert any("Round 4 of mock interviews started, but nobody" in m.text for m in erin.dms)
    assert not any("Round 4" in m.text for m in carol.dms)


@pytest.mark.parametrize("crash", ["before the event", "after the event, before its id was stored"])
async def test_a_crash_around_the_event_leaves_exactly_one_event_after_a_restart(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        crash: str) -> None:
    await join(alice, BERLIN)
    await join(bob, BERLIN)
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    meetings = harness.bot.get_cog("Mock").service.meetings

    async def dies(*args: object) -> None:
        raise RuntimeError("the process was killed here")

    if crash == "before the event":
        meetings.publisher.place_event = dies
    else:
        meetings.repo.set_event = dies
    await pick(alice, thread, 1)
    await pick(bob, thread, 1)
    assert await harness.core.db.fetchval("SELECT status FROM mock_meetings") == "agreed"  # decided and stored
    assert len(events(harness.guild)) == (0 if crash == "before the event" else 1)
    await harness.restart()
    [event] = events(harness.guild)
    assert await harness.core.db.fetchval("SELECT event_id FROM mock_meetings") == int(event["id"])
    await harness.restart()
    assert len(events(harness.guild)) == 1


async def test_a_room_made_just_before_a_failure_is_adopted_not_made_twice(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        guild: SimGuild, monkeypatch: pytest.MonkeyPatch) -> None:
    """The room is made, then the event times out (or the process dies) before either is recorded."""
    import discord

    guild.grant(guild.bot_role, "manage_channels")
    await join(alice, BERLIN)
    await join(bob, NEW_YORK)
    await start_round(mod, room)
    thread = thread_of(guild, alice)
    real = discord.Guild.create_scheduled_event
    calls = {"n": 0}

    async def times_out_once(self: discord.Guild, **kwargs: object) -> discord.ScheduledEvent:
        calls["n"] += 1
        if calls["n"] == 1:
            raise TimeoutError("no answer from Discord")
        return await real(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(discord.Guild, "create_scheduled_event", times_out_once)
    await pick(alice, thread, 0)
    await pick(bob, thread, 0)
    await harness.restart()  # the agreed time's event is made at the next start
    rooms = [c for c in guild.channels.values() if c.type == 2]
    assert len(rooms) == 1 and len(events(guild)) == 1
    await harness.advance(days=4)  # past the interview and its clean-up
    assert [c for c in guild.channels.values() if c.type == 2] == []


async def test_a_time_whose_interview_would_run_past_the_round_end_is_refused(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """The brief says "meet before <end>"; an hour-long interview starting 15 minutes before it cannot."""
    await join(alice, "UTC")
    await join(bob, "UTC")
    await start_round(mod, room)  # Mon 2 March 08:00: the round ends Sun 8 March 20:00 UTC
    thread = thread_of(harness.guild, alice)
    assert f"<t:{int(datetime(2026, 3, 8, 20, 0, tzinfo=UTC).timestamp())}:F>" in brief(thread).content
    late = await alice.submit_modal(await alice.click(brief(thread), "Propose another time"), when="Sun 19:45")
    assert "would run past the end of this round" in late.text and "Start by" in late.text
    fits = await alice.submit_modal(await alice.click(brief(thread), "Propose another time"), when="Sun 19:00")
    assert "waiting for" in fits.text


async def test_a_group_told_a_day_late_is_suggested_only_times_still_ahead(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """The round is stored, then the bot stops before any thread is made and is back the next day: the brief
    it then sends suggests times the group can still pick, as Pick times does."""
    await join(alice, "UTC")
    await join(bob, "UTC")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC", channel=room)
    service = harness.bot.get_cog("Mock").service
    await service.rounds._create(await service.repo.schedule(harness.guild.id), "manual:late", mod.id)
    await harness.stop()  # before its groups were told
    harness.clock.set(harness.clock.now() + timedelta(days=1, hours=2))
    await harness.start()
    await harness.settle()
    now = harness.clock.now()
    [plan] = [e for e in brief(thread_of(harness.guild, alice)).embeds if e["title"] == "When to meet"]
    shown = [datetime.fromtimestamp(int(t), UTC) for t in re.findall(r"• <t:(\d+):F>", plan["description"])]
    assert shown and all(t >= now + timedelta(minutes=30) for t in shown), (now, shown)
    offered = options(await alice.click(brief(thread_of(harness.guild, alice)), "Pick times"))
    assert len(offered) == len(shown)


async def test_a_member_pausing_for_one_round_sits_out_only_one(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    carol, dana, erin = (harness.guild.add_member(name) for name in ("carol", "dana", "erin"))
    await join(alice, "Europe/Berlin")
    await join(carol, "Europe/Berlin")
    await start_round(mod, room)  # round 1: alice and carol, open all week
    await join(bob, "Europe/Berlin")
    assert "sit out the next 1 round" in (await bob.slash("mock pause", rounds=1)).text
    await join(dana, "Europe/Berlin")
    await join(erin, "Europe/Berlin")
    assert "Round 2 started" in (await mod.slash("mock-admin pair-now")).text  # dana and erin; bob sits it out
    assert not any(bob.id in t.member_ids for t in harness.guild.threads if t.name.startswith("Mock #2 "))
    await harness.advance_to(datetime(2026, 3, 13, 10, 30, tzinfo=UTC))  # the next scheduled round
    assert any(bob.id in t.member_ids for t in harness.guild.threads if t.name.startswith("Mock #3 ")), \
        "bob paused for one round but sat out a second one"


async def test_suggested_times_after_the_dst_change_keep_the_members_local_hours(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Both free Mon-Fri 18-19 New York time; New York moves to summer time on Sunday 8 March."""
    await join(alice, "America/New_York", "Mon-Fri 18-19")
    await join(bob, "America/New_York", "Mon-Fri 18-19")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=room)
    await harness.advance_to(datetime(2026, 3, 6, 10, 30, tzinfo=UTC))  # round 1, Fri 6 March
    shown = await alice.click(brief(thread_of(harness.guild, alice)), "Pick times")
    labels = [o["label"] for o in options(shown)]
    assert labels == ["Fri 6 Mar, 18:00 (America/New_York)", "Mon 9 Mar, 18:00 (America/New_York)",
                      "Tue 10 Mar, 18:00 (America/New_York)"]


async def test_a_pair_now_round_does_not_swallow_the_next_scheduled_round(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """A moderator's pair-now round stays open a week; the scheduled round that falls inside it still
    starts, as /mock status says, for the members the first round does not hold."""
    await join(alice, "Europe/Berlin")
    await join(bob, "Europe/Berlin")
    await start_round(mod, room)  # Mon 2 March: pair-now pairs alice and bob, open until next week
    carol, dana = harness.guild.add_member("carol"), harness.guild.add_member("dana")
    await join(carol, "Europe/Berlin")
    await join(dana, "Europe/Berlin")
    friday = f"<t:{int(datetime(2026, 3, 6, 10, tzinfo=UTC).timestamp())}:F>"
    assert friday in (await carol.slash("mock status")).text
    await harness.advance_to(datetime(2026, 3, 6, 10, 30, tzinfo=UTC))
    [second] = [t for t in harness.guild.threads if t.name.startswith("Mock #2 ")]
    assert carol.id in second.member_ids and dana.id in second.member_ids and alice.id not in second.member_ids


async def test_by_dm_each_member_hears_a_proposal_confirmation_and_cancellation_once_and_their_brief_follows(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Told just now, nothing can have been sent before: the bot reads no DM history to avoid a repeat (only a
    restart does, see the crash sweep). It reads each member's copy of the brief by the id stored when the
    group was told; the copy shows the agreed time and then the cancellation, as a thread's brief does."""
    room.deny(harness.sim.bot_user.id, "create_private_threads")
    await join(alice, "UTC")
    await join(bob, "UTC")
    await start_round(mod, room)
    before = len(harness.sim.requests)
    [brief_dm] = [m for m in alice.dms if "Propose another time" in m.button_labels]
    await alice.submit_modal(await alice.click(brief_dm, "Propose another time"), when="Thu 19:00")
    [proposal] = [m for m in bob.dms if " proposes " in m.content]
    assert proposal.button_labels == ["Accept this time"]
    proposed = len(harness.sim.requests)
    await bob.click(proposal, "Accept this time")
    [confirmed] = [m for m in alice.dms if m.content.startswith("✅ Interview")]
    agreed = f"<t:{int(datetime(2026, 3, 5, 19, tzinfo=UTC).timestamp())}:F>"
    for member in (alice, bob):
        [brief_copy] = [m for m in member.dms if m.embeds and m.embeds[-1]["title"] == "When to meet"]
        assert brief_copy.embeds[-1]["description"].startswith(f"✅ Agreed: {agreed}")
        assert brief_copy.embeds[0]["title"].startswith("Your prompt · ") and "We met" in brief_copy.button_labels
    await alice.submit_modal(await alice.click(confirmed, "Cancel interview"), reason="Flu, sorry")
    for member in (alice, bob):
        told = [m.content for m in member.dms]
        assert [sum(text.startswith(start) for text in told) for start in ("🗓️ ", "✅ Interview", "✖️ ")] == [1, 1, 1]
        [brief_copy] = [m for m in member.dms if m.embeds and m.embeds[-1]["title"] == "When to meet"]
        assert brief_copy.embeds[-1]["description"].startswith(f"✖️ Cancelled by {alice.mention}")
        assert brief_copy.button_labels == []
    copies = {m.id for member in (alice, bob) for m in member.dms if m.embeds}
    searches = [path for method, path in harness.sim.requests[before:] if method == "GET" and path.endswith("/messages")]
    reads = [i for i, (method, path) in enumerate(harness.sim.requests[before:], before)
             if method == "GET" and (read := re.fullmatch(r".*/messages/(\d+)", path)) and int(read[1]) in copies]
    assert searches == []  # each copy is read by the id stored when the group was told
    assert len(reads) == 4 and min(reads) > proposed  # each member's copy, after the confirmation and the cancellation


AGREED_THURSDAY = f"✅ Agreed: <t:{int(datetime(2026, 3, 5, 19, tzinfo=UTC).timestamp())}:F>"


async def paired_by_dm(harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember,
                       bob: SimMember) -> None:
    """Alice and Bob paired in a channel where the bot may not make private threads: told by DM."""
    room.deny(harness.sim.bot_user.id, "create_private_threads")
    await join(alice, "UTC")
    await join(bob, "UTC")
    await start_round(mod, room)


async def copy_after_agreeing(alice: SimMember, bob: SimMember) -> list[str]:
    """Alice proposes Thursday 19:00 from her copy of the brief, Bob accepts; what each copy says then."""
    [brief_dm] = [m for m in alice.dms if "Propose another time" in m.button_labels]
    await alice.submit_modal(await alice.click(brief_dm, "Propose another time"), when="Thu 19:00")
    [proposal] = [m for m in bob.dms if " proposes " in m.content]
    await bob.click(proposal, "Accept this time")
    return [next(m for m in member.dms if m.embeds and m.embeds[-1]["title"] == "When to meet").embeds[-1]
            ["description"] for member in (alice, bob)]


async def test_a_brief_told_by_dm_follows_the_agreed_time_however_many_dms_came_after_it(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """More of the bot's DMs than one page of history came after Alice's copy; it is still the one updated."""
    await paired_by_dm(harness, mod, room, alice, bob)
    for n in range(120):
        harness.sim.new_message(harness.sim.dm_channels[alice.id], harness.sim.bot_user, {"content": f"note {n}"})
    assert [text.startswith(AGREED_THURSDAY) for text in await copy_after_agreeing(alice, bob)] == [True, True]


async def test_a_brief_told_by_dm_without_a_recorded_copy_is_found_among_the_members_dms(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """A group told before each member's copy was recorded: the copies are found in the members' DMs."""
    await paired_by_dm(harness, mod, room, alice, bob)
    await harness.core.db.execute("UPDATE mock_group_members SET dm_message_id = NULL")
    assert [text.startswith(AGREED_THURSDAY) for text in await copy_after_agreeing(alice, bob)] == [True, True]


async def test_upcoming_no_longer_lists_an_interview_that_is_over(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """/upcoming says what is coming: the agreed interview while it is ahead or under way, not after it ended."""
    await join(alice, NEW_YORK)
    await join(bob, BERLIN)
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    await pick(alice, thread, 1)
    await pick(bob, thread, 0, 1)
    [confirmed] = confirmations(thread)
    start = Calendar.from_ical((await alice.click(confirmed, "Add to calendar")).attachments[0]["data"]).events[0].start

    def interview(reply) -> str | None:  # noqa: ANN001
        return {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}.get("Your interview")

    await harness.advance_to(start + timedelta(minutes=30))
    assert interview(await bob.slash("upcoming")) is not None  # under way
    await harness.advance_to(start + timedelta(hours=2))
    assert interview(await bob.slash("upcoming")) is None


async def test_a_room_the_bot_may_no_longer_remove_is_named_to_the_moderators_once(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    general = harness.guild.channel("general")
    harness.guild.system_channel_id = general.id
    harness.guild.grant(harness.guild.bot_role, "manage_channels")
    await harness.restart()  # the guild now reports a system channel
    await agreed_on_thursday_evening(harness, mod, room, alice, bob)
    [voice] = [c for c in harness.guild.channels.values() if c.type == 2]
    harness.guild.revoke(harness.guild.bot_role, "manage_channels")  # an admin trims the bot's role
    await harness.settle()
    with harness.sim.expect_errors():
        await harness.advance_to(datetime(2026, 3, 5, 20, tzinfo=UTC))  # the interview is over
        await harness.restart()
        await harness.restart()
        await harness.advance(hours=1)
    still_there = any(c.id == voice.id for c in harness.guild.channels.values())
    told = [m.content for m in general.messages if voice.mention in m.content]
    assert not still_there or len(told) == 1, f"the private room stays and moderators were told {len(told)} times"
    assert await harness.core.db.fetchval("SELECT voice_channel_id FROM mock_meetings") is None


async def test_a_reminder_met_by_a_passing_server_error_still_comes_once_by_dm(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    thread = await agreed_on_thursday_evening(harness, mod, room, alice, bob)
    agreed = datetime(2026, 3, 5, 18, tzinfo=UTC)
    await harness.advance_to(agreed - timedelta(hours=24, minutes=1))
    harness.sim.faults.fail_next(503, 1, route_contains="/messages")  # Discord fails once as the reminders go out
    await harness.advance(minutes=10)
    for member in (alice, bob):
        assert len([m for m in member.dms if "Your mock interview is in 24 hours" in m.content]) == 1, member.name
    assert not [m for m in thread.messages if "Your mock interview is" in m.content]


async def test_a_time_moved_after_discord_cancelled_the_unstarted_event_gets_a_new_event(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Discord cancels a scheduled event nobody started a few hours after its start (resources/guild-scheduled-
    event.mdx, "Status Update Automation") and refuses any change to it since (180000): a pair that missed its
    time and moves the interview gets a new event at the new time, not a refused move of the cancelled one."""
    voice = harness.guild.create_voice_channel("Interview room")
    for member in (alice, bob):
        await join(member, BERLIN)
    await start_round(mod, room, voice=voice)
    thread = thread_of(harness.guild, alice)
    await alice.submit_modal(await alice.click(brief(thread), "Propose another time"), when="Tue 18:30")
    await bob.click(next(m for m in thread.messages if "proposes" in m.content), "Accept this time")
    [missed] = events(harness.guild)
    await harness.advance(hours=48)  # Wednesday morning: nobody started Tuesday's event
    assert missed["status"] == 4
    form = await bob.click(confirmations(thread)[-1], "Reschedule")
    await bob.submit_modal(form, when="Thu 18:30")
    await alice.click(next(m for m in thread.messages if "moving the interview" in m.content), "Accept this time")
    [new] = [e for e in events(harness.guild) if e["status"] == 1]
    assert new["id"] != missed["id"] and new["channel_id"] == str(voice.id)
    assert start_of(new) == datetime(2026, 3, 5, 17, 30, tzinfo=UTC)  # 18:30 in Berlin
    assert new["id"] in confirmations(thread)[-1].content  # the confirmation links the event that will happen
