"""The one error handler reaches the member even when the check of who may act fails (not only the action)."""

from __future__ import annotations

import sqlite3

import pytest

from bot.localdiscord import BotHarness, SimGuild, SimMember
from bot.localdiscord.command_permissions import allow_command
from bot.localdiscord.members import InteractionFailed
from tests.cogs.test_suggestions import suggest_card


async def moderator_by_role(harness: BotHarness, guild: SimGuild, mod: SimMember, carol: SimMember) -> None:
    """Carol moderates through the server's moderator role, so every check of her reads that role from the
    database."""
    helpers = guild.create_role("Study helpers")
    carol.add_role(helpers)
    await mod.slash("studybot settings moderator-role", role=helpers)
    for command in ("rewards", "review"):
        allow_command(harness.sim, guild, command, roles=(helpers.id,))
    await harness.settle()


def database_unreadable(harness: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    async def unreadable(guild_id: int) -> int | None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(harness.core.moderators, "role_of", unreadable)


async def test_a_database_fault_while_checking_who_may_run_a_command_is_told_like_any_other(
        harness: BotHarness, guild: SimGuild, mod: SimMember, carol: SimMember,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py calls the command tree's check outside its error handler: the fault once left the command
    unanswered (Discord's "This interaction failed") where a fault inside the command gets a plain answer."""
    await moderator_by_role(harness, guild, mod, carol)
    assert "No rewards yet" in (await carol.slash("rewards status")).text  # she may, while the file is fine
    database_unreadable(harness, monkeypatch)
    try:
        reply = await carol.slash("rewards status")
    except InteractionFailed as error:
        pytest.fail(f"the member got no answer: {error}")
    assert reply.ephemeral and "could not be reached" in reply.text


async def test_a_database_fault_while_checking_who_may_click_a_moderators_button_is_told_too(
        harness: BotHarness, guild: SimGuild, mod: SimMember, carol: SimMember, alice: SimMember,
        monkeypatch: pytest.MonkeyPatch) -> None:
    await moderator_by_role(harness, guild, mod, carol)
    await suggest_card(alice)
    queue = await carol.slash("review queue")
    database_unreadable(harness, monkeypatch)
    try:
        reply = await carol.click(queue, "Approve")
    except InteractionFailed as error:
        pytest.fail(f"the moderator got no answer: {error}")
    assert reply.ephemeral and "could not be reached" in reply.text
    assert await harness.core.db.fetchval("SELECT status FROM suggestions") == "pending"


async def test_a_fault_after_a_public_defer_is_told_to_the_member_alone(
        harness: BotHarness, guild: SimGuild, alice: SimMember, monkeypatch: pytest.MonkeyPatch) -> None:
    """/leaderboard defers in public before reading the board: the first follow-up after such a defer replaces
    its "thinking" message for everyone, so the error is told privately and the public placeholder goes."""
    from bot.streaks import StreakService

    async def unreadable(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(StreakService, "leaderboard", unreadable)
    channel = guild.channel("general")
    before = len(channel.messages)
    reply = await alice.slash("leaderboard")
    assert reply.ephemeral and "could not be reached" in reply.text
    await harness.settle()
    assert [m.content for m in channel.messages[before:] if not m.deleted] == [], "shown to the whole channel"
