"""The ``studybot`` command line.

Each module in this package that defines ``register(subparsers)`` adds its own
sub-commands, so features extend the CLI without touching this file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sqlite3
import sys
from collections.abc import Sequence
from typing import NoReturn

import bot
from bot.cli.common import CliExit, Status, explain_database_error, explain_os_error, fail
from bot.errors import UserFacingError
from bot.storage import DatabaseTooNew


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: what is wrong and where the help is, not the whole usage."""

    def error(self, message: str) -> NoReturn:
        fail(f"{message} (see `{self.prog} --help`)", Status.CONFIGURATION)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="studybot",
        description="A Discord study-group bot: daily AI-systems design prompts, flashcards, "
        "streaks and mock-interview pairings.",
    )
    parser.add_argument("--version", action="version", version=f"studybot {bot.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except CliExit:
        raise
    except sqlite3.Error as error:
        database = getattr(args, "database_path", None) or "the database"
        fail(explain_database_error(database, error), Status.DATABASE)
    except DatabaseTooNew as error:
        fail(str(error), Status.DATABASE)
    except UserFacingError as error:
        fail(error.render().replace("\n", " "), Status.FAILED)
    except OSError as error:
        fail(explain_os_error(error), Status.FILE)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
