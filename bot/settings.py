"""Configuration from the environment (prefix ``STUDYBOT_``) and an optional ``.env`` file.

Settings are created once in the CLI and injected into the bot; nothing reads the
environment at import time, so tests can build any configuration they need.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SHIPPED_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

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
    content_dir: Path = Field(default=SHIPPED_CONTENT_DIR, description="Folder holding content packs.")
    log_level: LogLevel = Field(default="INFO")
    dev_guild_id: int | None = Field(
        default=None, description="Sync commands to this guild only (instant), for development."
    )
    backup_dir: Path = Field(default=Path("./backups"), description="Where scheduled backups go.")
    backup_keep: int = Field(default=7, ge=1, le=365, description="How many backups to keep.")
    owner_ids: list[int] = Field(default_factory=list, description="Discord user ids of the bot owners.")
    requests_per_second: float = Field(
        default=48.0, gt=0, le=50,
        description="Pace of scheduled posts; Discord's global limit is 50 requests a second per bot.")
    srs_fuzzing: bool = Field(
        default=True,
        description="Spread flashcard due dates by a little randomness so reviews do not bunch up (FSRS fuzz).")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

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

    @property
    def token(self) -> str | None:
        return self.discord_token.get_secret_value() if self.discord_token else None

    def apply_logging(self) -> None:
        """Configure the root logger once, at start-up (lines carry their guild and job)."""
        from bot.logcontext import install

        install(self.log_level)
