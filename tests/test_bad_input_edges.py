"""Input that is valid piece by piece, or at the edge of a range, through the local Discord.

Each case once ended in the generic failure, in a reply Discord refused (so the member saw
"the application did not respond"), in a half-shown answer, or in text shown as the bot's own
formatting. Each now gets a clear ephemeral message, or is stored and shown whole.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.error_handler import GENERIC_FAILURE
from bot.localdiscord import BotHarness, InteractionFailed, Reply, SimChannel, SimMember, SimUpload
from tests.cogs.test_daily import posts, setup_daily
from tests.cogs.test_mock import met_after_a_round
from tests.cogs.test_mock_meetings import brief, join, room, start_round, thread_of  # noqa: F401 - room: a fixture
from tests.cogs.test_suggestions import mods  # noqa: F401 - a fixture

POSTED = datetime(2026, 3, 2, 9, 1, tzinfo=UTC)


async def answered(who: SimMember, command: str, **options: Any) -> Reply:
    """The reply to ``command``: sent (Discord refused no payload), private, and not the generic failure."""
    before = len(who.sim.errors)
    try:
        reply = await who.slash(command, **options)
    except InteractionFailed as failed:
        pytest.fail(f"no answer at all ({failed}); Discord refused {[e.body for e in who.sim.errors[before:]]}")
    refused = who.sim.errors[before:]
    del who.sim.errors[before:]
    assert not refused, f"Discord refused the reply: {[e.body for e in refused]}"
    assert reply.ephemeral and GENERIC_FAILURE not in reply.text, reply.text
    return reply


@pytest.mark.parametrize("command", ["cards study", "cards stats", "cards settings"])
async def test_a_long_unknown_deck_name_is_refused_in_a_reply_that_fits(
        harness: BotHarness, alice: SimMember, daily: SimChannel, command: str) -> None:
    reply = await answered(alice, command, in_channel=daily, deck="x" * 3000)
    assert "no deck" in reply.text and len(reply.text) < 2000


async def test_a_long_date_for_the_best_answer_is_refused_briefly(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    await harness.advance_to(POSTED)
    [post] = posts(daily)
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer="My answer, long enough.")
    reply = await answered(mod, "daily best", in_channel=daily, member=alice, date="2026-03-02 " + "x" * 3000)
    assert "is not a date" in reply.text


@pytest.mark.parametrize(("zone", "text"), [("America/New_York", "9999-12-31 23:59"),
                                            ("Europe/Berlin", "0001-01-01 00:30")])
async def test_a_proposed_time_years_away_is_refused_and_nothing_is_stored(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember,  # noqa: F811
        zone: str, text: str) -> None:
    await join(alice, zone)
    await join(bob, "Europe/Berlin")
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    offered = await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_time_options")
    reply = await alice.submit_modal(await alice.click(brief(thread), "Propose another time"), when=text)
    assert reply.ephemeral and "not within this round" in reply.text, reply.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_time_options") == offered


async def test_scheduling_rounds_from_a_thread_asks_for_a_text_channel(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    await harness.advance_to(POSTED)
    [post] = posts(daily)
    reply = await answered(mod, "mock-admin schedule", in_channel=post.thread, cadence="weekly", weekday="fri",
                           time="10:00", timezone="UTC")
    assert "text channel" in reply.text and "`channel`" in reply.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_schedule") == 0


@pytest.mark.parametrize("zone", ["localtime", "Factory"])
async def test_zone_names_that_are_not_places_are_neither_offered_nor_stored(
        harness: BotHarness, alice: SimMember, daily: SimChannel, zone: str) -> None:
    offered = [c["value"] for c in await alice.autocomplete("streak timezone", "timezone", zone[:5], in_channel=daily)]
    reply = await alice.slash("streak timezone", in_channel=daily, timezone=zone)
    assert zone not in offered and "not a timezone I know" in reply.text
    assert await harness.core.db.fetchval("SELECT timezone FROM user_settings WHERE user_id = ?", (alice.id,)) is None


async def test_a_document_whose_every_card_fails_gets_a_reply_that_fits(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    text = "Frequently Asked Questions\n" + "".join(
        f"{i}. Why {chr(96 + i) * 600}?\nBecause the answer is long enough.\n" for i in range(1, 6))
    reply = await answered(mod, "content import", in_channel=daily,
                           document=SimUpload("notes.md", text.encode(), "text/markdown"))
    assert "no card" not in reply.text or len(reply.text) < 2000
    assert GENERIC_FAILURE not in reply.text


async def test_a_question_asked_twice_in_a_document_becomes_one_card(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    entry = "1. What is a cache?\nA store of recent results, kept close to whoever reads them again.\n"
    text = "Frequently Asked Questions\n" + entry + entry
    await answered(mod, "content import", in_channel=daily, document=SimUpload("notes.md", text.encode(),
                                                                               "text/markdown"))
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM suggestions") == 1


async def test_a_score_that_is_a_digit_but_not_a_number_is_refused(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:  # noqa: F811
    _thread, met, label = await met_after_a_round(harness, mod, room, alice, bob)
    reply = await alice.submit_modal(await alice.click(met, label), communication="²", depth="4", tradeoffs="4")
    assert reply.ephemeral and "1 to 5" in reply.text and GENERIC_FAILURE not in reply.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM mock_feedback") == 0


async def test_a_full_length_answer_full_of_markdown_is_shown_whole(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    await harness.advance_to(POSTED)
    [post] = posts(daily)
    answer = ("Cache by user_id and tenant_id; shard on `request_id`. " * 80)[:4000].strip()
    done = await alice.submit_modal(await alice.click(post, "Submit answer"), answer=answer)
    assert "Saved and posted" in done.text
    [shown] = [m for m in post.thread.messages if m.content.startswith("Answer from")]
    description = shown.embeds[0]["description"]
    assert description.startswith("```") and answer.replace("`", "ˋ") in description


async def test_a_prompt_suggestion_using_every_field_fully_reaches_the_reviewers(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel) -> None:  # noqa: F811
    await mod.slash("review channel", channel=mods)
    form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="Feature store at scale")
    done = await alice.submit_modal(
        form, scenario=("Design a feature store with per-tenant quotas and p99 under 30 ms. " * 30)[:1800],
        constraints="\n".join(f"Constraint {i}: " + "c" * 180 for i in range(5)),
        follow_ups="\n".join(f"Follow-up {i}: what happens when " + "f" * 200 + "?" for i in range(4)),
        hints="\n".join(f"Hint {i}: " + "h" * 230 for i in range(5)),
        rubric="\n".join(f"Rubric {i}: " + "r" * 228 for i in range(8)))
    assert "suggestion **#1**" in done.text
    assert not harness.sim.errors
    [queued] = [m for m in mods.messages if m.embeds]
    assert "cut to fit" in str(queued.embeds[0])
    shown = await answered(mod, "review queue")
    assert shown.button_labels == ["Approve", "Edit", "Edit hints", "Reject"]


async def test_a_new_server_prompt_never_takes_the_id_of_a_removed_one(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    fields = dict(scenario="Members of a 5,000-person study server review flashcards daily and keep streaks.",
                  constraints="5,000 members\n20,000 reviews a day",
                  follow_ups="How is a grade kept once?\nWhat about DST?", rubric="An idempotent grade\nLocal days")
    for title in ("First server prompt", "Second server prompt"):
        await mod.submit_modal(await mod.slash("daily add", kind="design", difficulty="hard"), title=title, **fields)
    await mod.click(await mod.slash("content remove", item=f"custom-{harness.guild.id}-2"), "Remove it")
    third = await mod.submit_modal(await mod.slash("daily add", kind="design", difficulty="hard"),
                                   title="Third server prompt", **fields)
    assert "Added" in third.text, third.text
    ids = [row[0] for row in await harness.core.db.fetchall("SELECT item_id FROM server_items ORDER BY item_id")]
    assert ids == [f"custom-{harness.guild.id}-1", f"custom-{harness.guild.id}-3"]


async def test_a_cancel_reason_is_shown_as_plain_text(
        harness: BotHarness, mod: SimMember, room: SimChannel, alice: SimMember, bob: SimMember) -> None:  # noqa: F811
    await join(alice, "Europe/Berlin")
    await join(bob, "Europe/Berlin")
    await start_round(mod, room)
    thread = thread_of(harness.guild, alice)
    await alice.submit_modal(await alice.click(brief(thread), "Propose another time"), when="Thu 19:00")
    await bob.click(next(m for m in thread.messages if "Accept this time" in m.button_labels), "Accept this time")
    confirmed = next(m for m in thread.messages if "Cancel interview" in m.button_labels)
    await alice.submit_modal(await alice.click(confirmed, "Cancel interview"),
                             reason="[Re-verify your account](https://evil.example)")
    shown = next(m for m in thread.messages if "cancelled this interview" in m.content)
    assert not re.search(r"(?<!\\)\[[^\]\n]*\]\(", shown.content), shown.content
