"""/about through the local Discord: the whole wiring, from gateway to reply."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimMember


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
