"""Structural checks over the whole code base: extensions, command names, layering."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from discord import app_commands
from discord.ext import commands

from bot.bot import extension_names

ROOT = Path(__file__).resolve().parent.parent

# Parts of bot/ that are Discord-facing by design; everything else is core and must not touch discord.
DISCORD_FACING = {"bot/__main__.py", "bot/bot.py", "bot/error_handler.py", "bot/cli", "bot/localdiscord", "bot/demo"}
FORBIDDEN_IN_CORE = ("discord", "cogs", "bot.bot", "bot.error_handler", "bot.localdiscord", "bot.demo", "bot.cli")


def test_every_extension_has_an_async_setup() -> None:
    names = extension_names()
    assert "cogs.about" in names
    for name in names:
        module = importlib.import_module(name)
        assert inspect.iscoroutinefunction(getattr(module, "setup", None)), f"{name} has no async setup()"


def _extension_modules() -> list:
    """Every module of every extension (a package's submodules included)."""
    modules = []
    for name in extension_names():
        package = importlib.import_module(name)
        modules.append(package)
        if Path(package.__file__).name == "__init__.py":
            for child in sorted(Path(package.__file__).parent.glob("*.py")):
                if child.stem != "__init__":
                    modules.append(importlib.import_module(f"{name}.{child.stem}"))
    return modules


def _top_level_commands() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for mod in _extension_modules():
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if issubclass(cls, commands.Cog) and cls.__module__ == mod.__name__:
                if cls.__cog_is_app_commands_group__:
                    found.append((cls.__cog_group_name__, mod.__name__))
                else:
                    found.extend((command.name, mod.__name__) for command in cls.__cog_app_commands__)
        for value in vars(mod).values():
            if isinstance(value, app_commands.Group | app_commands.Command) and value.parent is None:
                found.append((value.name, mod.__name__))
    return sorted(set(found))


def test_no_two_extensions_share_a_command_name() -> None:
    owners: dict[str, set[str]] = {}
    for command, owner in _top_level_commands():
        owners.setdefault(command, set()).add(owner.split(".")[1])
    clashes = {command: where for command, where in owners.items() if len(where) > 1}
    assert not clashes, f"commands defined by more than one extension: {clashes}"
    assert "about" in owners


def _core_files() -> list[Path]:
    files = []
    for path in (ROOT / "bot").rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if not any(relative == part or relative.startswith(part + "/") for part in DISCORD_FACING):
            files.append(path)
    return files


def test_core_never_imports_discord() -> None:
    offenders = []
    for path in _core_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for imported in names:
                if any(imported == bad or imported.startswith(bad + ".") for bad in FORBIDDEN_IN_CORE):
                    offenders.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert not offenders, "\n".join(offenders)


def test_cogs_hold_no_sql() -> None:
    keywords = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "CREATE TABLE")
    offenders = []
    for path in (ROOT / "cogs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if any(word in node.value.upper() for word in keywords) and "--" not in node.value:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, f"SQL found in cogs: {offenders}"


def test_every_view_and_modal_uses_the_shared_base_classes() -> None:
    """BaseView/BaseModal supply interaction_check, on_timeout and the shared error handler."""
    import discord

    from cogs._common import BaseModal, BaseView

    for module in _extension_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            if issubclass(cls, discord.ui.View):
                assert issubclass(cls, BaseView), f"{cls.__qualname__} must subclass BaseView"
                assert "interaction_check" in dir(cls) and "on_timeout" in dir(cls)
            if issubclass(cls, discord.ui.Modal):
                assert issubclass(cls, BaseModal), f"{cls.__qualname__} must subclass BaseModal"
