"""A pack may cite a long section of its study document: every post and reply that names the source still fits
Discord's limits."""

from __future__ import annotations

from dataclasses import replace

from bot.content.loader import ContentLibrary
from bot.content.models import Prompt, Source
from bot.localdiscord import BotHarness, SimChannel, SimMember
from bot.quiz import LETTERS

LONG = Source(section="Part 3: serving at scale", heading="Batching " + "and more batching " * 110)


def longest_prompt(base: Prompt) -> Prompt:
    """A prompt as long as the validator lets every part be, citing a long heading."""
    data = base.model_dump()
    data.update(title="T" * 246, scenario="S" * 1800, constraints=["c" * 120] * 8, follow_ups=["f" * 240] * 4,
                source=LONG.model_dump())
    return Prompt.model_validate(data)


async def test_a_daily_prompt_citing_a_long_heading_is_posted(harness: BotHarness, mod: SimMember,
                                                              daily: SimChannel) -> None:
    store = harness.core.content
    pack = store.library.packs[0]
    store._library = ContentLibrary.of([replace(pack, prompts=(longest_prompt(pack.prompts[0]),))])
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    await harness.advance(hours=2)
    [post] = [m for m in daily.messages if m.embeds]
    assert post.embeds[0]["title"].startswith("Day 1 · TTT") and "Batching and more" in post.embeds[0]["footer"]["text"]


async def test_a_quiz_answer_citing_a_long_heading_is_told(harness: BotHarness, mod: SimMember, alice: SimMember,
                                                           daily: SimChannel) -> None:
    store = harness.core.content
    pack = store.library.packs[0]
    cards = tuple(card.model_copy(update={"source": LONG}) for card in pack.flashcards)
    store._library = ContentLibrary.of([replace(pack, flashcards=cards)])
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"reveal-now": True})
    await harness.advance(hours=1)
    [post] = [m for m in daily.messages if m.embeds]
    correct = await harness.core.db.fetchval("SELECT correct FROM quiz_posts")
    told = await alice.click(post, LETTERS[correct])
    assert told.text.startswith(f"✅ **{LETTERS[correct]}** is right!\n📖 Re-read it in the study document: Part 3")


async def test_a_practice_prompt_citing_a_long_heading_is_shown(harness: BotHarness, alice: SimMember) -> None:
    store = harness.core.content
    pack = store.library.packs[0]
    store._library = ContentLibrary.of([replace(pack, prompts=(longest_prompt(pack.prompts[0]),))])
    screen = await alice.slash("practice")
    assert screen.embeds[0]["title"].startswith("Practice · TTT") and "Batching" in screen.embeds[0]["footer"]["text"]
