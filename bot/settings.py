"""Configuration from the environment (prefix ``STUDYBOT_``) and an optional ``.env`` file.

Settings are created once in the CLI and injected into the bot; nothing reads the
environment at import time, so tests can build any configuration they need.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def shipped_content_dir() -> Path:
    """The packs that come with studybot: inside the installed package, or ``content/`` of a checkout.

    A wheel carries the top-level ``content/`` folder as ``bot/shipped_content`` (see setup.py); a source
    checkout or an editable install reads the folder itself, so edits to the packs show up at once.
    """
    package = Path(__file__).resolve().parent
    installed = package / "shipped_content"
    if installed.is_dir():
        return installed
    return package.parent / "content"


SHIPPED_CONTENT_DIR = shipped_content_dir()
SHIPPED = "shipped"  # the word in STUDYBOT_CONTENT_DIR that stands for the packs that come with studybot
# Variables read from the environment by the modules that use them rather than through Settings.
ENVIRONMENT_ONLY = frozenset({"STUDYBOT_EVENT_LOOP",  # bot.eventloop
                              "STUDYBOT_CRASH_AT"})  # bot.posting.crashpoints

if TYPE_CHECKING:
    from bot.shards import ShardLayout

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Everything a self-hoster can configure. See ``.env.example`` and the README."""

    model_config = SettingsConfigDict(
        env_prefix="STUDYBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    discord_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("STUDYBOT_DISCORD_TOKEN", "DISCORD_TOKEN", "discord_token"),
        description="Bot token from the Discord developer portal.",
    )
    database_path: Path = Field(default=Path("./studybot.sqlite3"), description="SQLite database file.")
    content_dir: str = Field(
        default=SHIPPED,
        description="Folders of content packs separated by ':'; the word 'shipped' is the packs that come "
        "with studybot. '/srv/packs' replaces them, 'shipped:/srv/packs' adds to them.")
    log_level: LogLevel = Field(default="INFO")
    dev_guild_id: int | None = Field(
        default=None, description="Sync commands to this guild only (instant), for development."
    )
    backup_dir: Path = Field(default=Path("./backups"), description="Where scheduled backups go.")
    backup_keep: int = Field(default=7, ge=1, le=365, description="How many backups to keep.")
    # NoDecode: the raw text reaches the validator below, which reads a JSON list and a comma-separated list
    # alike; pydantic-settings' own JSON decoding would fail on `123,456` or a blank value with a traceback.
    owner_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Discord user ids of the bot owners: `[123, 456]` or `123,456`.")
    requests_per_second: float = Field(
        default=48.0, gt=0, le=50,
        description="Most of the bot's own requests in any one second; scheduled posts are spread evenly and "
                    "members' go first. Discord's global limit is 50 requests a second per bot.")
    startup_timeout: float = Field(
        default=300.0, ge=0, le=86400,
        description="Seconds to keep retrying an unreachable Discord at start before exiting (status 5).")
    shard_count: int | None = Field(
        default=None, ge=1,
        description="Total number of gateway shards across every process; empty: as many as Discord recommends.")
    shard_ids: str | None = Field(
        default=None,
        description="The shards this process runs, e.g. `0-3` (needs shard_count); empty: all of them.")
    srs_fuzzing: bool = Field(
        default=True,
        description="Spread flashcard due dates by a little randomness so reviews do not bunch up (FSRS fuzz).")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("shard_count", "shard_ids", mode="before")
    @classmethod
    def _blank_shard_setting_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("shard_ids")
    @classmethod
    def _readable_shard_ids(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Shard ids must parse and fit the shard count (which is validated first)."""
        if value is not None:
            from bot.errors import InvalidInput
            from bot.shards import ShardLayout, parse_shard_ids

            try:
                ShardLayout(info.data.get("shard_count"), parse_shard_ids(value))
            except InvalidInput as error:
                raise ValueError(f"{error} {error.hint}") from None
        return value

    @property
    def shard_layout(self) -> ShardLayout:
        from bot.shards import ShardLayout, parse_shard_ids

        ids = parse_shard_ids(self.shard_ids) if self.shard_ids else None
        return ShardLayout(self.shard_count, ids)

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _owner_ids_text(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                listed = json.loads(text)
            except json.JSONDecodeError:
                raise ValueError(f"`{text[:40]}` is not a list of user ids; write `[123, 456]` or `123,456`") from None
            # Each entry is checked by the rule `123,456` is checked by, so a bad one is named in a line about
            # STUDYBOT_OWNER_IDS (pydantic would name its position as a variable, STUDYBOT_OWNER_IDS_1) and a
            # negative number is refused in both forms.
            parts = [str(item) for item in listed] if isinstance(listed, list) else [text]
        else:
            parts = [part for part in re.split(r"[\s,]+", text) if part]
        for part in parts:
            if not (part.isascii() and part.isdecimal()):
                raise ValueError(f"`{part[:40]}` is not a Discord user id (a number); write `[123, 456]` or `123,456`")
        return [int(part) for part in parts]

    @field_validator("database_path", "backup_dir")
    @classmethod
    def _home_folder(cls, value: Path) -> Path:
        """``~`` is the home folder, as in STUDYBOT_CONTENT_DIR: a ``.env`` line reaches here unexpanded (no shell
        reads it), and taken as written it would put a new, empty database in a folder named ``~``."""
        return value.expanduser()

    @field_validator("dev_guild_id", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("content_dir", mode="before")
    @classmethod
    def _content_dir_text(cls, value: object) -> object:
        if isinstance(value, Path):
            return str(value)
        if isinstance(value, str) and not value.strip():
            return SHIPPED
        return value

    @property
    def content_dirs(self) -> tuple[Path, ...]:
        """Every folder of packs to load, in order, with ``shipped`` resolved to the installed packs."""
        folders = []
        for entry in self.content_dir.split(os.pathsep):
            entry = entry.strip()
            if entry:
                folders.append(SHIPPED_CONTENT_DIR if entry == SHIPPED else Path(entry).expanduser())
        return tuple(dict.fromkeys(folders)) or (SHIPPED_CONTENT_DIR,)

    @classmethod
    def names(cls) -> frozenset[str]:
        """Every ``STUDYBOT_`` variable studybot reads, to tell a misspelt one from a setting."""
        return frozenset(f"STUDYBOT_{name.upper()}" for name in cls.model_fields) | ENVIRONMENT_ONLY

    @property
    def token(self) -> str | None:
        return self.discord_token.get_secret_value() if self.discord_token else None

    def apply_logging(self) -> None:
        """Configure the root logger once, at start-up (lines carry their guild and job)."""
        from bot.logcontext import install

        install(self.log_level)
