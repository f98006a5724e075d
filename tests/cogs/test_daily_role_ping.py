"""The daily role ping notifies only when Discord lets the bot ping that role, and setup says so when not."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimChannel, SimGuild, SimMember
from bot.localdiscord.command_permissions import allow_command


async def test_setup_warns_when_the_role_cannot_be_pinged_and_the_ping_works_once_fixed(
        harness: BotHarness, guild: SimGuild, mod: SimMember, daily: SimChannel) -> None:
    role = next(r for r in guild.roles.values() if r.name == "Daily ping")
    me = next(r for r in guild.roles.values() if r.name == "studybot")
    daily.deny(me.id, "mention_everyone")  # a server that never gave the bot Mention Everyone
    guild.grant(next(r for r in guild.roles.values() if r.name == "mod-mod"), "mention_everyone")  # but its mods
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


async def test_a_moderator_who_may_not_ping_a_role_cannot_have_the_bot_ping_it_every_day(
        harness: BotHarness, guild: SimGuild, mod: SimMember, carol: SimMember, daily: SimChannel) -> None:
    """Only members with Mention Everyone may ping a role that is not mentionable: Carol, a helper moderating
    through the moderator role, must not have the bot (which has that permission) ping the whole server's role
    every morning for her."""
    helpers = guild.create_role("Study helpers")
    carol.add_role(helpers)
    await mod.slash("studybot settings moderator-role", role=helpers)
    allow_command(harness.sim, guild, "daily", roles=(helpers.id,))
    members = guild.create_role("Members")  # every member has it; the admins keep it from being pinged
    await harness.settle()
    refused = await carol.slash("daily setup", channel=daily, time="10:00", timezone="UTC", role=members)
    assert refused.ephemeral and "You may not ping" in refused.text, refused.text
    await harness.advance(days=1)
    assert not [m for m in daily.messages if m.embeds], "a refused setup was saved"
    guild.edit_role(members, mentionable=True)  # anyone may ping it now, Carol too
    allowed = await carol.slash("daily setup", channel=daily, time="10:00", timezone="UTC", role=members)
    assert "You may not ping" not in allowed.text and "pinging" in allowed.text, allowed.text
