"""Mock-interview rounds through the local Discord, with the test clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from itertools import combinations

import pytest

from bot.localdiscord import BotHarness, CommandForbidden, Reply, SimChannel, SimGuild, SimMember, SimMessage
from bot.localdiscord.threads import set_archived
from bot.mock import RatingsReceived
from cogs.mock.embeds import ratings_text
from tests.cogs.test_content_uploads import add_own_prompt

NAMES = ("dana", "erin", "fay", "gus", "hal", "ivy")
BRIEF_BUTTONS = ["Pick times", "Propose another time", "Rubric (interviewer)", "We met"]


@pytest.fixture
def room(guild: SimGuild) -> SimChannel:
    return guild.create_text_channel("mock-interviews")


@pytest.fixture
def nine(guild: SimGuild, alice: SimMember, bob: SimMember, carol: SimMember) -> list[SimMember]:
    return [alice, bob, carol, *(guild.add_member(name) for name in NAMES)]


async def join_all(members: list[SimMember], availability: str = "anytime") -> None:
    for index, member in enumerate(members):
        reply = await member.slash("mock join", role="either", level=("junior", "mid", "senior")[index % 3],
                                   timezone="Europe/Berlin", availability=availability)
        assert "You are in" in reply.text


def threads(guild: SimGuild) -> list[SimChannel]:
    return [t for t in guild.threads if t.name.startswith("Mock #")]


def briefs(thread: SimChannel) -> list:
    return [m for m in thread.messages if m.embeds and "mock interview round" in m.content]


async def agree_first_time(thread: SimChannel, members: list[SimMember]) -> None:
    """Every member ticks the first offered time in the brief's picker."""
    [brief] = briefs(thread)
    for member in members:
        picker = await member.click(brief, "Pick times")
        first = picker.message.components[0]["components"][0]["options"][0]["value"]
        await member.select(picker, [first])


async def schedule(mod: SimMember, room: SimChannel, weekday: str = "fri") -> str:
    reply = await mod.slash("mock-admin schedule", cadence="weekly", weekday=weekday, time="10:00", timezone="UTC",
                            channel=room)
    return reply.text


async def paired(harness: BotHarness, mod: SimMember, room: SimChannel, members: list[SimMember]) -> SimChannel:
    """``members`` signed up and paired by a moderator's round: their private thread."""
    await join_all(members)
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(harness.guild)
    return thread


async def paired_with_a_time(harness: BotHarness, mod: SimMember, room: SimChannel, first: SimMember,
                             second: SimMember) -> SimChannel:
    """The two signed up and paired in round 1, both ticking the first offered time, so their interview is
    confirmed (it can be cancelled, reported on after the round): returns their thread."""
    await join_all([first, second])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(harness.guild)
    await agree_first_time(thread, [first, second])
    return thread


async def absent_two_rounds_in_a_row(harness: BotHarness, mod: SimMember, room: SimChannel, reporter: SimMember,
                                     absent: SimMember,
                                     before_the_second_report: Callable[[], Awaitable[object]] | None = None,
                                     ) -> SimMessage:
    """Two rounds in a row pair the two; each time they agree a time and ``reporter`` says ``absent`` didn't show,
    which pauses ``absent`` (``before_the_second_report`` runs once round 2 is over, before its report). Returns
    round 2's check-in, where a later "We met" can withdraw the report."""
    await join_all([reporter, absent])
    await schedule(mod, room)
    for number in (1, 2):
        await mod.slash("mock-admin pair-now")
        [thread] = [t for t in threads(harness.guild) if t.name.startswith(f"Mock #{number} ")]
        await agree_first_time(thread, [reporter, absent])
        await harness.advance(days=7)
        if number == 2 and before_the_second_report is not None:
            await before_the_second_report()
        checkin = next(m for m in thread.messages if "How did it go" in m.content)
        await reporter.click(checkin, "They didn't show")
    return checkin


async def met_after_a_round(harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember,
                            bob: SimMember) -> tuple[SimChannel, Reply, str]:
    """Alice and Bob paired, the round over, Alice pressed **We met**: (their thread, her reply, its feedback button)."""
    await join_all([alice, bob])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(harness.guild)
    await harness.advance(days=7)
    checkin = next(m for m in thread.messages if "We met" in m.button_labels)
    met = await alice.click(checkin, "We met")
    return thread, met, next(label for label in met.button_labels if label.startswith("Feedback"))



async def test_a_round_of_three_is_announced_as_one_trio(mod: SimMember, room: SimChannel, alice: SimMember,
                                                       bob: SimMember, carol: SimMember) -> None:
    """Three members make one trio and no pair: the channel is not told of "0 pairs"."""
    await join_all([alice, bob, carol])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    announcement = room.messages[-1]
    assert "3 members in 1 trio." in announcement.content and "pairs" not in announcement.content


async def test_rounds_never_repeat_a_pair_and_have_one_trio(harness: BotHarness, mod: SimMember,
                                                            room: SimChannel, nine: list[SimMember]) -> None:
    await join_all(nine)
    text = await schedule(mod, room, "mon")
    assert "Every week on Monday at 10:00 (UTC)" in text and text.count("• <t:") == 3
    met: set[frozenset[int]] = set()
    roles: dict[int, list[str]] = {m.id: [] for m in nine}
    for week in range(4):
        await harness.advance_to(datetime(2026, 3, 2, 10, tzinfo=UTC) + timedelta(weeks=week))
        current = [t for t in threads(harness.guild) if t.name.startswith(f"Mock #{week + 1} ")]
        assert sorted(len(t.member_ids - {harness.sim.bot_user.id}) for t in current) == [2, 2, 2, 3]
        assert all(t.type == 12 for t in current)  # private threads
        for thread in current:
            [brief] = briefs(thread)
            assert brief.button_labels == BRIEF_BUTTONS
            assert "🎤 Interviewer" in brief.content and "🧑‍💻 Candidate" in brief.content
            assert brief.embeds[0]["title"].startswith("Your prompt · ")
            people = thread.member_ids - {harness.sim.bot_user.id}
            for a, b in combinations(people, 2):
                assert frozenset((a, b)) not in met, f"round {week + 1} repeated a pair"
                met.add(frozenset((a, b)))
        rows = await harness.core.db.fetchall(
            "SELECT user_id, role FROM mock_group_members m JOIN mock_rounds r ON r.id = m.round_id "
            "WHERE r.number = ?", (week + 1,))
        for user_id, role in rows:
            roles[user_id].append(role)
        announcement = room.messages[-1]
        assert f"round {week + 1}" in announcement.content and "3 pairs and 1 trio" in announcement.content
        for thread in [t for t in threads(harness.guild) if t.name.startswith(f"Mock #{week} ")]:
            # Last round's groups say they met: three pairings in a row without a word would pause their members.
            member = next(m for m in nine if m.id in thread.member_ids)
            await member.click(next(m for m in thread.messages if "We met" in m.button_labels), "We met")
    for history in roles.values():
        asked, answered = history.count("interviewer"), history.count("candidate")
        assert abs(asked - answered) <= 2 and len(history) == 4


async def test_joining_again_while_paired_in_the_round_under_way_says_the_pairing_stands(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Alice, paired in the round under way, runs `/mock join` again to change her preferences: she keeps her
    interview in this round, so she is not told she is paired only from the next one."""
    await join_all([alice, bob])
    await schedule(mod, room, "mon")
    await harness.advance_to(datetime(2026, 3, 2, 10, tzinfo=UTC))  # round 1 pairs Alice and Bob
    assert len(threads(harness.guild)) == 1
    again = await alice.slash("mock join", role="interviewer", level="mid", timezone="UTC", availability="anytime")
    assert "paired from the next one" not in again.text, again.text
    assert "already paired in round 1" in again.text, again.text


async def test_joining_while_a_round_is_under_way_says_it_starts_with_the_next_round(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    await join_all([alice, bob])
    await schedule(mod, room, "mon")
    await harness.advance_to(datetime(2026, 3, 2, 10, tzinfo=UTC))  # round 1 pairs Alice and Bob
    assert len(threads(harness.guild)) == 1
    late = await carol.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")
    next_monday = int(datetime(2026, 3, 9, 10, tzinfo=UTC).timestamp())
    assert "Round 1 is already under way" in late.text and "paired from the next one" in late.text
    assert f"The next round starts <t:{next_monday}:F>" in late.text
    status = await carol.slash("mock status")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert fields["Next round"] == f"<t:{next_monday}:F>"
    upcoming = await carol.slash("upcoming")
    fields = {f["name"]: f["value"] for f in upcoming.embeds[0]["fields"]}
    assert fields["Mock-interview round"].startswith(f"<t:{next_monday}:F>")


async def test_joining_beside_a_pair_now_round_names_only_the_next_scheduled_round(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    await join_all([alice, bob])
    await schedule(mod, room, "mon")
    await mod.slash("mock-admin pair-now")
    late = await carol.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")
    assert "under way" not in late.text and "The next round starts <t:" in late.text


async def test_reminder_checkin_feedback_and_streak(harness: BotHarness, mod: SimMember, room: SimChannel,
                                                    alice: SimMember, bob: SimMember, carol: SimMember) -> None:
    await join_all([alice, bob])
    await schedule(mod, room)
    reply = await mod.slash("mock-admin pair-now")
    assert "Round 1 started: 1 group." in reply.text
    [thread] = threads(harness.guild)
    [brief] = briefs(thread)
    interviewer = alice if f"Interviewer: {alice.mention}" in brief.content else bob
    candidate = bob if interviewer is alice else alice
    rubric = await interviewer.click(brief, "Rubric (interviewer)")
    assert rubric.ephemeral and "What a strong answer covers" in rubric.text
    assert "for the interviewer" in (await candidate.click(brief, "Rubric (interviewer)")).text
    room.allow(carol.id, "manage_threads")  # a moderator overseeing the threads sees every private one
    assert "not yours" in (await carol.click(brief, "We met")).text
    await harness.advance(days=4, hours=12)
    assert any("no agreed time yet" in m.content for m in thread.messages)  # two days before the end
    await harness.advance(days=2)
    checkin = next(m for m in thread.messages if "no time found" in m.content)
    assert checkin.button_labels == ["We met"]
    met = await interviewer.click(checkin, "We met")
    assert "streak" in met.text and met.button_labels == ["Feedback for your candidate"]
    form = await interviewer.click(met, "Feedback for your candidate")
    bad = await interviewer.submit_modal(form, communication="9", depth="4", tradeoffs="3", note="")
    assert bad.ephemeral and "from 1 to 5" in bad.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_feedback") == 0
    good = await interviewer.submit_modal(await interviewer.click(met, "Feedback for your candidate"),
                                          communication="4", depth="5", tradeoffs="3",
                                          note="Clear structure @everyone")
    assert "shared with your partner" in good.text
    shared = thread.messages[-1]
    assert "depth 5/5" in shared.content and "Clear structure" in shared.content and not shared.mentions_everyone
    again = await interviewer.submit_modal(await interviewer.click(met, "Feedback for your candidate"),
                                           communication="4", depth="2", tradeoffs="3", note="")
    assert "shared with your partner" in again.text
    posted = [m for m in thread.messages if m.content.startswith("📝 Feedback for")]
    assert posted == [shared] and "depth 2/5" in shared.content and "Clear structure" not in shared.content
    assert await harness.core.db.fetchval("SELECT message_id FROM mock_feedback") == shared.id  # still removable
    kinds = await harness.core.db.fetchall("SELECT DISTINCT user_id FROM activity WHERE kind = 'mock'")
    assert {r[0] for r in kinds} == {alice.id, bob.id}
    stats = await mod.slash("mock-admin stats")
    assert "1 of 1" in stats.text and "Depth 2.0" in stats.text  # the feedback as it now stands
    rated = {f["name"]: f["value"] for f in (await candidate.slash("mock status")).embeds[0]["fields"]}
    assert rated["Ratings from your partners"] == "1 rating, out of 5: Communication 4.0 · Depth 2.0 · Tradeoffs 3.0"
    assert "Ratings from your partners" not in (await interviewer.slash("mock status")).text  # nobody rated them


def test_status_compares_a_members_latest_ratings_with_the_ones_before() -> None:
    text = ratings_text(RatingsReceived(5, (3.4, 3.2, 2.4), (4.0, 3.2, 2.0), (2.5, 3.2, 3.0)))
    assert text == ("5 ratings, out of 5: Communication 3.4 · Depth 3.2 · Tradeoffs 2.4\n"
                    "Your last 3 against the ones before: Communication 4.0 (↑ 1.5) · Depth 3.2 (=) · "
                    "Tradeoffs 2.0 (↓ 1.0)")


async def test_two_no_shows_in_a_row_pause_a_member(harness: BotHarness, mod: SimMember, room: SimChannel,
                                                    alice: SimMember, bob: SimMember) -> None:
    await absent_two_rounds_in_a_row(harness, mod, room, alice, bob)
    assert any("paused" in m.content and "/mock join" in m.content for m in bob.dms)
    status = await bob.slash("mock status")
    assert "paused after two missed" in status.text
    assert "Fewer than two members" in (await mod.slash("mock-admin pair-now")).text


async def test_we_met_after_a_no_show_report_withdraws_it_and_lifts_the_pause_it_caused(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    checkin = await absent_two_rounds_in_a_row(harness, mod, room, alice, bob)
    assert "paused after two missed" in (await bob.slash("mock status")).text
    met = await alice.click(checkin, "We met")  # round 2's check-in: they did meet after all
    assert met.ephemeral and met.button_labels and met.button_labels[0].startswith("Feedback for")
    assert f'The earlier "didn\'t show" report about {bob.mention} is withdrawn' in met.text
    assert "that pause is lifted and they have been told" in met.text
    assert any("no longer paused" in m.content for m in bob.dms)
    assert "paused" not in (await bob.slash("mock status")).text
    stats = await mod.slash("mock-admin stats")
    assert "No-shows reported\n1" in stats.text and "1 of 2" in stats.text  # round 1's report still stands
    history = await mod.slash("mock-admin history", member=bob)
    assert history.text.count("no-show") == 1 and history.text.count("met ✅") == 1
    assert "Round 3 started" in (await mod.slash("mock-admin pair-now")).text  # bob takes part again


async def test_a_pause_left_by_a_crash_after_the_withdrawal_is_lifted_when_we_met_is_pressed_again(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    checkin = await absent_two_rounds_in_a_row(harness, mod, room, alice, bob)
    # "We met" committed (the report withdrawn), then the process died before lifting Bob's pause.
    group_id = await harness.core.db.fetchval("SELECT MAX(group_id) FROM mock_noshows")
    await harness.core.db.execute("DELETE FROM mock_noshows WHERE group_id = ?", (group_id,))
    await harness.core.db.execute("UPDATE mock_groups SET outcome = 'met' WHERE id = ?", (group_id,))
    await harness.restart()
    assert "paused after two missed" in (await bob.slash("mock status")).text
    await alice.click(checkin, "We met")
    assert "paused" not in (await bob.slash("mock status")).text
    assert any("no longer paused" in m.content for m in bob.dms)


async def test_we_met_from_the_member_reported_absent_is_refused_and_asks_the_reporter(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Bob's word against Alice's: his "We met" records nothing, and Alice is asked once to withdraw it."""
    thread = await paired_with_a_time(harness, mod, room, alice, bob)
    await harness.advance(days=7)
    checkin = next(m for m in thread.messages if "How did it go" in m.content)
    await alice.click(checkin, "They didn't show")
    for _ in range(2):
        refused = await bob.click(checkin, "We met")
        assert refused.ephemeral and not refused.button_labels
        assert f"{alice.mention} reported that you did not show" in refused.text
        assert "nothing was recorded" in refused.text and "asked them to press **We met**" in refused.text
    await harness.settle()
    asked = [m.content for m in alice.dms if "says the two of you did meet" in m.content]
    assert len(asked) == 1 and bob.mention in asked[0] and "round 1" in asked[0] and f"/{harness.guild.id}/{thread.id}" in asked[0]
    stats = await mod.slash("mock-admin stats")
    assert "No-shows reported\n1" in stats.text and "0 of 1" in stats.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM activity WHERE kind = 'mock'") == 0
    met = await alice.click(checkin, "We met")  # the reporter agrees: the report is withdrawn
    assert f'The earlier "didn\'t show" report about {bob.mention} is withdrawn' in met.text
    assert "No-shows reported\n0" in (await mod.slash("mock-admin stats")).text


async def test_two_members_who_reported_each_other_absent_can_both_say_they_met(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Each pressed "They didn't show" about the other: Alice's "We met" takes back her own report (not Bob's),
    and then Bob's "We met" is no longer disputed, so the meeting is recorded for both."""
    thread = await paired_with_a_time(harness, mod, room, alice, bob)
    await harness.advance(days=7)
    checkin = next(m for m in thread.messages if "How did it go" in m.content)
    await alice.click(checkin, "They didn't show")
    await bob.click(checkin, "They didn't show")
    assert "No-shows reported\n2" in (await mod.slash("mock-admin stats")).text
    first = await alice.click(checkin, "We met")
    assert first.ephemeral and not first.button_labels
    assert f"Your own \"didn't show\" report about {bob.mention} is withdrawn" in first.text
    assert f"{bob.mention} reported that you did not show" in first.text and "not recorded yet" in first.text
    assert "No-shows reported\n1" in (await mod.slash("mock-admin stats")).text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM activity WHERE kind = 'mock'") == 0
    second = await bob.click(checkin, "We met")
    assert second.button_labels and second.button_labels[0].startswith("Feedback for")
    assert f'The earlier "didn\'t show" report about {alice.mention} is withdrawn' in second.text
    stats = (await mod.slash("mock-admin stats")).text
    assert "No-shows reported\n0" in stats and "1 of 1" in stats
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM activity WHERE kind = 'mock'") == 2


async def test_a_disputed_we_met_still_lifts_the_pause_the_pressers_own_report_caused(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    checkin = await absent_two_rounds_in_a_row(harness, mod, room, alice, bob)  # Bob paused
    await bob.click(checkin, "They didn't show")  # round 2: Bob says Alice was the one missing
    disputed = await alice.click(checkin, "We met")
    assert f"Your own \"didn't show\" report about {bob.mention} is withdrawn" in disputed.text
    assert "that pause is lifted and they have been told" in disputed.text
    await harness.settle()
    assert any("no longer paused" in m.content for m in bob.dms)
    assert "paused" not in (await bob.slash("mock status")).text


async def test_we_met_on_an_interview_a_member_cancelled_is_refused_and_records_nothing(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """The brief loses its buttons on cancellation; a client still showing the old "We met" is refused."""
    thread = await paired_with_a_time(harness, mod, room, alice, bob)
    confirmed = next(m for m in thread.messages if "Cancel interview" in m.button_labels)
    [brief] = briefs(thread)
    we_met = next(c["custom_id"] for row in brief.components for c in row["components"] if c.get("label") == "We met")
    await alice.submit_modal(await alice.click(confirmed, "Cancel interview"), reason="Moving house this week")
    assert brief.button_labels == []
    stale = harness.sim.new_message(thread, harness.sim.bot_user, {"content": "", "components": [
        {"type": 1, "components": [{"type": 2, "style": 2, "label": "We met", "custom_id": we_met}]}]})
    for member, who in ((bob, alice.mention), (alice, "you")):
        refused = await member.click(stale, "We met")
        assert refused.ephemeral and not refused.button_labels
        assert f"This interview was cancelled by {who}, so there is nothing to report" in refused.text
        assert "nothing was recorded" in refused.text and "paired again next round" in refused.text
    assert await harness.core.db.fetchval("SELECT outcome FROM mock_groups") is None
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM activity WHERE kind = 'mock'") == 0
    stats = await mod.slash("mock-admin stats")
    assert "0 of 1" in stats.text and "Cancelled\n1" in stats.text


async def test_history_reads_a_cancelled_interview_and_one_that_found_no_time_as_such(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Neither interview happened, and neither is a report still owed: history says which it was."""
    thread = await paired_with_a_time(harness, mod, room, alice, bob)
    confirmed = next(m for m in thread.messages if "Cancel interview" in m.button_labels)
    await alice.submit_modal(await alice.click(confirmed, "Cancel interview"), reason="Moving house this week")
    await harness.advance(days=7)  # round 1 ends
    await mod.slash("mock-admin pair-now")  # round 2: they never agree a time
    await harness.advance(days=7)
    for shown in ((await bob.slash("mock status")).text, (await mod.slash("mock-admin history", member=bob)).text):
        lines = {line.split(" · ")[0]: line for line in shown.splitlines() if line.startswith("Round ")}
        assert lines["Round 2"].endswith("· no time found"), lines
        assert lines["Round 1"].endswith(f"· cancelled by {alice.mention}"), lines


async def test_an_interview_reported_as_held_cannot_be_cancelled(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    thread = await paired_with_a_time(harness, mod, room, alice, bob)
    confirmed = next(m for m in thread.messages if "Cancel interview" in m.button_labels)
    [brief] = briefs(thread)
    await alice.click(brief, "We met")
    refused = await bob.click(confirmed, "Cancel interview")
    assert refused.ephemeral and "already reported that this interview happened" in refused.text
    assert await harness.core.db.fetchval("SELECT status FROM mock_meetings") != "cancelled"
    assert not any("cancelled" in m.content.lower() for m in thread.messages)
    stats = await mod.slash("mock-admin stats")
    assert "1 of 1" in stats.text and "Cancelled\n0" in stats.text


async def test_restart_while_creating_threads_finishes_without_duplicates(
        harness: BotHarness, mod: SimMember, room: SimChannel, nine: list[SimMember]) -> None:
    await join_all(nine)
    await schedule(mod, room)
    cog = harness.bot.get_cog("Mock")
    service = cog.service
    round_id, _ = await service.rounds._create(await service.repo.schedule(harness.guild.id), "manual:crash", mod.id)
    round_ = await service.repo.round(round_id)
    first = (await service.repo.groups(round_id))[0]
    await service.publisher.deliver_group(round_, first, await service.rounds.brief(round_, first))  # then the process dies
    await harness.restart()
    current = threads(harness.guild)
    assert len(current) == 4 and all(len(briefs(t)) == 1 for t in current)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_groups WHERE delivery = 'pending'") == 0


async def test_without_private_threads_groups_are_told_by_dm(harness: BotHarness, mod: SimMember, room: SimChannel,
                                                             alice: SimMember, bob: SimMember) -> None:
    room.deny(harness.sim.bot_user.id, "create_private_threads")
    await join_all([alice, bob])
    text = await schedule(mod, room)
    assert "Create Private Threads" in text
    await mod.slash("mock-admin pair-now")
    assert threads(harness.guild) == []
    for member in (alice, bob):
        [dm] = [m for m in member.dms if "mock interview round" in m.content]
        assert dm.button_labels == BRIEF_BUTTONS


async def test_without_manage_threads_the_group_is_still_added_to_its_thread(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Only moderators add members to a thread that is not invitable: the bot without Manage Threads
    keeps the thread invitable, so it can add the group."""
    room.deny(harness.sim.bot_user.id, "manage_threads")
    await join_all([alice, bob])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(harness.guild)
    assert {alice.id, bob.id} <= thread.member_ids and thread.invitable
    assert briefs(thread)


async def test_bad_input_and_permissions(harness: BotHarness, mod: SimMember, room: SimChannel,
                                         alice: SimMember) -> None:
    bad_zone = await alice.slash("mock join", role="either", level="mid", timezone="Mars/Base", availability="any")
    assert bad_zone.ephemeral and "is not a timezone" in bad_zone.text
    bad_hours = await alice.slash("mock join", role="either", level="mid", timezone="UTC", availability="Mon 25-26")
    assert bad_hours.ephemeral and "availability" in bad_hours.text
    assert "not joined" in (await alice.slash("mock status")).text
    with pytest.raises(CommandForbidden):
        await alice.slash("mock-admin schedule", cadence="weekly", weekday="mon", time="10:00", timezone="UTC")
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_schedule") == 0


async def test_members_edit_pause_and_leave_and_moderators_cancel_and_read_history(
        harness: BotHarness, mod: SimMember, room: SimChannel, nine: list[SimMember]) -> None:
    alice, bob, carol = nine[:3]
    await join_all(nine[:4])
    edited = await alice.slash("mock edit", level="staff", availability="Sat 9-17")
    assert "staff" in edited.text and "Sat 09-17" in edited.text
    assert "is not a timezone" in (await alice.slash("mock edit", timezone="Nowhere/Land")).text
    paused = await bob.slash("mock pause", rounds=1)
    assert "sit out the next 1 round" in paused.text
    assert "have left" in (await carol.slash("mock leave")).text
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(harness.guild)
    assert thread.member_ids - {harness.sim.bot_user.id} == {alice.id, nine[3].id}
    status = await alice.slash("mock status")
    assert "This round (1)" in status.text and nine[3].mention in status.text
    assert "not joined" in (await carol.slash("mock status")).text
    history = await mod.slash("mock-admin history", member=alice)
    assert "Round 1" in history.text and nine[3].mention in history.text and "not reported" in history.text
    cancelled = await mod.slash("mock-admin cancel-round")
    assert "Round 1 is cancelled" in cancelled.text
    assert thread.messages[-1].content == "✖️ Round 1 was cancelled by a moderator. No need to meet; see you next round."
    [brief] = [m for m in thread.messages if m.embeds and "mock interview round" in m.content]
    assert brief.button_labels == [] and brief.embeds[-1]["description"].startswith("✖️ Round 1 was cancelled")
    assert "no open round" in (await mod.slash("mock-admin cancel-round")).text
    history = (await mod.slash("mock-admin history", member=alice)).text
    assert "Round 1" in history and "round cancelled" in history and "not reported" not in history
    again = await mod.slash("mock-admin pair-now")  # bob sat out one round and is back
    assert "Round 2 started" in again.text, again.text
    [second] = [t for t in threads(harness.guild) if t.name.startswith("Mock #2 ")]
    assert bob.id in second.member_ids


async def test_a_group_that_met_before_the_round_was_cancelled_keeps_its_credit_and_feedback(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    thread = await paired(harness, mod, room, [alice, bob])
    brief = next(m for m in thread.messages if "We met" in m.button_labels)
    await alice.click(brief, "We met")  # they met early in the round, then a moderator calls the round off
    assert "Round 1 is cancelled" in (await mod.slash("mock-admin cancel-round")).text
    assert thread.messages[-1].content == ("✖️ Round 1 was cancelled by a moderator. You had already met, so your "
                                           "interview still counts. Press **We met** on your brief for the feedback "
                                           "forms.")
    assert "Propose another time" not in brief.button_labels and "We met" in brief.button_labels
    assert "still counts" in brief.embeds[-1]["description"]
    again = await bob.click(brief, "We met")
    label = next(label for label in again.button_labels if label.startswith("Feedback"))
    sent = await bob.submit_modal(await bob.click(again, label), communication="4", depth="4", tradeoffs="5",
                                  note="Clear structure")
    assert "shared with your partner" in sent.text
    assert any(m.content.startswith(f"📝 Feedback for <@{alice.id}>") for m in thread.messages)
    for member in (alice, bob):  # the interview they held still counts for both streaks
        fields = {f["name"]: f["value"] for f in (await member.slash("streak show")).embeds[0]["fields"]}
        assert "Active today" in fields["Today"]
    stats = {f["name"]: f["value"] for f in (await mod.slash("mock-admin stats")).embeds[0]["fields"]}
    assert stats["Groups that met"] == "1 of 1" and stats["Rounds"] == "0"
    assert "met ✅" in (await mod.slash("mock-admin history", member=alice)).text


async def test_feedback_the_thread_no_longer_takes_reaches_the_partner_by_dm(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    thread, met, label = await met_after_a_round(harness, mod, room, alice, bob)
    room.deny(harness.sim.bot_user.id, "send_messages_in_threads")  # a moderator's change since the round began
    sent = await alice.submit_modal(await alice.click(met, label), communication="5", depth="4", tradeoffs="4",
                                    note="Good pacing")
    assert "shared with your partner" in sent.text
    assert not any(m.content.startswith("📝 Feedback for") for m in thread.messages)
    [dm] = [m for m in bob.dms if m.content.startswith(f"📝 Feedback for <@{bob.id}>")]
    assert "communication 5/5" in dm.content and "Good pacing" in dm.content
    assert await harness.core.db.fetchval("SELECT message_id FROM mock_feedback") == dm.id  # still removable
    assert await harness.core.db.fetchval("SELECT shared_at IS NOT NULL FROM mock_feedback") == 1


async def test_a_thread_that_no_longer_takes_the_bots_messages_leaves_the_group_told_by_dm(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    thread = await paired(harness, mod, room, [alice, bob])
    brief = next(m for m in thread.messages if "Propose another time" in m.button_labels)
    room.deny(harness.sim.bot_user.id, "send_messages_in_threads")  # a moderator's change since the round began
    form = await alice.click(brief, "Propose another time")
    assert "waiting for" in (await alice.submit_modal(form, when="Thu 19:00")).text
    [proposal] = [m for m in bob.dms if " proposes meeting at " in m.content]
    assert "Agreed" in (await bob.click(proposal, "Accept this time")).text
    for member in (alice, bob):
        assert sum(m.content.startswith("✅ Interview confirmed") for m in member.dms) == 1
    assert "Round 1 is cancelled" in (await mod.slash("mock-admin cancel-round")).text
    for member in (alice, bob):
        assert [m.content for m in member.dms if m.content.startswith("✖️ Round 1")] == [
            "✖️ Round 1 was cancelled by a moderator. No need to meet; see you next round."]
    assert not any(m.content.startswith(("🗓️", "✅", "✖️")) for m in thread.messages)
    assert await harness.core.db.fetchval("SELECT cancel_told FROM mock_rounds") == 1


async def test_feedback_discord_fails_to_post_is_shared_once_when_it_recovers(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    thread, met, label = await met_after_a_round(harness, mod, room, alice, bob)
    harness.sim.faults.fail_next(503, 1, route_contains=f"/channels/{thread.id}/messages")
    sent = await alice.submit_modal(await alice.click(met, label), communication="5", depth="4", tradeoffs="4",
                                    note="Good pacing")
    assert "shared with your partner" in sent.text  # the feedback is stored; the partner is told when Discord can

    def shared() -> list[str]:
        return [m.content for m in thread.messages if m.content.startswith("📝 Feedback for")]

    assert shared() == [] and await harness.core.db.fetchval("SELECT shared_at FROM mock_feedback") is None
    await harness.advance(seconds=29)
    assert shared() == []
    await harness.advance(seconds=1)  # the first retry: no earlier copy in the thread, so it is posted
    [message] = shared()
    assert "communication 5/5" in message and "Good pacing" in message
    await harness.advance(hours=1)
    assert len(shared()) == 1 and not any(m.content.startswith("📝 Feedback for") for m in bob.dms)
    assert await harness.core.db.fetchval("SELECT shared_at IS NOT NULL FROM mock_feedback") == 1


async def test_with_the_shipped_pack_off_a_round_uses_the_servers_own_prompt(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await add_own_prompt(mod, room)
    await mod.select(await mod.slash("content decks"), ["server"])  # the shipped pack off
    await join_all([alice, bob])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(harness.guild)
    [brief] = briefs(thread)
    assert brief.embeds[0]["title"] == "Your prompt · Design the study server's flashcard service"
    interviewer = alice if f"Interviewer: {alice.mention}" in brief.content else bob
    rubric = await interviewer.click(brief, "Rubric (interviewer)")
    assert "An idempotent grade" in rubric.text


async def test_rounds_cannot_be_announced_in_an_announcement_channel(harness: BotHarness, guild: SimGuild,
                                                                      mod: SimMember) -> None:
    """Each group gets a private thread, which Discord allows only in plain text channels."""
    news = guild.create_announcement_channel("news")
    reply = await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                            channel=news)
    assert reply.ephemeral and "announcement channel" in reply.text and "plain text channel" in reply.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_schedule") == 0


async def test_a_scheduled_round_that_fell_due_while_the_bot_was_down_starts_when_it_is_back(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await join_all([alice, bob])
    await schedule(mod, room)  # weekly, Friday 10:00 UTC
    await harness.stop()
    harness.clock.set(datetime(2026, 3, 6, 10, 20, tzinfo=UTC))  # down across Friday 10:00
    await harness.start()
    await harness.settle()
    assert len(threads(harness.guild)) == 1  # the round started on the bot's return, not a week later
    await harness.restart()
    assert len(threads(harness.guild)) == 1  # and only once
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_rounds") == 1


async def test_a_round_started_late_after_downtime_ends_before_the_next_scheduled_round(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await join_all([alice, bob])
    await schedule(mod, room)  # weekly, Friday 10:00 UTC
    await harness.stop()
    harness.clock.set(datetime(2026, 3, 6, 23, 0, tzinfo=UTC))  # down all Friday: back late the same day
    await harness.start()
    await harness.settle()
    assert len(threads(harness.guild)) == 1
    ends = await harness.core.db.fetchval("SELECT ends_at FROM mock_rounds")
    assert ends == int(datetime(2026, 3, 12, 22, 0, tzinfo=UTC).timestamp())  # 12 hours before the next round
    await harness.advance_to(datetime(2026, 3, 13, 11, 0, tzinfo=UTC))
    assert len(threads(harness.guild)) == 2  # the next Friday's round starts as scheduled


async def test_the_only_member_taking_part_in_a_scheduled_round_is_told_there_was_nobody_to_pair(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await join_all([alice, bob])
    await bob.slash("mock pause")  # until he joins again
    await schedule(mod, room)  # weekly, Friday 10:00 UTC
    await harness.advance_to(datetime(2026, 3, 6, 11, 0, tzinfo=UTC))
    assert threads(harness.guild) == []
    told = [m.content for m in alice.dms if "nobody to pair you with" in m.content]
    assert told == ["No mock-interview round started on Fri 6 Mar: you were the only member taking part, so there "
                    "was nobody to pair you with. You stay signed up for the next round."]
    await harness.restart()  # the missed-round check runs again on the same day, and says nothing twice
    assert len([m for m in alice.dms if "nobody to pair you with" in m.content]) == 1
    assert not [m for m in bob.dms if "nobody to pair you with" in m.content]  # he chose to sit out


async def test_a_pause_for_one_round_ends_when_the_scheduled_round_it_kept_from_starting_is_over(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Two members, one sitting out a round: that week's scheduled round does not start, and it is the round he
    sat out (once, even when the bot starts again that day), so the next week pairs them."""
    await join_all([alice, bob])
    assert "sit out the next 1 round" in (await bob.slash("mock pause", rounds=1)).text
    await schedule(mod, room)  # weekly, Friday 10:00 UTC
    await harness.advance_to(datetime(2026, 3, 6, 11, 0, tzinfo=UTC))
    assert threads(harness.guild) == []  # alice alone this week
    assert len([m for m in alice.dms if "nobody to pair you with" in m.content]) == 1
    await harness.restart()  # the missed-round check looks at Friday's round again
    assert threads(harness.guild) == []  # bob sat this one out: it does not start for him after all
    assert "sitting out" not in (await bob.slash("mock status")).text
    await harness.advance_to(datetime(2026, 3, 13, 11, 0, tzinfo=UTC))
    [thread] = threads(harness.guild)
    assert {alice.id, bob.id} <= set(thread.member_ids), "bob's pause for one round never ended"


async def test_moving_a_biweekly_round_by_an_hour_keeps_its_weeks(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await mod.slash("mock-admin schedule", cadence="biweekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=room)
    await join_all([alice, bob])
    await harness.advance_to(datetime(2026, 3, 6, 11, 0, tzinfo=UTC))  # round 1 on Friday 6 March
    await harness.advance_to(datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    reply = await mod.slash("mock-admin schedule", cadence="biweekly", weekday="fri", time="11:00", timezone="UTC",
                            channel=room)  # only the hour changes
    promised = datetime(2026, 3, 20, 11, 0, tzinfo=UTC)
    assert f"<t:{int(promised.timestamp())}:F>" in reply.text.split("Next rounds")[1].splitlines()[1]
    await harness.advance_to(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    starts = await harness.core.db.fetchall("SELECT starts_at FROM mock_rounds ORDER BY id")
    assert len(starts) == 2 and starts[1][0] == int(promised.timestamp())  # the round the reply named, on time


async def test_a_thread_the_moderators_closed_and_locked_leaves_the_group_told_by_dm(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        guild: SimGuild) -> None:
    """A moderator closes and locks the group's thread; the bot, without Manage Threads, may not reopen it."""
    thread = await paired(harness, mod, room, [alice, bob])
    room.deny(guild.bot_role.id, "manage_threads")
    thread.locked = True
    set_archived(harness.sim, thread, True)
    before = len(thread.messages)
    assert "Round 1 is cancelled" in (await mod.slash("mock-admin cancel-round")).text
    for member in (alice, bob):
        assert [m.content for m in member.dms if m.content.startswith("✖️ Round 1")] == [
            "✖️ Round 1 was cancelled by a moderator. No need to meet; see you next round."]
    assert thread.messages[before:] == [] and thread.archived


async def test_an_interview_reported_after_the_round_counts_on_the_day_it_was_held(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """Alice and Bob agree a time and meet then; Alice presses **We met** on the check-in at the round's end, days
    later. The streak day (and the week /stats counts it in) is the day they met, not the day she reported it."""
    thread = await paired_with_a_time(harness, mod, room, alice, bob)
    agreed = datetime.fromtimestamp(await harness.core.db.fetchval("SELECT starts_at FROM mock_meetings"), UTC)
    await harness.advance(days=7)
    checkin = next(m for m in thread.messages if "We met" in m.button_labels)
    assert harness.core.clock.now().date() != agreed.date()
    await alice.click(checkin, "We met")
    zone = await harness.core.timezones.zone_for(harness.guild.id, alice.id)
    days = await harness.core.db.fetchall("SELECT DISTINCT local_date FROM activity WHERE kind = 'mock'")
    assert [r[0] for r in days] == [agreed.astimezone(zone).date().isoformat()]


async def test_a_cancellation_waiting_for_discord_is_told_when_the_server_adds_the_bot_back_not_while_it_is_out(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """A group told by DM, whose news of a cancelled round Discord failed to take, hears nothing while the server
    has removed the bot, even after a restart; added back, each member is told, once."""
    room.deny(harness.sim.bot_user.id, "create_private_threads")
    await join_all([alice, bob])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    harness.sim.faults.fail_next(503, 10, route_contains=f"/channels/{harness.sim.dm_channels[alice.id].id}/messages")
    await mod.slash("mock-admin cancel-round")
    await harness.settle()
    harness.sim.faults.fail_next_with.clear()

    def told(member: SimMember) -> list[str]:
        return [m.content for m in member.dms if m.content.startswith("✖️ Round 1")]

    assert told(alice) == []
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance(hours=1)
    await harness.restart()
    await harness.advance(hours=1)
    assert told(alice) == [] and harness.sim.errors == []
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    await harness.advance(minutes=5)
    assert len(told(alice)) == 1 and len(told(bob)) == 1


async def test_a_round_due_during_a_discord_outage_gets_its_threads_once_the_server_is_back(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:
    """The bot starts while Discord lists the server as unavailable, and the round falls due before it is back:
    its channel is not known then, which is no deleted channel, so the group gets its private thread (not DMs)
    and the round is announced once the server is back."""
    await join_all([alice, bob])
    await schedule(mod, room)
    await harness.advance_to(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))
    await harness.restart_in_outage(harness.guild)
    await harness.advance_to(datetime(2026, 3, 6, 10, 5, tzinfo=UTC))
    await harness.end_outage(harness.guild)  # the server is available again
    await harness.advance(hours=1)
    [thread] = threads(harness.guild)
    assert len(briefs(thread)) == 1 and not any("mock interview round" in m.content for m in alice.dms)
    assert len([m for m in room.messages if "Check your private thread" in m.content]) == 1


async def test_the_interviewers_rubric_is_for_judging_the_candidate(harness: BotHarness, mod: SimMember,
                                                                    room: SimChannel, alice: SimMember,
                                                                    bob: SimMember) -> None:
    """The interviewer wrote no answer of their own: the rubric tells them how to use it on the candidate's."""
    await join_all([alice, bob])
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [brief] = briefs(threads(harness.guild)[0])
    interviewer = alice if f"Interviewer: {alice.mention}" in brief.content else bob
    footer = (await interviewer.click(brief, "Rubric (interviewer)")).embeds[0]["footer"]["text"]
    assert "your own answer" not in footer and "candidate" in footer
