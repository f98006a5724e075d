"""A trio's "They didn't show", through the local Discord: the reporter names who was missing."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember, SimMessage
from tests.cogs.test_mock import agree_first_time, join_all, room, schedule, threads

__all__ = ["room"]  # the fixture


async def _trio_checkin(harness: BotHarness, mod: SimMember, room: SimChannel, members: list[SimMember]) -> SimMessage:
    """``members`` paired in one group, agreeing its first time; returns the check-in once the round is over."""
    await join_all(members)
    await schedule(mod, room)
    await mod.slash("mock-admin pair-now")
    [thread] = threads(harness.guild)
    await agree_first_time(thread, members)
    await harness.advance(days=7)
    return next(m for m in thread.messages if "How did it go" in m.content)


async def test_a_trio_member_names_who_did_not_show_and_only_they_are_reported(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    """Carol came and Bob did not: Alice's "didn't show" asks whom it is about, and only Bob is reported."""
    checkin = await _trio_checkin(harness, mod, room, [alice, bob, carol])
    asked = await alice.click(checkin, "They didn't show")
    assert asked.ephemeral and "Who did not show?" in asked.text, asked.text
    assert bob.mention in asked.text and carol.mention in asked.text and alice.mention not in asked.text
    reported = await alice.select(asked, [str(bob.id)])
    assert f"Sorry {bob.mention} did not show" in reported.text and carol.mention not in reported.text
    assert "If the two of you who came met, press **We met** too" in reported.text, reported.text
    absent = await harness.core.db.fetchall("SELECT user_id FROM mock_noshows")
    assert [row[0] for row in absent] == [bob.id]
    assert "No-shows reported\n1" in (await mod.slash("mock-admin stats")).text


async def test_a_trio_report_naming_someone_outside_the_group_records_nothing(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    """The picked ids come from the member's client: one that is not a partner of theirs is refused."""
    checkin = await _trio_checkin(harness, mod, room, [alice, bob, carol])
    asked = await alice.click(checkin, "They didn't show")
    select = asked.message.components[0]["components"][0]
    select["options"].append({"label": "Someone else", "value": str(mod.id)})
    select["max_values"] = 3
    refused = await alice.select(asked, [str(mod.id)])
    assert refused.ephemeral and "nothing was recorded" in refused.text, refused.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_noshows") == 0
    assert await harness.core.db.fetchval("SELECT outcome FROM mock_groups") is None


async def test_a_pair_keeps_its_one_press(harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember,
                                          bob: SimMember) -> None:
    checkin = await _trio_checkin(harness, mod, room, [alice, bob])
    reported = await alice.click(checkin, "They didn't show")
    assert "Sorry your partner did not show" in reported.text and not reported.button_labels
    assert [row[0] for row in await harness.core.db.fetchall("SELECT user_id FROM mock_noshows")] == [bob.id]


async def test_we_met_in_a_trio_keeps_the_report_about_the_member_who_did_not_come(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    """Alice and Carol met without Bob: Carol's "We met" records the meeting, credits only those who came and
    leaves Alice's report about Bob standing."""
    checkin = await _trio_checkin(harness, mod, room, [alice, bob, carol])
    await alice.select(await alice.click(checkin, "They didn't show"), [str(bob.id)])
    met = await carol.click(checkin, "We met")
    assert "withdrawn" not in met.text and f"not {bob.mention}, reported absent" in met.text, met.text
    assert [row[0] for row in await harness.core.db.fetchall("SELECT user_id FROM mock_noshows")] == [bob.id]
    assert await harness.core.db.fetchval("SELECT outcome FROM mock_groups") == "met"
    credited = await harness.core.db.fetchall("SELECT DISTINCT user_id FROM activity WHERE kind = 'mock'")
    assert {row[0] for row in credited} == {alice.id, carol.id}
    stats = (await mod.slash("mock-admin stats")).text
    assert "No-shows reported\n1" in stats and "1 of 1" in stats


async def test_a_trio_reporter_who_confirms_a_disputed_report_withdraws_it(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    """Bob says he came: Alice, asked, presses "We met" herself, and her report about him goes."""
    checkin = await _trio_checkin(harness, mod, room, [alice, bob, carol])
    await alice.select(await alice.click(checkin, "They didn't show"), [str(bob.id)])
    assert f"{alice.mention} reported that you did not show" in (await bob.click(checkin, "We met")).text
    met = await alice.click(checkin, "We met")
    assert f'report about {bob.mention} is withdrawn' in met.text and "everyone's streak" in met.text, met.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_noshows") == 0
    credited = await harness.core.db.fetchall("SELECT DISTINCT user_id FROM activity WHERE kind = 'mock'")
    assert {row[0] for row in credited} == {alice.id, bob.id, carol.id}
