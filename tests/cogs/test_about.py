"""/about through the local Discord: the whole wiring, from gateway to reply."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.content.loader import ContentLibrary
from bot.localdiscord import BotHarness, Reply, SimChannel, SimMember


async def test_about_shows_version_uptime_and_content(
    harness: BotHarness, alice: SimMember, general: SimChannel
) -> None:
    await harness.advance(hours=3)
    reply = await alice.slash("about", channel=general)
    assert reply.ephemeral
    assert "studybot" in reply.text
    assert "0.1.0" in reply.text
    assert "3h 0m" in reply.text
    assert "ai-native-careers" in reply.text
    assert general.messages == []  # ephemeral: nothing posted in the channel


async def test_members_see_when_the_next_prompt_quiz_and_round_are(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    empty = await alice.slash("upcoming")
    assert empty.ephemeral and empty.text.count("not scheduled") == 3
    daily = harness.guild.channel("daily")
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="fri", time="10:00", timezone="UTC",
                    channel=daily)
    shown = await alice.slash("upcoming")
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert fields["Daily prompt"].startswith("<t:1772442000:F>")  # Mon 2 Mar 09:00 UTC (now 08:00)
    assert fields["Daily quiz"].startswith("<t:1772452800:F>")  # Mon 2 Mar 12:00 UTC
    assert fields["Mock-interview round"].startswith("<t:1772791200:F>")  # Fri 6 Mar 10:00 UTC
    assert fields["Your flashcards"] == "new cards waiting (up to 10 more today) · `/cards study`"
    assert "Your interview" not in fields  # not in a round


async def test_upcoming_tells_a_member_what_their_flashcards_hold(harness: BotHarness, alice: SimMember) -> None:
    def mine(reply: Reply) -> str:
        return {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}["Your flashcards"]

    async def grade_first(label: str) -> None:
        back = await alice.click(await alice.slash("cards study"), "Reveal")
        await alice.click(back, next(name for name in back.button_labels if name.startswith(label)))

    await alice.slash("cards settings", **{"new-per-day": 1})
    await grade_first("Good")  # the day's one new card: back in ten minutes
    learning = mine(await alice.slash("upcoming"))
    assert re.fullmatch(r"caught up; the cards you are learning come back <t:\d+:R>", learning)
    await harness.advance(minutes=11)
    assert mine(await alice.slash("upcoming")) == "**1** due now · `/cards study`"
    await grade_first("Easy")  # learned: back in days
    assert mine(await alice.slash("upcoming")) == "all caught up for today"
    await alice.slash("cards settings", topic="retrieval")  # one topic: what waits is that topic's
    assert mine(await alice.slash("upcoming")) == "all caught up on **retrieval** for today"
    await alice.slash("cards settings", **{"new-per-day": 3})
    assert mine(await alice.slash("upcoming")) == "new cards waiting on **retrieval** (up to 2 more today) · " \
                                                  "`/cards study`"


async def test_about_lists_many_content_packs_within_discords_field_limit(
        harness: BotHarness, alice: SimMember, general: SimChannel) -> None:
    """A self-hosted bot may serve many packs with long titles: /about still answers, listing those that fit
    and counting the rest."""
    store = harness.core.content
    pack = store.library.packs[0]
    extra = [replace(pack, meta=pack.meta.model_copy(update={"name": f"pack-{i}", "title": f"{i} " + "t" * 90}),
                     prompts=(), flashcards=()) for i in range(15)]
    store._library = ContentLibrary.of([pack, *extra])
    reply = await alice.slash("about", channel=general)
    assert reply.ephemeral and reply.embeds, reply.text
    [content] = [f["value"] for f in reply.embeds[0]["fields"] if f["name"] == "Content"]
    assert len(content) <= 1024
    assert "ai-native-careers" in content and content.endswith("more packs")
