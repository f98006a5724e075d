"""Start-up steps shared by CLI commands, each failing with one readable line, not a traceback."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

from pydantic import ValidationError

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.content import ContentStore


class CliExit(SystemExit):
    """Exit with a message on stderr and a status code."""


def fail(message: str, code: int = 1) -> NoReturn:
    print(f"studybot: {message}", file=sys.stderr)
    raise CliExit(code)


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment and ``.env``, explaining any bad value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = "; ".join(
            f"STUDYBOT_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in error.errors()
        )
        fail(f"invalid configuration: {problems}", 2)


def load_content(settings: Settings) -> ContentStore:
    """Load the content packs, or stop with the validator's report."""
    from bot.content import ContentError, ContentStore

    try:
        return ContentStore.load(settings.content_dirs)
    except ContentError as error:
        where = ", ".join(str(folder) for folder in settings.content_dirs)
        fail(f"content packs in {where} are invalid:\n{error}", 1)
