"""Custom ids are the member's to forge: a button or form naming another server, another member's
interview or a cancelled round does nothing, and says so. The server, channel and member come
from Discord's interaction fields only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember, SimMessage

from .cogs.test_daily import posts, setup_daily
from .cogs.test_quiz import quizzes


def forged_button(harness: BotHarness, channel: SimChannel, custom_id: str) -> SimMessage:
    """A message carrying a button with ``custom_id``, as a modified client could present one."""
    return harness.sim.new_message(channel, harness.sim.bot_user, {"content": "", "components": [
        {"type": 1, "components": [{"type": 2, "style": 2, "label": "Forged", "custom_id": custom_id}]}]})


def forged_answer_form(custom_id: str) -> dict[str, Any]:
    return {"custom_id": custom_id, "title": "Forged", "components": [
        {"type": 18, "label": "Your answer", "component": {"type": 4, "custom_id": "answer", "style": 2}}]}


async def count(harness: BotHarness, sql: str) -> int:
    return int(await harness.core.db.fetchval(sql))


async def other_server(harness: BotHarness) -> tuple[SimGuild, SimChannel, SimMember]:
    """A second server with its own daily prompt and quiz, set up by its owner."""
    other = harness.sim.create_guild("Other Hall", owner_name="otherowner")
    channel = other.create_text_channel("daily-elsewhere")
    await harness.settle()
    owner = next(m for m in other.members.values() if m.name == "otherowner")
    await setup_daily(owner, channel, time="09:30", zone="UTC")
    await owner.slash("quiz setup", channel=channel, time="09:30", timezone="UTC")
    return other, channel, owner


async def test_a_daily_button_or_answer_form_naming_another_server_does_nothing_here(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember) -> None:
    await setup_daily(mod, daily, time="09:30", zone="UTC")
    other, elsewhere, _ = await other_server(harness)
    await harness.advance_to(datetime(2026, 3, 2, 9, 31, tzinfo=UTC))
    assert posts(elsewhere) and posts(daily)
    day = "20260302"
    answers, streak_days = await count(harness, "SELECT COUNT(*) FROM daily_answers"), await count(
        harness, "SELECT COUNT(*) FROM activity")

    clicked = await alice.click(forged_button(harness, daily, f"studybot:daily:answer:{other.id}:{day}"), "Forged")
    assert clicked.ephemeral and "another server" in clicked.text and clicked.modal is None

    submitted = await alice.submit_modal(forged_answer_form(f"studybot:daily:form:{other.id}:{day}"),
                                         answer="Stored in the wrong server")
    assert submitted.ephemeral and "another server" in submitted.text
    assert await count(harness, "SELECT COUNT(*) FROM daily_answers") == answers
    assert await count(harness, "SELECT COUNT(*) FROM activity") == streak_days
    assert not any("wrong server" in m.text for t in other.threads for m in t.messages)

    own = await alice.submit_modal(forged_answer_form(f"studybot:daily:form:{harness.guild.id}:{day}"),
                                   answer="My own server's answer")
    assert "Saved" in own.text
    assert await harness.core.db.fetchval("SELECT guild_id FROM daily_answers") == harness.guild.id


async def test_a_quiz_pick_naming_another_server_or_a_closed_quiz_records_nothing(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember, bob: SimMember) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:30", timezone="UTC")
    other, elsewhere, _ = await other_server(harness)
    await harness.advance_to(datetime(2026, 3, 2, 9, 31, tzinfo=UTC))
    assert quizzes(elsewhere) and quizzes(daily)
    forged = forged_button(harness, daily, f"studybot:quiz:pick:{other.id}:20260302:0")
    refused = await alice.click(forged, "Forged")
    assert refused.ephemeral and "another server" in refused.text
    assert await count(harness, "SELECT COUNT(*) FROM quiz_answers") == 0

    await harness.advance(hours=13)  # the quiz closed and was revealed
    late = await bob.click(forged_button(harness, daily, f"studybot:quiz:pick:{harness.guild.id}:20260302:1"),
                           "Forged")
    assert late.ephemeral and "This quiz has closed" in late.text
    assert await count(harness, "SELECT COUNT(*) FROM quiz_answers") == 0
    assert await count(harness, "SELECT COUNT(*) FROM activity") == 0


async def test_mock_buttons_for_another_members_interview_or_a_cancelled_round_do_nothing(
        harness: BotHarness, mod: SimMember, general: SimChannel, alice: SimMember, bob: SimMember,
        carol: SimMember) -> None:
    for member in (alice, bob):
        await member.slash("mock join", role="either", level="mid", timezone="UTC", availability="anytime")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=general)
    await mod.slash("mock-admin pair-now")
    group_id = await harness.core.db.fetchval("SELECT id FROM mock_groups")
    for custom_id in (f"studybot:mock:report:{group_id}:met", f"studybot:mock:feedback:{group_id}:{alice.id}",
                      f"studybot:mock:rubric:{group_id}"):
        refused = await carol.click(forged_button(harness, general, custom_id), "Forged")
        assert refused.ephemeral and "not yours" in refused.text and refused.modal is None, custom_id
    assert await harness.core.db.fetchval("SELECT outcome FROM mock_groups") is None

    await mod.slash("mock-admin cancel-round")
    met = await alice.click(forged_button(harness, general, f"studybot:mock:report:{group_id}:met"), "Forged")
    assert met.ephemeral and "was cancelled" in met.text and "nothing was recorded" in met.text
    assert await harness.core.db.fetchval("SELECT outcome FROM mock_groups") is None
    assert await count(harness, "SELECT COUNT(*) FROM activity WHERE kind = 'mock'") == 0
