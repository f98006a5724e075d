"""A mock prompt in a server whose pool every member has met: the one they met longest ago, not last round's."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_mock import briefs, join_all, room, schedule, threads  # noqa: F401  # the fixture
from tests.cogs.test_suggestions import GOOD_PROMPT

TITLES = ("LLM gateway with team budgets", "Token budgets for an LLM gateway")


async def test_a_pair_that_met_every_prompt_gets_the_one_met_longest_ago(
        harness: BotHarness, mod: SimMember, room: SimChannel, daily: SimChannel,  # noqa: F811
        alice: SimMember, bob: SimMember) -> None:
    """The server practises its own two prompts only: once both are met, each round gives the other one again
    rather than, at random, the prompt the pair answered the round before."""
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    for title in TITLES:
        form = await mod.slash("daily add", kind="design", difficulty="hard")
        assert "to this server's prompts" in (await mod.submit_modal(form, title=title, **{
            k: GOOD_PROMPT[k] for k in ("scenario", "constraints", "follow_ups", "rubric")})).text
    await mod.slash("content decks", deck="ai-native-careers", on=False)
    await join_all([alice, bob])
    await schedule(mod, room)
    met = []
    for number in range(1, 7):
        assert f"Round {number} started" in (await mod.slash("mock-admin pair-now")).text
        [thread] = [t for t in threads(harness.guild) if t.name.startswith(f"Mock #{number} ")]
        [brief] = briefs(thread)
        met.append(brief.embeds[0]["title"].removeprefix("Your prompt · "))
        await mod.slash("mock-admin cancel-round")
    assert set(met) == set(TITLES)
    assert all(earlier != later for earlier, later in zip(met, met[1:], strict=False)), met
