"""The daily role ping notifies only when Discord lets the bot ping that role, and setup says so when not."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember


async def test_setup_warns_when_the_role_cannot_be_pinged_and_the_ping_works_once_fixed(
        harness: BotHarness, guild: SimGuild, mod: SimMember, daily: SimChannel) -> None:
    role = next(r for r in guild.roles.values() if r.name == "Daily ping")
    me = next(r for r in guild.roles.values() if r.name == "studybot")
    daily.deny(me.id, "mention_everyone")  # a server that never gave the bot Mention Everyone
    setup = await mod.slash("daily setup", channel=daily, time="10:00", timezone="Europe/Berlin", role=role)
    assert setup.ephemeral and "cannot be pinged by me" in setup.text and "Allow anyone to @mention" in setup.text
    await harness.advance(hours=1)
    first = next(m for m in daily.messages if m.embeds)
    assert role.mention in first.content and first.pinged_role_ids == []  # shown, nobody notified

    guild.edit_role(role, mentionable=True)  # the moderator follows the advice
    again = await mod.slash("daily setup", channel=daily, time="10:00", timezone="Europe/Berlin", role=role)
    assert "cannot be pinged" not in again.text
    await harness.advance(days=1)
    second = [m for m in daily.messages if m.embeds][-1]
    assert second is not first and second.pinged_role_ids == [role.id]
