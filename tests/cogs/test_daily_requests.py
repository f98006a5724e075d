"""What a day's post costs at Discord, counted at the local Discord: every request is rate-limited work."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.localdiscord import BotHarness, LocalDiscord, SimChannel, SimMember


def posting_requests(sim: LocalDiscord, since: int) -> list[tuple[str, str]]:
    """The bot's own REST requests (interaction answers are not part of the daily post)."""
    return [(method, path) for method, path in sim.requests[since:]
            if "/interactions/" not in path and "/webhooks/" not in path]


async def test_a_text_channel_day_costs_two_requests_the_post_and_its_thread(
        harness: BotHarness, sim: LocalDiscord, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 8, 59, tzinfo=UTC))
    before = len(sim.requests)
    await harness.advance(minutes=1)
    sent = posting_requests(sim, before)
    assert [method for method, _ in sent] == ["POST", "POST"], sent
    assert sent[0][1] == f"/api/v10/channels/{daily.id}/messages"
    [post] = [m for m in daily.messages if m.embeds and m.embeds[0]["title"].startswith("Day 1 · ")]
    assert sent[1][1] == f"/api/v10/channels/{daily.id}/messages/{post.id}/threads"
    # What the thread's opening line used to say is on the post; the thread starts empty and takes answers.
    take_part = next(f for f in post.embeds[0]["fields"] if f["name"] == "Take part")
    assert "Submit answer" in take_part["value"] and "thread" in take_part["value"]
    assert post.thread is not None and post.thread.messages == []
    form = await alice.click(post, "Submit answer")
    await alice.submit_modal(form, answer="Batch the embeddings and cache them per document version")
    [answer] = post.thread.messages
    assert answer.content.startswith("Answer from") and "Batch the embeddings" in answer.text


async def test_a_quiz_day_costs_one_request_to_post_and_one_to_reveal(
        harness: BotHarness, sim: LocalDiscord, mod: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"close-after": 1})
    await harness.advance_to(datetime(2026, 3, 2, 8, 59, tzinfo=UTC))
    before = len(sim.requests)
    await harness.advance(minutes=1)
    assert [m for m, _ in posting_requests(sim, before)] == ["POST"]
    before = len(sim.requests)
    await harness.advance(hours=1)
    assert [m for m, _ in posting_requests(sim, before)] == ["PATCH"]
