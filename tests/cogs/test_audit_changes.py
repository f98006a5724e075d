"""/studybot audit lines of changes that replace something: both sides named."""

from __future__ import annotations

from bot.localdiscord import BotHarness, SimGuild, SimMember
from bot.localdiscord.permissions import BOT_DEFAULT, PERMISSIONS


def givable(guild: SimGuild, name: str):  # noqa: ANN201
    bot_role = next(r for r in guild.roles.values() if r.name == "studybot")
    guild.edit_role(bot_role, permissions=BOT_DEFAULT | PERMISSIONS["manage_roles"], position=10)
    moderators = next(r for r in guild.roles.values() if r.name == "mod-mod")  # may give roles too
    guild.edit_role(moderators, permissions=moderators.permissions | PERMISSIONS["manage_roles"], position=9)
    role = guild.create_role(name)
    guild.edit_role(role, position=3)
    return role


async def test_the_audit_of_a_reward_moved_to_another_role_names_the_role_it_replaced(
        harness: BotHarness, mod: SimMember, guild: SimGuild) -> None:
    first, second = givable(guild, "Week warrior"), givable(guild, "Week hero")
    await mod.slash("rewards set", reward="streak-7", role=first)
    await mod.slash("rewards set", reward="streak-7", role=second)
    audit = await mod.slash("studybot audit")
    newest = audit.embeds[0]["description"].splitlines()[0]
    # The reward was streak-7 before and after, and its role went from the first role to the second.
    assert f"<@&{first.id}>" in newest, newest
    assert "none →" not in newest, newest


async def test_the_audit_of_a_best_answer_picked_again_names_the_answer_it_replaced(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, guild: SimGuild) -> None:
    from tests.cogs.test_feedback import answer, first_day_answered

    post = await first_day_answered(harness, mod, guild.channel("daily"), alice, "Shard the index per tenant first.")
    await answer(bob, post, "Hybrid retrieval with a re-ranker inside budget.")
    await mod.slash("daily best", member=alice)
    await mod.slash("daily best", member=bob)
    newest = (await mod.slash("studybot audit")).embeds[0]["description"].splitlines()[0]
    # Bob's answer replaced Alice's as the day's best: the line says so, and the day did not change from "none".
    assert alice.mention in newest, newest
    assert "none →" not in newest, newest
