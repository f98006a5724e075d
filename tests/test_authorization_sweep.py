"""Every moderator and owner action is refused to a plain member by the bot itself.

The list of what to try is generated from the bot's command tree and from the components it
registered (dynamic items, views, modals), never written by hand: a new command, button, select
or form is swept the day it lands, and one without a declared audience fails here.

A server can widen who may run a command in Server Settings › Integrations; the sweep does just
that for the member (a command-level override), so only the bot's own check stands in the way.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from discord import app_commands

import cogs
from bot.localdiscord import BotHarness, SimChannel, SimMember, SimRole, SimUpload
from bot.localdiscord.command_permissions import allow_command
from cogs._common.authority import Audience, audience_of
from cogs._common.views import BaseModal, BaseView

from .cogs.test_daily import setup_daily

REFUSED = {Audience.MODERATOR: "Only moderators can do that", Audience.OWNER: "Only the bot's owner can do that"}


# -- what the bot offers ----------------------------------------------------------------------
def leaf_commands(tree: app_commands.CommandTree) -> list[app_commands.Command[Any, ..., Any]]:
    return [c for c in tree.walk_commands() if isinstance(c, app_commands.Command)]


def top_level(command: app_commands.Command[Any, ..., Any]) -> str:
    return command.qualified_name.split()[0]


def subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(subclasses(sub))
    return found


def dynamic_items(harness: BotHarness) -> list[type]:
    return list(harness.bot._connection._view_store._dynamic_items.values())  # type: ignore[union-attr]


def ours(cls: type) -> bool:
    return cls.__module__.startswith(cogs.__name__ + ".")


# -- filling in a command as a member would ----------------------------------------------------
def synced_definition(harness: BotHarness, name: str) -> dict[str, Any]:
    return next(d for d in harness.sim.global_commands if d["name"] == name)


def options_of(definition: dict[str, Any], path: list[str]) -> list[dict[str, Any]]:
    node = definition.get("options") or []
    for word in path:
        node = next(o.get("options") or [] for o in node if o["name"] == word)
    return node


def example_value(option: dict[str, Any], world: dict[str, Any]) -> Any:
    """A value the member's client would accept, so a refusal cannot come from bad input."""
    if option.get("choices"):
        return option["choices"][0]["value"]
    kind = option["type"]
    if kind == 3:
        text = {"time": "09:00", "timezone": "UTC", "date": "2026-03-01"}.get(option["name"], "Sweep")
        return text.ljust(option.get("min_length", 0), "x")[: option.get("max_length", 6000)]
    simple = {4: option.get("min_value", 1), 10: float(option.get("min_value", 1)), 5: True}
    if kind in simple:
        return simple[kind]
    if kind == 7 and option.get("channel_types") and world["channel"].type not in option["channel_types"]:
        return channel_of_type(world["channel"].guild, option["channel_types"])
    by_kind = {6: world["member"], 7: world["channel"], 8: world["role"],
               11: SimUpload("sweep.md", b"Frequently Asked Questions\n1. Why sweep?\nTo be sure.\n")}
    if kind in by_kind:
        return by_kind[kind]
    raise AssertionError(f"the sweep cannot fill option type {kind} ({option['name']}): teach example_value")


def channel_of_type(guild: Any, types: list[int]) -> Any:
    """A channel the member's picker offers for an option limited to ``types`` (made when the server has none)."""
    found = next((c for c in guild.channels.values() if c.type in types), None)
    if found is not None:
        return found
    return guild.create_voice_channel("Sweep room") if 2 in types else guild.create_forum_channel("sweep")


def example_custom_id(pattern: str, world: dict[str, Any]) -> str:
    """A custom id the pattern accepts, naming this server and today where it has such fields."""
    known = {"guild": str(world["guild_id"]), "day": f"{world['today']:%Y%m%d}"}
    candidates = ("1", "0", "20260302", "met", "a", "x")

    def fill(match: re.Match[str]) -> str:
        name, inner = match["name"], match["inner"]
        if name in known and re.fullmatch(inner, known[name]):
            return known[name]
        for candidate in candidates:
            if re.fullmatch(inner, candidate):
                return candidate
        raise AssertionError(f"no example for group {name!r} ({inner}): extend the candidates")

    custom_id = re.sub(r"\(\?P<(?P<name>\w+)>(?P<inner>(?:[^()]|\([^()]*\))*)\)", fill, pattern)
    assert re.fullmatch(pattern, custom_id), (pattern, custom_id)
    return custom_id


# -- what must not change ----------------------------------------------------------------------
def database_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%'")]
        return {name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)  # noqa: S608
                for name in names}


def visible_messages(harness: BotHarness) -> list[tuple[int, Any, bool]]:
    return sorted((m.id, m.edited_at, m.deleted) for m in harness.sim.messages.values() if not m.ephemeral)


@pytest.fixture
async def world(harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel,
                bob: SimMember) -> dict[str, Any]:
    """A server where every feature is set up, so a moderator action would have something to change."""
    await setup_daily(mod, daily, role=harness.guild.create_role("Daily readers", mentionable=True))
    await mod.slash("quiz setup", channel=general, time="12:00", timezone="UTC")
    await mod.slash("mock-admin schedule", cadence="weekly", weekday="mon", time="10:00", timezone="UTC",
                    channel=general)
    await harness.settle()
    role = next(r for r in harness.guild.roles.values() if r.name == "Daily readers")
    return {"member": bob, "channel": daily, "role": role, "guild_id": harness.guild.id,
            "today": harness.clock.now().date()}


# -- the declarations ----------------------------------------------------------------------------
async def test_every_command_declares_an_audience_and_no_top_level_command_mixes_them(harness: BotHarness) -> None:
    leaves = leaf_commands(harness.bot.tree)  # type: ignore[union-attr]
    assert leaves
    undeclared = [c.qualified_name for c in leaves if audience_of(c) is None]
    assert not undeclared, f"commands without a declared audience: {undeclared}"
    by_top: dict[str, set[Audience]] = {}
    for command in leaves:
        by_top.setdefault(top_level(command), set()).add(audience_of(command))  # type: ignore[arg-type]
    mixed = {name: sorted(kinds) for name, kinds in by_top.items() if len(kinds) > 1}
    assert not mixed, f"granting one of these to a role would grant two kinds of power: {mixed}"
    for definition in harness.sim.global_commands:
        assert definition.get("contexts") is not None and definition.get("integration_types") == [0], definition
        audience = by_top[definition["name"]].pop()
        if audience is not Audience.MEMBER:
            assert definition["default_member_permissions"] not in (None, ""), definition["name"]
            assert definition["contexts"] == [0], definition["name"]


async def test_every_component_and_form_declares_an_audience(harness: BotHarness) -> None:
    items = dynamic_items(harness)
    assert items
    # Leaves only: a shared base (e.g. a form used by members and, as a subclass, by moderators) may leave it open.
    kinds = [c for c in [*items, *subclasses(BaseView), *subclasses(BaseModal)] if ours(c) and not c.__subclasses__()]
    undeclared = [f"{c.__module__}.{c.__qualname__}" for c in kinds if getattr(c, "audience", None) is None]
    assert not undeclared, f"components without a declared audience: {undeclared}"


# -- the sweep ------------------------------------------------------------------------------------
async def test_a_plain_member_allowed_every_moderator_command_by_the_server_is_refused_and_changes_nothing(
        harness: BotHarness, world: dict[str, Any], mod: SimMember, alice: SimMember) -> None:
    guarded = [c for c in leaf_commands(harness.bot.tree) if audience_of(c) is not Audience.MEMBER]  # type: ignore[union-attr]
    assert {"daily setup", "quiz pause", "studybot export", "streak-admin repair", "mock-admin pair-now",
            "studybot settings moderator-role", "studybot-owner health"} <= {c.qualified_name for c in guarded}
    for name in sorted({top_level(c) for c in guarded}):
        allow_command(harness.sim, harness.guild, name, users=(alice.id, mod.id))
    await harness.settle()
    rows, messages = database_rows(harness.db_path), visible_messages(harness)
    for command in guarded:
        audience = audience_of(command)
        assert audience is not None
        caller = mod if audience is Audience.OWNER else alice
        words = command.qualified_name.split()
        definition = synced_definition(harness, words[0])
        options = {o["name"]: example_value(o, world) for o in options_of(definition, words[1:])}
        reply = await caller.slash(command.qualified_name, in_channel=world["channel"], **options)
        assert reply.ephemeral and REFUSED[audience] in reply.text, (command.qualified_name, reply.text)
        assert reply.modal is None
        assert database_rows(harness.db_path) == rows, f"/{command.qualified_name} changed the database"
        assert visible_messages(harness) == messages, f"/{command.qualified_name} changed messages"


async def test_a_plain_member_pressing_any_moderator_component_is_refused_and_changes_nothing(
        harness: BotHarness, world: dict[str, Any], alice: SimMember, daily: SimChannel) -> None:
    guarded = [c for c in dynamic_items(harness) if getattr(c, "audience", None) is not Audience.MEMBER]
    rows, messages = database_rows(harness.db_path), visible_messages(harness)
    for item in guarded:
        custom_id = example_custom_id(item.__discord_ui_compiled_template__.pattern, world)
        forged = harness.sim.new_message(daily, harness.sim.bot_user, {"content": "", "components": [
            {"type": 1, "components": [{"type": 2, "style": 2, "label": "Forged", "custom_id": custom_id}]}]})
        messages = visible_messages(harness)
        reply = await alice.click(forged, custom_id)
        assert reply.ephemeral and REFUSED[item.audience] in reply.text, (item, reply.text)
        assert database_rows(harness.db_path) == rows and visible_messages(harness) == messages, item


# -- moderators who are no longer moderators -------------------------------------------------------
def demote(member: SimMember, harness: BotHarness) -> None:
    for role_id in list(member.role_ids):
        if harness.guild.roles[role_id].name.endswith("-mod"):
            member.role_ids.remove(role_id)


async def test_a_menu_or_form_opened_by_a_moderator_is_refused_once_they_are_no_longer_one(
        harness: BotHarness, world: dict[str, Any], mod: SimMember) -> None:
    kinds = await mod.slash("daily kinds")
    form = await mod.slash("daily add", kind="design", difficulty="easy")
    demote(mod, harness)
    rows = database_rows(harness.db_path)
    refused = await mod.select(kinds, ["design"])
    assert refused.ephemeral and "Only moderators can do that" in refused.text
    refused = await mod.submit_modal(form, title="A title", scenario="s" * 60, constraints="c", follow_ups="f",
                                     rubric="r")
    assert refused.ephemeral and "Only moderators can do that" in refused.text
    assert database_rows(harness.db_path) == rows


# -- the moderator role ---------------------------------------------------------------------------
async def test_a_server_names_a_moderator_role_whose_members_then_moderate(
        harness: BotHarness, world: dict[str, Any], mod: SimMember, alice: SimMember, carol: SimMember) -> None:
    helpers: SimRole = harness.guild.create_role("Study helpers")
    carol.add_role(helpers)
    allow_command(harness.sim, harness.guild, "daily", roles=(helpers.id,), users=(alice.id,))
    await harness.settle()
    refused = await carol.slash("daily pause")
    assert "Only moderators can do that" in refused.text
    named = await mod.slash("studybot settings moderator-role", role=helpers)
    assert "can now run studybot's moderator commands" in named.text
    paused = await carol.slash("daily pause")
    assert "paused" in paused.text and "Only moderators" not in paused.text
    assert "Only moderators can do that" in (await alice.slash("daily resume")).text
    shown = await mod.slash("studybot settings show")
    assert helpers.mention in shown.text
    allow_command(harness.sim, harness.guild, "studybot", roles=(helpers.id,))
    await harness.settle()
    escalate = await carol.slash("studybot settings moderator-role", role=harness.guild.create_role("Friends"))
    assert "Only members with **Manage Server**" in escalate.text
    everyone = await mod.slash("studybot settings moderator-role", role=harness.guild.everyone)
    assert "cannot be the moderator role" in everyone.text
    cleared = await mod.slash("studybot settings moderator-role")
    assert "No moderator role is named" in cleared.text
    assert "Only moderators can do that" in (await carol.slash("daily resume")).text
    audit = await mod.slash("studybot audit")
    assert "named the moderator role" in audit.text

