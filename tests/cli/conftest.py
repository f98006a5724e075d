"""What every command-line test starts from."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("STUDYBOT_") or name == "DISCORD_TOKEN":
            monkeypatch.delenv(name)
    monkeypatch.setenv("STUDYBOT_DATABASE_PATH", str(tmp_path / "bot.sqlite3"))
    return tmp_path
