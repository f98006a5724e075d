"""The review queue's rules with a stand-in channel: each suggestion's message is posted once, a claim
a restart finds unfinished is recorded when its message went out and sent once when it did not, and a
suggestion decided meanwhile is never posted afresh."""

from __future__ import annotations

import pytest

from bot.community import Status, Suggestion, SuggestionService
from tests.bot.community.conftest import (
    CARD,
    GUILD,
    MOD,
    REVIEW_CHANNEL,
    FakeQueuePublisher,
    every_server,
)

AUTHOR = 12


async def suggest(service: SuggestionService) -> Suggestion:
    return await service.suggest(GUILD, AUTHOR, "card", CARD)


async def stored(service: SuggestionService, suggestion: Suggestion) -> Suggestion:
    return await service.get(GUILD, suggestion.id)


async def left_unfinished(service: SuggestionService, publisher: FakeQueuePublisher, *, went_out: bool) -> Suggestion:
    """A suggestion whose queue post failed, leaving a claim for the next start; Discord answers again afterwards.

    ``went_out``: Discord took the message but its answer never came; otherwise Discord was down and took nothing."""
    if went_out:
        publisher.lost_answer = True
    else:
        publisher.down = True
    suggestion = await suggest(service)
    assert not await service.post_to_queue(suggestion)
    publisher.lost_answer = publisher.down = False
    return suggestion


async def test_a_new_suggestion_is_sent_once_without_a_search_and_recorded(
        service: SuggestionService, publisher: FakeQueuePublisher) -> None:
    suggestion = await suggest(service)
    assert await service.post_to_queue(suggestion)
    [message_id] = publisher.posted(suggestion.id)
    assert publisher.searches == []  # claimed just now: no earlier copy can exist
    after = await stored(service, suggestion)
    assert (after.queue_channel_id, after.queue_message_id, after.queue_claimed_at) == (REVIEW_CHANNEL, message_id,
                                                                                         None)
    assert await service.post_to_queue(suggestion)  # posted already: nothing is sent again
    assert publisher.attempts == [suggestion.id]


async def test_without_a_review_channel_nothing_is_claimed_or_sent(
        service: SuggestionService, publisher: FakeQueuePublisher) -> None:
    suggestion = await suggest(service)
    publisher.channels.clear()  # the channel was deleted
    assert not await service.post_to_queue(suggestion)
    await service.set_review_channel(GUILD, MOD, None)
    assert not await service.post_to_queue(suggestion)
    assert publisher.attempts == []
    assert (await stored(service, suggestion)).queue_claimed_at is None


async def test_a_message_refused_for_good_drops_its_claim(
        service: SuggestionService, publisher: FakeQueuePublisher) -> None:
    publisher.refuse = True
    suggestion = await suggest(service)
    assert not await service.post_to_queue(suggestion)
    assert (await stored(service, suggestion)).queue_claimed_at is None
    assert await service.finish_queue_posts(every_server) == 0
    assert publisher.attempts == [suggestion.id]  # the next start does not try again


async def test_an_unfinished_claim_whose_message_went_out_is_recorded_not_sent_again(
        service: SuggestionService, publisher: FakeQueuePublisher) -> None:
    suggestion = await left_unfinished(service, publisher, went_out=True)
    [message_id] = publisher.posted(suggestion.id)
    assert (await stored(service, suggestion)).queue_message_id is None
    assert await service.finish_queue_posts(every_server) == 1
    assert publisher.attempts == [suggestion.id] and publisher.posted(suggestion.id) == [message_id]
    after = await stored(service, suggestion)
    assert (after.queue_message_id, after.queue_claimed_at) == (message_id, None)
    assert publisher.shown == []  # still waiting: the message keeps its buttons


async def test_an_unfinished_claim_with_no_message_is_sent_once(
        service: SuggestionService, publisher: FakeQueuePublisher) -> None:
    publisher.down = True
    suggestion = await suggest(service)
    assert not await service.post_to_queue(suggestion)
    assert (await stored(service, suggestion)).queue_claimed_at is not None
    assert await service.finish_queue_posts(every_server) == 0  # still down: the claim stays for the next start
    assert (await stored(service, suggestion)).queue_claimed_at is not None
    publisher.down = False
    assert await service.finish_queue_posts(every_server) == 1
    [message_id] = publisher.posted(suggestion.id)
    assert (await stored(service, suggestion)).queue_message_id == message_id
    assert await service.finish_queue_posts(every_server) == 0
    assert publisher.posted(suggestion.id) == [message_id]
    assert publisher.searches == [suggestion.id, suggestion.id]  # looked before sending, each start


@pytest.mark.parametrize("decide", ["approve", "reject"])
async def test_a_suggestion_decided_while_its_message_was_unsent_is_not_posted(
        service: SuggestionService, publisher: FakeQueuePublisher, decide: str) -> None:
    suggestion = await left_unfinished(service, publisher, went_out=False)
    if decide == "approve":
        await service.approve(GUILD, suggestion.id, MOD)
    else:
        await service.reject(GUILD, suggestion.id, MOD, "Too close to an existing card")
    assert await service.finish_queue_posts(every_server) == 0
    assert publisher.messages == {} and publisher.attempts == [suggestion.id]  # only the attempt Discord refused
    after = await stored(service, suggestion)
    assert (after.queue_claimed_at, after.queue_message_id) == (None, None)  # the claim is dropped, not retried
    assert await service.finish_queue_posts(every_server) == 0 and publisher.searches == [suggestion.id]


async def test_a_found_message_of_a_suggestion_decided_meanwhile_shows_the_decision(
        service: SuggestionService, publisher: FakeQueuePublisher) -> None:
    suggestion = await left_unfinished(service, publisher, went_out=True)
    await service.reject(GUILD, suggestion.id, MOD, "Too close to an existing card")
    assert await service.finish_queue_posts(every_server) == 1
    [message_id] = publisher.posted(suggestion.id)
    assert publisher.shown == [(message_id, Status.REJECTED)] and publisher.attempts == [suggestion.id]
    assert (await stored(service, suggestion)).queue_message_id == message_id


async def test_a_start_leaves_other_processes_claims_and_drops_a_claim_whose_channel_is_gone(
        service: SuggestionService, publisher: FakeQueuePublisher) -> None:
    suggestion = await left_unfinished(service, publisher, went_out=False)
    assert await service.finish_queue_posts(lambda guild_id: guild_id != GUILD) == 0
    assert (await stored(service, suggestion)).queue_claimed_at is not None  # another shard's process finishes it
    publisher.channels.clear()
    assert await service.finish_queue_posts(every_server) == 0
    after = await stored(service, suggestion)
    assert (after.queue_claimed_at, after.queue_channel_id, after.queue_message_id) == (None, None, None)
    assert publisher.attempts == [suggestion.id] and publisher.searches == []
