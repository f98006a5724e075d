"""Suggestions and the review queue through the local Discord, as members and moderators see them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.localdiscord import BotHarness, CommandForbidden, SimChannel, SimMember

GOOD_CARD = {
    "front": "What does a reranker add after vector search?",
    "back": "It re-scores the top candidates with a slower cross-encoder, trading latency for precision.",
    "topic": "Retrieval, Ranking",
    "wrong_answers": "It embeds the query a second time with a larger model, trading index size for recall.\n"
                     "It swaps the vector index for a keyword index, trading meaning for exact terms.\n"
                     "It caches answers per user, trading freshness for speed on repeated questions.",
}
# A back a moderator's edit gives the card: as long as its wrong answers, so the quiz options stay fair.
EDITED_BACK = "Edited by a moderator: it re-scores the best candidates, giving up some speed for precision."
GOOD_PROMPT = {
    "scenario": "Design an LLM gateway for 40 internal teams that enforces per-team token budgets and keeps "
                "p99 latency overhead under 30 ms.",
    "constraints": "40 teams, 2k requests per second at peak\nBudgets reset daily\nProviders fail 1% of calls",
    "follow_ups": "How do you enforce a budget across regions?\nWhat happens when a provider is down?",
    "hints": "Separate the hot path from accounting",
    "rubric": "Budget enforcement with bounded overspend\nFailover with retries and idempotency\nObservability",
}


@pytest.fixture
async def mods(harness: BotHarness) -> SimChannel:
    return harness.guild.create_text_channel("mods")


async def suggest_card(member: SimMember, **fields: str) -> str:
    form = await member.slash("suggest card")
    assert form.modal is not None
    done = await member.submit_modal(form, **{**GOOD_CARD, **fields})
    assert done.ephemeral
    return done.text


async def count(harness: BotHarness, table: str) -> int:
    return int(await harness.core.db.fetchval(f"SELECT COUNT(*) FROM {table}", default=0))  # noqa: S608


async def test_a_bad_card_gets_the_pack_validators_message_and_stores_nothing(
        harness: BotHarness, alice: SimMember) -> None:
    text = await suggest_card(alice, front="Why?", back="ok", topic="RAG!", wrong_answers="no\nno")
    assert "does not fit the pack format" in text
    assert "**Front (the question)**: String should have at least 5 characters" in text
    assert "**Back (the answer)**: String should have at least 3 characters" in text
    assert "Topic" in text and "should match pattern" in text
    assert "nothing was saved" in text
    assert await count(harness, "suggestions") == 0


async def test_a_bad_prompt_is_refused_with_the_validators_message(harness: BotHarness, alice: SimMember) -> None:
    form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="Gateway")
    done = await alice.submit_modal(form, **{**GOOD_PROMPT, "scenario": "Too short", "follow_ups": "Only one?"})
    assert "**Scenario**: String should have at least 40 characters" in done.text
    assert "**Follow-up questions**: List should have at least 2 items" in done.text
    assert await count(harness, "suggestions") == 0


async def test_a_title_the_pack_rules_refuse_is_refused_before_the_form_is_typed(
        harness: BotHarness, alice: SimMember) -> None:
    """The title comes with the command, not in the form: one too short for the pack rules is refused before the
    member types the scenario, constraints and rubric. Refused on submitting, all of that would be lost, with no
    title in the form to correct."""
    with pytest.raises(AssertionError, match="only sends 3-246 characters for 'title'"):
        await alice.slash("suggest prompt", kind="design", difficulty="hard", title="AI")
    form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="RAG")
    done = await alice.submit_modal(form, **GOOD_PROMPT)
    assert "suggestion **#1**" in done.text, done.text


async def test_approved_card_joins_the_deck_credited_and_the_author_is_told(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, mods: SimChannel) -> None:
    await mod.slash("review channel", channel=mods)
    text = await suggest_card(alice)
    assert "suggestion **#1**" in text
    [queued] = [m for m in mods.messages if m.embeds]
    assert queued.button_labels == ["Approve", "Edit", "Reject"]
    assert "Card suggestion #1" in queued.embeds[0]["title"]
    denied = await bob.click(queued, "Approve")
    assert denied.ephemeral and "Manage Server" in denied.text and await count(harness, "server_items") == 0
    approved = await mod.click(queued, "Approve")
    assert approved.message is not None and approved.button_labels == []
    assert "approved" in queued.embeds[0]["fields"][-2]["value"]
    [dm] = alice.dms
    assert "approved" in dm.content and "credited to you" in dm.content
    again = await mod.click(approved, "Approve") if approved.button_labels else None
    assert again is None
    mine = await alice.slash("suggest mine")
    assert "#1" in mine.text and "approved" in mine.text
    # the card is in the server's own deck at once, credited to its author
    seen = []
    screen = await bob.slash("cards study", deck="server")
    for _ in range(80):
        if "Reveal" not in screen.button_labels:
            break
        seen.append(screen.embeds[0])
        back = await bob.click(screen, "Reveal")
        screen = await bob.click(back, [label for label in back.button_labels if label.startswith("Good")][0])
    card = [e for e in seen if GOOD_CARD["front"] in e["description"]]
    assert card and "Suggested by" in str(card[0])


async def test_a_decided_suggestion_cannot_be_decided_again(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel) -> None:
    await mod.slash("review channel", channel=mods)
    await suggest_card(alice)
    queued = await mod.slash("review queue")
    reject_form = await mod.click(queued, "Reject")
    rejected = await mod.submit_modal(reject_form, reason="Too close to an existing card")
    assert "rejected" in str(rejected.embeds)
    later = await mod.slash("review queue", suggestion=1)
    assert later.button_labels == []
    # the channel copy still has its buttons only if it was not updated: it must have been
    [queued_in_channel] = [m for m in mods.messages if m.embeds]
    assert queued_in_channel.button_labels == []
    [dm] = alice.dms
    assert "was not accepted" in dm.content and "Too close to an existing card" in dm.content
    assert await count(harness, "server_items") == 0


async def test_concurrent_approvals_decide_once(harness: BotHarness, guild, mod: SimMember, alice: SimMember,
                                                mods: SimChannel) -> None:
    other = guild.add_member("mod2", manage_guild=True)
    await mod.slash("review channel", channel=mods)
    await suggest_card(alice)
    [queued] = [m for m in mods.messages if m.embeds]
    first = mod.start_click(queued, "Approve")
    second = other.start_click(queued, "Approve")
    await harness.sim.settle()
    replies = [i.response_data for i in (first, second)]
    assert await count(harness, "server_items") == 1
    assert any("already approved" in str(r) for r in replies)
    assert len(alice.dms) == 1


async def test_edit_opens_prefilled_and_approves_the_edited_version(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="LLM gateway budgets")
    await alice.submit_modal(form, **GOOD_PROMPT)
    queued = await mod.slash("review queue")
    edit = await mod.click(queued, "Edit")
    assert edit.modal is not None
    values = {row.get("component", {}).get("custom_id") or row["components"][0]["custom_id"]:
              (row.get("component") or row["components"][0]).get("value") for row in edit.modal["components"]}
    assert values["title"] == "LLM gateway budgets" and values["scenario"] == GOOD_PROMPT["scenario"]
    bad = await mod.submit_modal(edit, title="x")
    assert "**Title**: String should have at least 3 characters" in bad.text
    done = await mod.submit_modal(edit, title="LLM gateway with team budgets")
    assert "approved" in str(done.embeds)
    row = await harness.core.db.fetchone("SELECT data, origin, author_id FROM server_items")
    assert "LLM gateway with team budgets" in row["data"] and row["origin"] == "suggested"
    assert row["author_id"] == alice.id
    [dm] = alice.dms
    assert "with a moderator's edits" in dm.content


async def test_a_prompts_hints_are_edited_before_the_decision_and_approved_with_it(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, mods: SimChannel) -> None:
    await mod.slash("review channel", channel=mods)
    await suggest_card(alice)
    [card] = [m for m in mods.messages if m.embeds]
    assert "Edit hints" not in card.button_labels  # a card has no hints
    form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="LLM gateway budgets")
    await alice.submit_modal(form, **GOOD_PROMPT)
    queued = [m for m in mods.messages if m.embeds][-1]
    assert queued.button_labels == ["Approve", "Edit", "Edit hints", "Reject"]
    refused = await bob.click(queued, "Edit hints")
    assert refused.ephemeral and "Manage Server" in refused.text and refused.modal is None
    opened = await mod.click(queued, "Edit hints")
    assert opened.modal is not None
    assert "Separate the hot path from accounting" in str(opened.modal["components"])
    too_short = await mod.submit_modal(opened, hints="ok")
    assert too_short.ephemeral and "**Hints (line 1)**: String should have at least 3 characters" in too_short.text
    assert "Separate the hot path from accounting" in str(queued.embeds[0])  # nothing was changed
    saved = await mod.submit_modal(opened, hints="Meter tokens off the hot path\nBudget per region, reconcile later")
    assert saved.type == 7  # the queue message itself now shows the new hints, still waiting
    assert "Meter tokens off the hot path" in str(queued.embeds[0])
    assert queued.button_labels == ["Approve", "Edit", "Edit hints", "Reject"]
    assert await count(harness, "server_items") == 0  # nothing decided yet
    await mod.click(queued, "Approve")
    row = await harness.core.db.fetchone("SELECT data FROM server_items WHERE data LIKE '%gateway%'")
    assert "Meter tokens off the hot path" in row["data"] and "Separate the hot path" not in row["data"]
    audit = await mod.slash("studybot audit")
    assert "edited a waiting suggestion" in audit.text


async def test_members_cannot_open_the_queue(harness: BotHarness, alice: SimMember) -> None:
    with pytest.raises(CommandForbidden):
        await alice.slash("review queue")


async def test_an_approved_prompt_enters_the_daily_rotation(harness: BotHarness, mod: SimMember,
                                                            alice: SimMember) -> None:
    form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="LLM gateway budgets")
    await alice.submit_modal(form, **GOOD_PROMPT)
    await mod.click(await mod.slash("review queue"), "Approve")
    await mod.slash("daily setup", channel=harness.guild.channel("daily"), time="10:00", timezone="UTC")
    pool = await harness.bot.get_cog("Daily").service.repo.custom_prompts(harness.guild.id)
    assert [p.title for p in pool] == ["LLM gateway budgets"]
    await asyncio.sleep(0)


async def test_privacy_delete_anonymises_the_author_but_keeps_the_card(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    await suggest_card(alice)
    await suggest_card(alice, front="Which metric tells you retrieval found the right passage?")
    await mod.click(await mod.slash("review queue"), "Approve")
    first = await alice.slash("privacy delete")
    await alice.click(first, "Delete my data")
    from bot.admin.privacy import PrivacyService
    assert await PrivacyService(harness.core.db).tables_holding(alice.id) == []
    rows = await harness.core.db.fetchall("SELECT author_id FROM server_items")
    assert [r[0] for r in rows] == [0]
    screen = await bob.slash("cards study", deck="server")
    assert "Suggested by a former member" in str(screen.embeds)


async def test_reviewers_see_the_validators_near_duplicate_warning(harness: BotHarness, mod: SimMember,
                                                                   alice: SimMember) -> None:
    shipped = harness.core.content.library.flashcards[0]
    await suggest_card(alice, front=shipped.front, back="A different answer in the member's own words.")
    queued = await mod.slash("review queue")
    assert f"nearly the same as {shipped.id}" in str(queued.embeds) and "merge or reword" in str(queued.embeds)


async def test_a_decision_cut_off_before_the_dm_is_told_once_after_a_restart(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel) -> None:
    await mod.slash("review channel", channel=mods)
    await suggest_card(alice)
    service = harness.bot.get_cog("Review").service
    await service.approve(harness.guild.id, 1, mod.id)  # committed; the process "dies" before any Discord call
    assert alice.dms == []
    await harness.restart()
    [dm] = alice.dms
    assert "approved" in dm.content
    [queued] = [m for m in mods.messages if m.embeds]
    assert queued.button_labels == [] and "approved" in str(queued.embeds)
    await harness.restart()
    assert len(alice.dms) == 1


async def test_only_the_process_serving_a_server_tells_its_untold_decisions_at_start(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel) -> None:
    """With the shards split over processes, each process finishes at start only its own servers' decisions:
    another one cannot see the review channel and would name the server "the server" in the DM."""
    await mod.slash("review channel", channel=mods)
    await suggest_card(alice)
    service = harness.bot.get_cog("Review").service
    await service.approve(harness.guild.id, 1, mod.id)  # committed; the process "dies" before any Discord call
    await harness.stop()
    own_shard = (harness.guild.id >> 22) % 2
    for shard in (1 - own_shard, own_shard):  # the other shard's process starts first
        async with harness.process_serving(str(shard), 2) as process:
            if shard != own_shard:
                assert alice.dms == [], [m.content for m in alice.dms]
                assert await process.core.db.fetchval(
                    "SELECT COUNT(*) FROM suggestions WHERE author_told_at IS NULL") == 1
    [told] = alice.dms
    assert f"In **{harness.guild.name}**" in told.content and "approved" in told.content
    [queued] = [m for m in mods.messages if m.embeds]
    assert queued.button_labels == [] and "approved" in str(queued.embeds)


async def test_forms_left_open_across_a_restart_still_work(harness: BotHarness, mod: SimMember,
                                                           alice: SimMember) -> None:
    card_form = await alice.slash("suggest card")
    prompt_form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="LLM gateway budgets")
    long_form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="A" * 120)
    await harness.restart()
    assert "suggestion **#1**" in (await alice.submit_modal(card_form, **GOOD_CARD)).text
    assert "suggestion **#2**" in (await alice.submit_modal(prompt_form, **GOOD_PROMPT)).text
    lost = await alice.submit_modal(long_form, **GOOD_PROMPT)
    assert "opened before studybot restarted" in lost.text and await count(harness, "suggestions") == 2
    edit = await mod.click(await mod.slash("review queue"), "Edit")
    reject = await mod.click(await mod.slash("review queue", suggestion=2), "Reject")
    await harness.restart()
    assert "approved" in str((await mod.submit_modal(edit, back="Edited after a restart: it re-scores the top candidates, giving up some speed for precision.")).embeds)
    assert "rejected" in str((await mod.submit_modal(reject, reason="Needs numbers")).embeds)
    assert len(alice.dms) == 2


async def test_a_decision_dm_discord_could_not_take_for_now_is_sent_at_the_next_start(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    await suggest_card(alice)
    queued = await mod.slash("review queue")
    harness.sim.faults.fail_next(503, 1, route_contains="/messages")  # the DM, after the queue message's edit
    await mod.click(queued, "Approve")
    assert alice.dms == []
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM suggestions WHERE author_told_at IS NULL") == 1
    harness.sim.faults.fail_next(503, 1, route_contains="/messages")  # and once more, at the next start
    await harness.restart()
    assert alice.dms == []  # not counted as refused: the decision waits for a start Discord answers
    await harness.restart()
    [told] = alice.dms
    assert "approved" in told.content
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM suggestions WHERE author_told_at IS NULL") == 0


async def test_a_decision_dm_sent_just_before_a_crash_is_not_sent_again(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    from cogs.community.embeds import author_notice
    from cogs.community.messages import dm

    await suggest_card(alice)
    decision = await harness.bot.get_cog("Review").service.approve(harness.guild.id, 1, mod.id)
    # The decision's steps: the DM goes out, then the process dies before recording that the author was told.
    await dm(harness.bot, alice.id, author_notice(decision.suggestion, harness.guild.name))
    await harness.restart()
    assert len(alice.dms) == 1, [m.content for m in alice.dms]
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM suggestions WHERE author_told_at IS NULL") == 0


async def test_an_approval_with_edits_cut_off_by_a_crash_is_told_as_one_with_edits_once(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    from cogs.community.embeds import author_notice
    from cogs.community.messages import dm

    await suggest_card(alice)
    await suggest_card(bob)
    service = harness.bot.get_cog("Review").service
    sent = await service.approve(harness.guild.id, 1, mod.id, edited={"back": EDITED_BACK})
    await service.approve(harness.guild.id, 2, mod.id, edited={
        "back": "Also edited: a cross-encoder re-scores the top candidates, trading some latency for precision."})
    # Alice's DM went out before the process died; Bob's had not yet.
    await dm(harness.bot, alice.id, author_notice(sent.suggestion, harness.guild.name, edited=True))
    await harness.restart()
    assert len(alice.dms) == 1, [m.content for m in alice.dms]
    [told] = bob.dms
    assert "approved with a moderator's edits" in told.content


def _text_inputs(modal: dict) -> dict[str, dict]:
    found = {}
    for row in modal.get("components") or []:
        for item in row.get("components") or ([row["component"]] if row.get("component") else []):
            if item.get("type") == 4:
                found[item["custom_id"]] = item
    return found


async def test_the_edit_form_of_a_suggested_card_holds_its_own_topic(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    topic = ",".join(f"topic{i}-" + "x" * 23 for i in range(8))  # 8 tags, 247 characters: the form takes it
    form = await alice.slash("suggest card")
    done = await alice.submit_modal(form, front="What does a reranker add after vector search?",
                                    back="It re-scores the top candidates with a cross-encoder.", topic=topic,
                                    wrong_answers="")
    assert "suggestion **#1**" in done.text, done.text
    edit = await mod.click(await mod.slash("review queue"), "Edit")
    assert edit.modal is not None
    field = _text_inputs(edit.modal)["topic"]
    assert len(field["value"]) <= field["max_length"] and field["value"].split(", ") == topic.split(",")
    saved = await mod.submit_modal(edit, front="What does a reranker add after vector search?",
                                   back="It re-scores the top candidates with a cross-encoder.",
                                   topic=field["value"], wrong_answers="")
    assert "Something went wrong" not in saved.text


async def test_a_long_suggested_title_is_shortened_at_a_word_in_the_form(harness: BotHarness, alice: SimMember) -> None:
    form = await alice.slash("suggest prompt", kind="design", difficulty="hard",
                             title="Rate-limit an LLM gateway for many tenants with budgets")
    assert form.modal is not None
    assert form.modal["title"] == "Suggest: Rate-limit an LLM gateway for many…"  # 44 characters, whole words


def _queue_messages(mods: SimChannel) -> list:
    return [m for m in mods.messages if m.embeds and "suggestion #" in m.embeds[0].get("title", "")]


async def _die(*args: object, **kwargs: object) -> None:
    raise RuntimeError("the process died here")


async def suggested_and_died_after_the_claim(mod: SimMember, member: SimMember, mods: SimChannel,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The review channel set, ``member`` suggests a card and the process dies right after the queue message is
    claimed, before it is sent: what a restart (or a decision meanwhile) must finish."""
    from bot.community import ReviewQueue

    await mod.slash("review channel", channel=mods)
    claim = ReviewQueue.claim

    async def claimed_then_died(self: ReviewQueue, suggestion_id: int, channel_id: int) -> bool:
        await claim(self, suggestion_id, channel_id)
        raise RuntimeError("the process died here")

    monkeypatch.setattr(ReviewQueue, "claim", claimed_then_died)
    await suggest_card(member)
    monkeypatch.undo()


async def test_a_queue_message_sent_just_before_a_crash_is_found_once_and_updated_by_a_later_decision(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.community import ReviewQueue

    await mod.slash("review channel", channel=mods)
    # The message goes out; the process dies before its id is recorded.
    monkeypatch.setattr(ReviewQueue, "record", _die)
    await suggest_card(alice)
    monkeypatch.undo()
    [queued] = _queue_messages(mods)
    await harness.restart()
    await harness.restart()
    assert _queue_messages(mods) == [queued], "the queue message was posted again after a restart"
    assert queued.button_labels == ["Approve", "Edit", "Reject"]
    await mod.click(await mod.slash("review queue"), "Approve")
    assert queued.button_labels == [] and "approved" in str(queued.embeds)


async def test_a_queue_message_claimed_but_never_sent_is_sent_once_after_a_restart(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel,
        monkeypatch: pytest.MonkeyPatch) -> None:
    await suggested_and_died_after_the_claim(mod, alice, mods, monkeypatch)
    assert _queue_messages(mods) == []
    await harness.restart()
    [queued] = _queue_messages(mods)
    assert queued.button_labels == ["Approve", "Edit", "Reject"]
    await harness.restart()
    assert _queue_messages(mods) == [queued]
    reject = await mod.click(await mod.slash("review queue"), "Reject")
    await mod.submit_modal(reject, reason="Too close to an existing card")
    assert queued.button_labels == [] and "rejected" in str(queued.embeds)


async def test_a_suggestion_decided_while_its_queue_message_was_unsent_is_not_posted(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.community import SuggestionService

    await suggested_and_died_after_the_claim(mod, alice, mods, monkeypatch)
    await harness.bot.services.get(SuggestionService).approve(harness.guild.id, 1, mod.id)
    await harness.restart()
    assert _queue_messages(mods) == []
    [told] = alice.dms
    assert "approved" in told.content
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM suggestions WHERE queue_claimed_at IS NOT NULL") == 0


async def test_a_review_channel_closed_to_the_bot_keeps_the_suggestion_in_the_queue_and_settings_say_why(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel) -> None:
    await mod.slash("review channel", channel=mods)
    mods.deny(harness.sim.bot_user.id, "send_messages")  # the bot asks Discord nothing it would refuse
    await harness.settle()
    assert "waits for a moderator's review" in await suggest_card(alice)
    assert mods.messages == []
    queued = await mod.slash("review queue")
    assert "#1" in queued.text
    shown = await mod.slash("studybot settings show")
    field = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Suggestion review"]
    assert f"Channel: {mods.mention}" in field and "Send Messages" in field


async def test_a_decision_made_after_the_bot_lost_sight_of_the_review_channel_asks_discord_nothing_it_refuses(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel) -> None:
    """The queue message went out; then the bot lost View Channel in the moderators' channel. Deciding from
    `/review queue` still decides and tells the author, and the bot does not ask Discord to edit a message in a
    channel it cannot see: the refusal would count against Discord's invalid-request limit."""
    await mod.slash("review channel", channel=mods)
    await suggest_card(alice)
    [queued] = _queue_messages(mods)
    mods.deny(harness.sim.bot_user.id, "view_channel")
    await harness.settle()
    waiting = await mod.slash("review queue")
    approved = await mod.click(waiting, "Approve")
    assert "approved" in str(approved.embeds) and await count(harness, "server_items") == 1
    [dm] = alice.dms
    assert "approved" in dm.content
    assert queued.button_labels == ["Approve", "Edit", "Reject"]  # out of the bot's sight: left as it was


async def test_a_queue_message_discord_could_not_take_for_now_is_posted_while_the_bot_runs(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel) -> None:
    await mod.slash("review channel", channel=mods)
    harness.sim.faults.fail_next(503, 1, route_contains="/messages")  # the queue message, once
    await suggest_card(alice)
    assert _queue_messages(mods) == []
    await harness.advance_to(harness.core.clock.now() + timedelta(hours=1))  # no restart in between
    [queued] = _queue_messages(mods)
    assert queued.button_labels == ["Approve", "Edit", "Reject"]
    await harness.advance_to(harness.core.clock.now() + timedelta(hours=1))
    assert _queue_messages(mods) == [queued]


async def test_a_decision_dm_discord_could_not_take_for_now_is_sent_while_the_bot_runs(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    await suggest_card(alice)
    queued = await mod.slash("review queue")
    harness.sim.faults.fail_next(503, 2, route_contains="/messages")  # the DM, and its first retry
    await mod.click(queued, "Approve")
    assert alice.dms == []
    await harness.advance_to(harness.core.clock.now() + timedelta(hours=1))  # no restart in between
    [told] = alice.dms
    assert "approved" in told.content
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM suggestions WHERE author_told_at IS NULL") == 0


async def test_hints_saved_while_another_moderator_approves_are_not_lost(
        harness: BotHarness, guild, mod: SimMember, alice: SimMember, mods: SimChannel) -> None:
    """A suggestion is decided once, on what the reviewers see: hints saved as another moderator approves are
    either in the approved prompt or refused as already decided, never confirmed and then dropped."""
    other = guild.add_member("mod2", manage_guild=True)
    await mod.slash("review channel", channel=mods)
    form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="LLM gateway budgets")
    await alice.submit_modal(form, **GOOD_PROMPT)
    [queued] = [m for m in mods.messages if m.embeds]
    hints_form = await mod.click(queued, "Edit hints")
    saving = mod.start_submit_modal(hints_form, hints="Meter tokens where the request enters")
    approving = other.start_click(queued, "Approve")
    await harness.sim.settle()
    replies = [str(i.response_data) for i in (saving, approving)]
    saved = "Hints edited" in replies[0]
    data = await harness.core.db.fetchval("SELECT data FROM server_items")
    assert saved or "already approved" in replies[0], replies  # the one told its hints are saved finds them approved
    assert not saved or "Meter tokens where the request enters" in data, (replies, data)


async def test_a_suggestions_masked_link_stays_inert_in_the_queue_list_and_in_suggest_mine(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """README: suggestions shown inside the bot's own messages have their masked links escaped; the queue's list
    and the author's own list name each suggestion by its front, so a front must not become a link there."""
    front = "[Official notice](https://example.com/verify) What does a reranker add after vector search?"
    assert "suggestion **#1**" in await suggest_card(alice, front=front)
    listed = (await mod.slash("review queue")).embeds[0]["description"]
    assert " [Official notice](" not in listed and "\\[Official notice](" in listed, listed
    mine = (await alice.slash("suggest mine")).embeds[0]["description"]
    assert " [Official notice](" not in mine and "\\[Official notice](" in mine, mine


async def test_an_approved_cards_text_reads_to_members_as_the_moderators_reviewed_it(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    """The queue shows a suggestion as plain text: a masked link there reads as its brackets and address. Once
    approved, the card must read the same to members, not become a link the moderator never saw."""
    front = "[Official notice](https://example.com/verify) What does a **reranker** add after vector search?"
    await suggest_card(alice, front=front)
    reviewed = (await mod.slash("review queue")).embeds[1]["description"]
    assert "\\[Official notice](" in reviewed, reviewed
    await mod.click(await mod.slash("review queue"), "Approve")
    screen = await bob.slash("cards study", deck="server")
    assert screen.embeds[0]["description"] == reviewed.split("\n\n")[0], screen.embeds[0]["description"]
    back = await bob.click(screen, "Reveal")
    assert back.embeds[0]["description"] == reviewed, back.embeds[0]["description"]


async def test_an_approved_prompt_is_posted_as_the_moderators_reviewed_it(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    scenario = ("# Server notice\nDesign an LLM gateway for 40 internal teams; [verify your account](https://example.com)"
                " to keep p99 latency overhead under 30 ms.")
    form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="LLM gateway budgets")
    await alice.submit_modal(form, **{**GOOD_PROMPT, "scenario": scenario})
    reviewed = (await mod.slash("review queue")).embeds[1]
    assert "\\# Server notice" in reviewed["description"], reviewed["description"]
    await mod.click(await mod.slash("review queue"), "Approve")
    await mod.slash("content decks", deck="ai-native-careers", on=False)  # only the approved prompt is left
    daily = harness.guild.channel("daily")
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    await harness.advance(days=1)
    [post] = [m for m in daily.messages if m.embeds]
    assert post.embeds[0]["description"] == reviewed["description"], post.embeds[0]["description"]
    fields = {f["name"]: f["value"] for f in reviewed["fields"]}
    shown = {f["name"]: f["value"] for f in post.embeds[0]["fields"]}
    assert shown["Scale and constraints"] == fields["Scale and constraints"]


async def test_a_decision_dm_waiting_for_discord_is_not_sent_for_a_server_that_removed_the_bot(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """While the bot is out of a server nothing comes from it, not the DM of a decision Discord could not take
    before the removal, neither from the retry nor from a start; added back, the author is told, naming it."""
    await suggest_card(alice)
    queued = await mod.slash("review queue")
    harness.sim.faults.fail_next(503, 1, route_contains="/messages")  # the DM
    await mod.click(queued, "Approve")
    assert alice.dms == []
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance_to(harness.core.clock.now() + timedelta(hours=1))
    await harness.restart()
    assert alice.dms == [], [m.content for m in alice.dms]
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    [told] = alice.dms
    assert f"In **{harness.guild.name}**" in told.content and "approved" in told.content


async def test_a_queue_message_owed_at_a_start_during_a_discord_outage_is_posted_once_the_server_is_back(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel) -> None:
    """The bot starts while Discord lists the server as unavailable, so none of its channels is known yet: that
    is no sign the review channel was deleted, and the queue message owed is posted once the server is back."""
    await mod.slash("review channel", channel=mods)
    harness.sim.faults.fail_next(503, 1, route_contains="/messages")  # the queue message, once
    await suggest_card(alice)
    assert _queue_messages(mods) == []
    await harness.restart_in_outage(harness.guild)
    await harness.advance(minutes=5)
    await harness.end_outage(harness.guild)  # the server is available again
    await harness.advance_to(harness.core.clock.now() + timedelta(hours=1))
    [queued] = _queue_messages(mods)
    assert queued.button_labels == ["Approve", "Edit", "Reject"]


async def test_a_decision_the_author_cannot_be_told_says_why_to_the_moderator(
        harness: BotHarness, guild, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    """Closed DMs and an author who left the server are two reasons, and only the first can be told to look at
    `/suggest mine`: someone who left cannot run it here."""
    await suggest_card(alice)
    await suggest_card(bob, front="What does a cross-encoder score, compared with a bi-encoder?")
    bob.dms_closed = True
    guild.remove_member(alice)
    await harness.settle()
    with harness.sim.expect_errors(50278, 50007):  # the DMs Discord refuses, as each author's settings ask
        left = await mod.click(await mod.slash("review queue", suggestion=1), "Approve")
        closed = await mod.click(await mod.slash("review queue", suggestion=2), "Approve")
    assert "no longer in this server" in left.text and "DMs are closed" not in left.text
    assert "DMs are closed" in closed.text and "/suggest mine" in closed.text


async def test_a_rejection_submitted_after_its_queue_message_was_deleted_is_told_and_the_author_dmed(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel) -> None:
    """A moderator opens Reject from the queue message; another deletes that message before the form is sent.
    The decision stands: the moderator reads it, not an error, and the author is told at once."""
    await mod.slash("review channel", channel=mods)
    await suggest_card(alice)
    [queued] = _queue_messages(mods)
    form = await mod.click(queued, "Reject")
    queued.deleted = True
    harness.sim.dispatch_if_connected("MESSAGE_DELETE", {"id": str(queued.id), "channel_id": str(mods.id),
                                                         "guild_id": str(harness.guild.id)})
    await harness.settle()
    with harness.sim.expect_errors(10008):  # the clicked message is edited first: Discord says it is gone
        done = await mod.submit_modal(form, reason="Too close to an existing card")
    assert "rejected" in str(done.embeds) and done.ephemeral
    [told] = alice.dms
    assert "was not accepted" in told.content


async def test_hints_saved_after_their_queue_message_was_deleted_are_shown_in_a_reply(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel) -> None:
    await mod.slash("review channel", channel=mods)
    form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="LLM gateway budgets")
    await alice.submit_modal(form, **GOOD_PROMPT)
    [queued] = _queue_messages(mods)
    opened = await mod.click(queued, "Edit hints")
    queued.deleted = True
    harness.sim.dispatch_if_connected("MESSAGE_DELETE", {"id": str(queued.id), "channel_id": str(mods.id),
                                                         "guild_id": str(harness.guild.id)})
    await harness.settle()
    with harness.sim.expect_errors(10008):
        saved = await mod.submit_modal(opened, hints="Meter tokens off the hot path\nBudget per region")
    assert saved.ephemeral and "Meter tokens off the hot path" in str(saved.embeds)
    assert saved.button_labels == ["Approve", "Edit", "Edit hints", "Reject"]  # reviewed on from the reply


async def test_a_queue_message_sent_before_a_crash_is_not_posted_again_where_the_bot_may_not_read_the_channel(
        harness: BotHarness, mod: SimMember, alice: SimMember, mods: SimChannel,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Read Message History Discord shows the bot an empty history, so a message an earlier attempt sent
    cannot be found there: it must not be sent a second time once Discord's nonce has long expired."""
    from bot.community import ReviewQueue

    mods.deny(harness.sim.bot_user.id, "read_message_history")
    await harness.settle()
    chosen = await mod.slash("review channel", channel=mods)
    monkeypatch.setattr(ReviewQueue, "record", _die)  # the message goes out; the id is never recorded
    await suggest_card(alice)
    monkeypatch.undo()
    sent = _queue_messages(mods)
    await harness.advance_to(harness.core.clock.now() + timedelta(hours=1))
    await harness.restart()
    assert _queue_messages(mods) == sent, "the queue message was posted again after a restart"
    assert "#1" in (await mod.slash("review queue")).text
    assert "Read Message History" in chosen.text  # the moderators are told what to grant
    shown = await mod.slash("studybot settings show")
    field = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Suggestion review"]
    assert "Read Message History" in field
