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
