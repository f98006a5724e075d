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


# -- one anatomy for every feature ---------------------------------------------------------------
# A feature is a package in cogs/ (its Discord side) with a package of the same name in bot/ (the rest).
# Shared, feature-free packages of bot/ (storage, posting, content, the CLI, the local Discord, ...) are
# every package of bot/ that no cog is named after.
BOT_FILES = ("__init__.py", "service.py")
BOT_FILES_WITH_STATE = ("models.py", "repository.py")
COG_FILES = ("__init__.py", "cog.py", "views.py", "embeds.py")
# Features that keep no tables of their own have no repository; the welcome form stores nothing itself.
STATELESS = {"welcome"}
# Extensions that show nothing to press or fill in have no views.py, with the reason.
WITHOUT_VIEWS = {
    "stats": "/stats answers with one chart; it has no buttons or forms",
    "rewards": "/rewards set|clear|status answer with text and an embed; nothing to press",
}
SHARED_COG_MODULES = ("about.py", "upcoming.py")  # whole-bot views over several features, no state


def _features() -> list[str]:
    return sorted(p.name for p in (ROOT / "cogs").iterdir()
                  if p.is_dir() and not p.name.startswith(("_", ".")) and (p / "__init__.py").exists())


def _bot_packages() -> set[str]:
    return {p.name for p in (ROOT / "bot").iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def test_every_feature_has_the_same_name_in_both_layers() -> None:
    missing = [f"bot/{name}" for name in _features() if name not in _bot_packages()]
    assert not missing, f"features with no package of the same name in bot/: {missing}"
    single = sorted(p.name for p in (ROOT / "cogs").glob("*.py") if not p.name.startswith("_"))
    assert single == sorted(SHARED_COG_MODULES), f"extensions must be feature packages: {single}"


def test_every_feature_has_the_same_files() -> None:
    problems = []
    for name in _features():
        for layer, wanted in (("bot", BOT_FILES + (() if name in STATELESS else BOT_FILES_WITH_STATE)),
                              ("cogs", tuple(f for f in COG_FILES
                                             if not (f == "views.py" and name in WITHOUT_VIEWS)))):
            absent = [f for f in wanted if not (ROOT / layer / name / f).exists()]
            if absent:
                problems.append(f"{layer}/{name} lacks {absent}")
    for name, reason in WITHOUT_VIEWS.items():
        if (ROOT / "cogs" / name / "views.py").exists():
            problems.append(f"cogs/{name} has views.py now: take it out of WITHOUT_VIEWS ({reason})")
    assert not problems, "\n".join(problems)


def test_every_feature_has_a_public_interface() -> None:
    for name in _features():
        module = importlib.import_module(f"bot.{name}")
        assert getattr(module, "__all__", None), f"bot/{name}/__init__.py must list its public interface in __all__"


def test_a_service_publisher_is_a_protocol_implemented_by_its_discord_publisher() -> None:
    """``XPublisher`` in bot/<feature> is the interface; cogs/<feature>/ implements it as ``DiscordXPublisher``."""
    problems = []
    for name in _features():
        interfaces = [n for n in importlib.import_module(f"bot.{name}").__all__
                      if n.endswith("Publisher") and n[0].isupper()]
        implementations = set()
        for path in (ROOT / "cogs" / name).glob("*publisher.py"):
            implementations |= {node.name for node in ast.parse(path.read_text(encoding="utf-8")).body
                                if isinstance(node, ast.ClassDef)}
        problems += [f"cogs/{name} has no Discord{i}" for i in interfaces if f"Discord{i}" not in implementations]
        problems += [f"cogs/{name}: {c} implements no {c.removeprefix('Discord')} of bot.{name}"
                     for c in implementations if c.removeprefix("Discord") not in interfaces]
        if interfaces and not (ROOT / "cogs" / name / "publisher.py").exists():
            problems.append(f"cogs/{name} needs publisher.py")
    assert not problems, "\n".join(problems)


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def _feature_of(path: Path) -> tuple[str, str | None]:
    parts = path.relative_to(ROOT).parts
    return parts[0], parts[1] if len(parts) > 2 else None


def test_features_use_each_other_only_through_their_public_interface() -> None:
    """``bot.daily`` is daily's interface; ``bot.daily.repository`` is daily's own business.

    A cog reaches every bot feature (its own included) through the feature's ``__init__``; bot code
    reaches another feature the same way; a cog reaches another cog's feature only through that
    package, never its modules.
    """
    features = set(_features())
    offenders = []
    for layer in ("bot", "cogs"):
        for path in sorted((ROOT / layer).rglob("*.py")):
            _, own = _feature_of(path)
            for imported in _imports(path):
                parts = imported.split(".")
                if len(parts) < 3 or parts[0] not in ("bot", "cogs") or parts[1] not in features:
                    continue
                inside_own_package = parts[0] == layer and parts[1] == own
                if not inside_own_package:
                    offenders.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert not offenders, "\n".join(offenders)


def test_views_reach_services_by_type_not_by_cog_name() -> None:
    offenders = [f"{path.relative_to(ROOT)}" for path in (ROOT / "cogs").rglob("*.py")
                 if "get_cog(" in path.read_text(encoding="utf-8")]
    assert not offenders, f"use cogs._common.service_of(interaction, XService) instead of get_cog: {offenders}"


def test_every_type_ignore_names_its_error() -> None:
    """mypy (run by .ci/run) refuses a bare ignore; this keeps tests and benchmarks to the same rule."""
    offenders = []
    for folder in ("bot", "cogs"):
        for path in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if "# type: ignore" in line and "# type: ignore[" not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders, offenders


def test_persistent_forms_go_through_the_one_router() -> None:
    """Extensions add FormRoutes to ``client.forms``; none listens to every interaction itself."""
    offenders = [f"{path.relative_to(ROOT)}" for path in (ROOT / "cogs").rglob("*.py")
                 if "def on_interaction" in path.read_text(encoding="utf-8")]
    assert not offenders, f"route forms with client.forms.add(FormRoute(...)) instead: {offenders}"


# -- one way to wire a feature ---------------------------------------------------------------------
def _services_with_jobs() -> list[type]:
    """Every class a feature exports that is given the scheduler, so keeps jobs in it."""
    found = []
    for name in _features():
        module = importlib.import_module(f"bot.{name}")
        for export in module.__all__:
            cls = getattr(module, export)
            if inspect.isclass(cls):
                parameters = inspect.signature(cls.__init__).parameters.values()
                if any("JobScheduler" in str(parameter.annotation) for parameter in parameters):
                    found.append(cls)
    return found


def test_every_service_with_jobs_has_the_one_lifecycle() -> None:
    """``start`` registers the jobs, ``catch_up`` runs once a shard is ready, ``stop`` removes them."""
    services = _services_with_jobs()
    names = {cls.__name__ for cls in services}
    assert {"DailyService", "QuizService", "MockService", "MeetingService", "StreakService", "StreakReminders",
            "FeedbackService", "RewardService", "Backups", "GuildRetention"} <= names, names
    problems = [f"{cls.__module__}.{cls.__name__} lacks async {method}()" for cls in services
                for method in ("start", "catch_up", "stop")
                if not inspect.iscoroutinefunction(getattr(cls, method, None))]
    for name in _features():
        module = importlib.import_module(f"bot.{name}")
        if "JOB_PREFIX" in module.__all__ and not any(cls.__module__.startswith(f"bot.{name}.") for cls in services):
            problems.append(f"bot.{name} exports JOB_PREFIX but no service with start/catch_up/stop")
    assert not problems, "\n".join(problems)


def test_extensions_give_publishers_at_construction() -> None:
    """A service receives its publisher when it is built; no extension attaches one afterwards."""
    offenders = []
    for path in (ROOT / "cogs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else []
            offenders += [f"{path.relative_to(ROOT)}:{node.lineno}" for target in targets
                          if isinstance(target, ast.Attribute) and target.attr.endswith("publisher")]
    assert not offenders, f"pass the publisher to the service's constructor instead: {offenders}"


def test_cogs_call_only_their_service_s_own_methods() -> None:
    """``self.service.join(...)``, never ``self.service.signups.join(...)``: the service is the cog's one door.

    What a service is made of (its repository, delivery, sign-ups) may change without a cog noticing.
    """
    offenders = []
    for path in (ROOT / "cogs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owners, value = [], node.func.value  # the names the method is reached through, nearest first
            while isinstance(value, ast.Attribute):
                owners.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name):
                owners.append(value.id)
            if "service" in owners[1:]:
                chain = ".".join(reversed(owners))
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {chain}.{node.func.attr}()")
    assert not offenders, "give the service a method that delegates:\n" + "\n".join(offenders)
