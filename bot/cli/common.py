"""Start-up steps shared by CLI commands, each failing with one readable line, not a traceback.

Every expected failure ends the process with a status of its own (see :class:`Status`), so a service
manager can tell "fix the configuration" from "Discord was down, try again later".
"""

from __future__ import annotations

import difflib
import os
import re
import sqlite3
import stat
import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from dotenv import dotenv_values
from pydantic import ValidationError
from pydantic_settings import SettingsError

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.content import ContentStore


class Status(IntEnum):
    """Exit statuses of ``studybot``; the README's Command line section lists them."""

    OK = 0
    FAILED = 1  # the command ran and found a problem (invalid input, a check that failed)
    CONFIGURATION = 2  # bad arguments or settings, or no token: a person must change something
    DATABASE = 3  # the database file cannot be used: not a database, locked, read-only, too new
    FILE = 4  # a file or folder given is missing, of the wrong kind, or not readable/writable
    DISCORD_UNREACHABLE = 5  # Discord did not answer within the start-up budget; worth retrying later
    TOKEN_REJECTED = 6  # Discord refused the token
    CONTENT = 7  # the content packs do not validate


class CliExit(SystemExit):
    """Exit with a message on stderr and a status code."""


def fail(message: str, code: int = Status.FAILED) -> NoReturn:
    print(f"studybot: {message}", file=sys.stderr)
    raise CliExit(int(code))


def _setting_name(location: tuple[int | str, ...], overrides: dict[str, Any]) -> str:
    """Name a bad value where the self-hoster gave it: a command-line flag, else its environment variable."""
    field = "_".join(str(part) for part in location)
    if field in overrides:
        return "--" + field.replace("_", "-")
    return f"STUDYBOT_{field.upper()}"


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment and ``.env``, explaining any bad value or misspelt name."""
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        problems = "; ".join(f"{_setting_name(e['loc'], overrides)}: {e['msg']}" for e in error.errors())
        fail(f"invalid configuration: {problems}", Status.CONFIGURATION)
    except SettingsError as error:  # a value pydantic-settings could not read at all, before any validation
        field = re.search(r'field "(\w+)"', str(error))
        name = f"STUDYBOT_{field.group(1).upper()}" if field else "a setting"
        fail(f"invalid configuration: {name} could not be read ({error.__cause__ or error})", Status.CONFIGURATION)
    except UnicodeDecodeError as error:  # the .env file, saved by an editor in another encoding
        env_file = Settings.model_config.get("env_file")
        fail(f"invalid configuration: {env_file} is not UTF-8 text (byte {error.object[error.start]:#04x} at "
             f"position {error.start}); save it as UTF-8", Status.CONFIGURATION)
    _refuse_unknown_names()
    return settings


def _refuse_unknown_names() -> None:
    """Stop on a misspelt ``STUDYBOT_`` variable. Settings ignore it and use the default instead, so a misspelt
    STUDYBOT_DATABASE_PATH would start the bot on a new, empty database as if every member were new.

    Every unknown name in ``.env``, the bot's own file, is refused. In the environment only a name close to a
    setting is: others may set ``STUDYBOT_`` names there for their own ends (a container platform names a service's
    address ``STUDYBOT_SERVICE_HOST``)."""
    known = Settings.names()
    given = [(name, "the environment", False) for name in os.environ]
    env_file = Path(str(Settings.model_config.get("env_file") or ""))
    if env_file.name and env_file.is_file():
        given += [(name, str(env_file), True) for name in dotenv_values(env_file, encoding="utf-8")]
    for name, where, own_file in given:
        if name.upper().startswith("STUDYBOT_") and name.upper() not in known:
            # A misspelling is nearly the name (DATABSE_PATH: 0.98); SERVICE_HOST is 0.67 from OWNER_IDS.
            close = difflib.get_close_matches(name.upper(), sorted(known), n=1, cutoff=0.6 if own_file else 0.85)
            if not close and not own_file:
                continue
            guess = f"; did you mean {close[0]}?" if close else ""
            fail(f"invalid configuration: {name} (in {where}) is not a studybot setting{guess} The README's "
                 "Configuration section lists them", Status.CONFIGURATION)


def load_content(settings: Settings) -> ContentStore:
    """Load the content packs, or stop with the validator's report."""
    from bot.content import ContentError, ContentStore

    try:
        return ContentStore.load(settings.content_dirs)
    except ContentError as error:
        where = ", ".join(str(folder) for folder in settings.content_dirs)
        report = str(error.problems[0]) if len(error.problems) == 1 else f"\n{error}"
        fail(f"content packs in {where} are invalid: {report}", Status.CONTENT)


def check_database_file(path: Path, *, must_exist: bool = False, writable: bool = True, backup: bool = False) -> None:
    """Refuse a database path that cannot work, before SQLite gives a vaguer error for it.

    ``backup``: the path is a backup given on the command line, so the line points at the backup rather than at
    STUDYBOT_DATABASE_PATH, which is not what needs changing."""
    if path.is_dir():
        fail(f"{path} is a folder; give the backup file to restore" if backup else
             f"{path} is a folder; STUDYBOT_DATABASE_PATH must name a database file", Status.FILE)
    if not path.exists():
        if must_exist:
            fail(f"there is no database at {path}", Status.FILE)
        if path.parent.exists() and not path.parent.is_dir():
            fail(f"{path.parent} is a file, so {path} cannot be created; choose another path", Status.FILE)
        return
    if writable and not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        fail(f"{path} is read-only; make it writable (chmod u+w {path}) or point STUDYBOT_DATABASE_PATH "
             "at a copy", Status.DATABASE)
    with path.open("rb") as head:
        header = head.read(16)
    if header and header != b"SQLite format 3\x00":
        fail(f"{path} is not a SQLite database; give a backup made by `studybot db backup`" if backup else
             f"{path} is not a SQLite database; check STUDYBOT_DATABASE_PATH", Status.DATABASE)


def explain_database_error(path: Path | str, error: sqlite3.Error) -> str:
    """What SQLite's terse error means for the file at ``path``, and what to do about it."""
    text = str(error).lower()
    if "not a database" in text or "malformed" in text:
        return f"{path} is not a usable SQLite database ({error}); restore a backup with `studybot db restore`"
    if "locked" in text or "busy" in text:
        return (f"{path} stayed locked by another process for longer than studybot waits (shard processes "
                "sharing it only hold it for moments: look for a long `db` command, a backup tool or a stray "
                "studybot); let it finish or stop it, then retry")
    if "readonly" in text or "read-only" in text:
        return f"{path} (or its folder) is read-only; the bot needs to write the file and its -wal/-shm files"
    if "unable to open" in text:
        return f"cannot open {path}: check that its folder exists and is writable"
    if "disk is full" in text:
        return f"the disk holding {path} is full; free some space and retry"
    return f"{path}: {error}"


# What each kind of file error means, said about the file ({name}); the first kind that matches wins.
OS_ERRORS: tuple[tuple[type[OSError], str], ...] = (
    (FileNotFoundError, "{name} does not exist"),
    (FileExistsError, "{name} already exists and is not a folder"),
    (IsADirectoryError, "{name} is a folder; a file is needed here"),
    (NotADirectoryError, "{name}: a part of this path is a file, not a folder"),
    (PermissionError, "no permission to use {name}"),
)


def explain_os_error(error: OSError) -> str:
    name = error.filename or "the file"
    for kind, text in OS_ERRORS:
        if isinstance(error, kind):
            return text.format(name=name)
    return f"{name}: {error.strerror or error}"
