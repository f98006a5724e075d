"""Settings: defaults, the token aliases, .env files and bad values."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import SHIPPED_CONTENT_DIR, Settings

ENV_VARS = [
    "STUDYBOT_DISCORD_TOKEN", "DISCORD_TOKEN", "STUDYBOT_DATABASE_PATH", "STUDYBOT_CONTENT_DIR",
    "STUDYBOT_LOG_LEVEL", "STUDYBOT_DEV_GUILD_ID", "STUDYBOT_OWNER_IDS",
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def test_defaults_without_a_token() -> None:
    settings = Settings()
    assert settings.token is None
    assert settings.database_path == Path("studybot.sqlite3")
    assert settings.content_dirs == (SHIPPED_CONTENT_DIR,)
    assert settings.log_level == "INFO"
    assert settings.dev_guild_id is None


@pytest.mark.parametrize("variable", ["STUDYBOT_DISCORD_TOKEN", "DISCORD_TOKEN"])
def test_token_from_either_variable_is_secret(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "abc.def.ghi")
    settings = Settings()
    assert settings.token == "abc.def.ghi"
    assert "abc.def.ghi" not in repr(settings)


def test_blank_token_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYBOT_DISCORD_TOKEN", "   ")
    assert Settings().token is None


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "STUDYBOT_DISCORD_TOKEN=from-dotenv\nSTUDYBOT_LOG_LEVEL=debug\nSTUDYBOT_DEV_GUILD_ID=42\n", encoding="utf-8"
    )
    settings = Settings()
    assert settings.token == "from-dotenv"
    assert settings.log_level == "DEBUG"
    assert settings.dev_guild_id == 42


def test_bad_values_are_rejected_with_the_field_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYBOT_LOG_LEVEL", "LOUD")
    monkeypatch.setenv("STUDYBOT_DEV_GUILD_ID", "not-a-number")
    with pytest.raises(ValidationError) as caught:
        Settings()
    fields = {error["loc"][0] for error in caught.value.errors()}
    assert fields == {"log_level", "dev_guild_id"}


@pytest.mark.parametrize(("value", "expected"), [
    ("shipped", ["shipped"]),
    ("", ["shipped"]),
    ("/srv/packs", ["/srv/packs"]),
    ("shipped:/srv/packs", ["shipped", "/srv/packs"]),
    ("/srv/packs:shipped:/srv/packs", ["/srv/packs", "shipped"]),
])
def test_content_dir_replaces_or_adds_to_the_shipped_packs(monkeypatch: pytest.MonkeyPatch, value: str,
                                                         expected: list[str]) -> None:
    monkeypatch.setenv("STUDYBOT_CONTENT_DIR", value)
    folders = Settings().content_dirs
    assert folders == tuple(SHIPPED_CONTENT_DIR if e == "shipped" else Path(e) for e in expected)
