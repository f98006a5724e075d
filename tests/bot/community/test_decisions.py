"""Telling authors about decisions, with stand-in DMs: a start finishes each decision not marked told once,
for the servers its process serves; a DM refused for good counts as told, and Discord not answering leaves
the decision (and those after it) for the next start."""

from __future__ import annotations

import pytest

from bot.community import Suggestion, SuggestionService
from tests.bot.community.conftest import (
    CARD,
    GUILD,
    MOD,
    FakeDecisionPublisher,
    every_server,
)

OTHER_GUILD = 8
ALICE = 12
BOB = 13


async def suggest(service: SuggestionService, author_id: int = ALICE, guild_id: int = GUILD) -> Suggestion:
    return await service.suggest(guild_id, author_id, "card", {**CARD, "front": f"{CARD['front']} ({author_id})"})


async def untold_ids(service: SuggestionService) -> list[int]:
    rows = await service.db.fetchall("SELECT id FROM suggestions WHERE status != 'pending' AND author_told_at IS NULL "
                                     "ORDER BY id")
    return [row["id"] for row in rows]


async def test_a_decision_cut_off_before_the_dm_is_shown_and_told_once_then_marked(
        service: SuggestionService, dms: FakeDecisionPublisher) -> None:
    queued = await suggest(service)
    assert await service.post_to_queue(queued)
    await suggest(service, BOB)  # still waiting: nobody is told anything about it
    await service.approve(GUILD, queued.id, MOD)  # committed; the process died before any Discord call
    assert await service.finish_untold(every_server) == 1
    assert dms.shown == [queued.id]  # the queue message shows the decision
    assert dms.sends == [(queued.id, False, True)]  # looked in the author's DMs before sending
    assert dms.inbox == {ALICE: [(queued.id, False)]}
    assert await untold_ids(service) == []
    assert await service.finish_untold(every_server) == 0
    assert dms.sends == [(queued.id, False, True)] and dms.shown == [queued.id]


async def test_a_dm_sent_just_before_a_crash_is_not_sent_again(
        service: SuggestionService, dms: FakeDecisionPublisher) -> None:
    suggestion = await suggest(service)
    await service.reject(GUILD, suggestion.id, MOD, "Too close to an existing card")
    dms.inbox[ALICE] = [(suggestion.id, False)]  # the DM went out; the process died before marking it told
    assert await service.finish_untold(every_server) == 1
    assert dms.inbox == {ALICE: [(suggestion.id, False)]}
    assert await untold_ids(service) == []


async def test_an_approval_with_edits_is_told_as_one(service: SuggestionService, dms: FakeDecisionPublisher) -> None:
    suggestion = await suggest(service)
    await service.approve(GUILD, suggestion.id, MOD, edited={
        "back": "Edited by a moderator: it re-scores the best candidates, giving up some speed for precision."})
    assert await service.finish_untold(every_server) == 1
    assert dms.inbox == {ALICE: [(suggestion.id, True)]}


async def test_a_decision_told_when_it_was_made_is_not_told_again(
        service: SuggestionService, dms: FakeDecisionPublisher) -> None:
    suggestion = await suggest(service)
    await service.approve(GUILD, suggestion.id, MOD)
    await service.mark_told(suggestion.id)  # the moderator's click told the author
    assert await service.finish_untold(every_server) == 0
    assert dms.sends == [] and dms.shown == []


async def test_a_dm_refused_for_good_marks_the_decision_told_and_is_not_tried_again(
        service: SuggestionService, dms: FakeDecisionPublisher) -> None:
    dms.closed.add(ALICE)
    refused, reached = await suggest(service), await suggest(service, BOB)
    await service.approve(GUILD, refused.id, MOD)
    await service.approve(GUILD, reached.id, MOD)
    assert await service.finish_untold(every_server) == 1  # only Bob has his DM
    assert await untold_ids(service) == []  # Alice sees the outcome in /suggest mine
    assert dms.inbox == {BOB: [(reached.id, False)]}
    assert await service.finish_untold(every_server) == 0
    assert [sent[0] for sent in dms.sends] == [refused.id, reached.id]


async def test_discord_not_answering_leaves_the_decision_and_the_rest_for_the_next_start(
        service: SuggestionService, dms: FakeDecisionPublisher) -> None:
    first, second = await suggest(service), await suggest(service, BOB)
    await service.approve(GUILD, first.id, MOD)
    await service.reject(GUILD, second.id, MOD, "Needs numbers")
    dms.down = True
    assert await service.finish_untold(every_server) == 0
    assert [sent[0] for sent in dms.sends] == [first.id]  # the pass stopped at the first one
    assert await untold_ids(service) == [first.id, second.id]
    dms.down = False
    assert await service.finish_untold(every_server) == 2
    assert dms.inbox == {ALICE: [(first.id, False)], BOB: [(second.id, False)]}
    assert await untold_ids(service) == []


async def test_a_start_tells_only_the_decisions_of_the_servers_its_process_serves(
        service: SuggestionService, dms: FakeDecisionPublisher) -> None:
    here, elsewhere = await suggest(service), await suggest(service, BOB, OTHER_GUILD)
    await service.approve(GUILD, here.id, MOD)
    await service.approve(OTHER_GUILD, elsewhere.id, MOD)
    assert await service.finish_untold(lambda guild_id: guild_id == GUILD) == 1
    assert dms.inbox == {ALICE: [(here.id, False)]}
    assert await untold_ids(service) == [elsewhere.id]  # its own process tells it, with its server's name
    assert await service.finish_untold(lambda guild_id: guild_id == OTHER_GUILD) == 1
    assert dms.inbox == {ALICE: [(here.id, False)], BOB: [(elsewhere.id, False)]}
    assert await untold_ids(service) == []


async def test_other_servers_untold_decisions_never_crowd_out_this_process_s_own(
        service: SuggestionService, dms: FakeDecisionPublisher, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.community.decisions.UNTOLD_PER_START", 2)
    elsewhere = [await suggest(service, BOB + n, OTHER_GUILD) for n in range(3)]  # decided first, so read first
    for suggestion in elsewhere:
        await service.approve(OTHER_GUILD, suggestion.id, MOD)
    here = await suggest(service)
    await service.approve(GUILD, here.id, MOD)
    assert await service.finish_untold(lambda guild_id: guild_id == GUILD) == 1
    assert dms.inbox == {ALICE: [(here.id, False)]}


async def test_discord_not_answering_the_queue_message_edit_sends_no_dm_and_leaves_the_decision_untold(
        service: SuggestionService, dms: FakeDecisionPublisher) -> None:
    queued = await suggest(service)
    assert await service.post_to_queue(queued)
    await service.reject(GUILD, queued.id, MOD, "Needs numbers")
    dms.down = True
    assert await service.finish_untold(every_server) == 0
    assert dms.sends == [] and await untold_ids(service) == [queued.id]
    dms.down = False
    assert await service.finish_untold(every_server) == 1
    assert dms.shown == [queued.id] and dms.inbox == {ALICE: [(queued.id, False)]}


async def test_a_decision_told_at_the_click_is_marked_told_and_not_told_again_at_start(
        service: SuggestionService, dms: FakeDecisionPublisher) -> None:
    suggestion = await suggest(service)
    decided = await service.approve(GUILD, suggestion.id, MOD)
    assert await service.tell_author(decided.suggestion, edited=False) is True
    assert dms.sends == [(suggestion.id, False, False)]  # at the click nothing was sent before: no look first
    assert await untold_ids(service) == []
    assert await service.finish_untold(every_server) == 0


async def test_a_dm_refused_for_good_at_the_click_is_told_all_discord_lets_us(
        service: SuggestionService, dms: FakeDecisionPublisher) -> None:
    dms.closed.add(ALICE)
    suggestion = await suggest(service)
    decided = await service.reject(GUILD, suggestion.id, MOD, "Needs numbers")
    assert await service.tell_author(decided.suggestion, edited=False) is False  # the moderator hears it
    assert await untold_ids(service) == []  # Alice sees the outcome in /suggest mine; no start asks again


async def test_a_dm_discord_cannot_take_at_the_click_is_left_for_the_next_start(
        service: SuggestionService, dms: FakeDecisionPublisher) -> None:
    suggestion = await suggest(service)
    decided = await service.approve(GUILD, suggestion.id, MOD)
    dms.down = True
    assert await service.tell_author(decided.suggestion, edited=False) is None
    assert await untold_ids(service) == [suggestion.id]
    dms.down = False
    assert await service.finish_untold(every_server) == 1
    assert dms.inbox == {ALICE: [(suggestion.id, False)]}
