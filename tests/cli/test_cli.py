"""The command line as a self-hoster meets it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import bot
from bot.cli import main
from bot.cli.common import Status
from bot.storage import LATEST_VERSION


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_") and k != "DISCORD_TOKEN"}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=60
    )


def test_run_without_a_token_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "STUDYBOT_DISCORD_TOKEN" in result.stderr
    assert "studybot demo" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_configuration_names_the_variable(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path, env={"STUDYBOT_LOG_LEVEL": "LOUD", "STUDYBOT_DISCORD_TOKEN": "x"})
    assert result.returncode == 2
    assert "STUDYBOT_LOG_LEVEL" in result.stderr
    assert "Traceback" not in result.stderr


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert bot.__version__ in capsys.readouterr().out


def test_db_migrate_then_backup(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "migrate"]) == 0
    assert f"-> {LATEST_VERSION}" in capsys.readouterr().out
    assert main(["db", "migrate"]) == 0
    assert f"{LATEST_VERSION} -> {LATEST_VERSION}" in capsys.readouterr().out
    assert main(["db", "backup", str(in_tmp / "copy.sqlite3")]) == 0
    with sqlite3.connect(in_tmp / "copy.sqlite3") as copy:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


def test_backup_without_a_database_fails_cleanly(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["db", "backup", str(in_tmp / "copy.sqlite3")])
    assert caught.value.code == Status.FILE
    assert "no database" in capsys.readouterr().err


def test_migrate_refuses_a_newer_database(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(in_tmp / "bot.sqlite3") as raw:
        raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(SystemExit) as caught:
        main(["db", "migrate"])
    assert caught.value.code == Status.DATABASE
    assert "Upgrade studybot" in capsys.readouterr().err


def test_a_broken_content_pack_stops_start_up_with_the_validators_report(tmp_path: Path) -> None:
    pack = tmp_path / "packs" / "mine"
    (pack / "flashcards").mkdir(parents=True)
    (pack / "pack.toml").write_text('schema_version = 1\nname = "mine"\ntitle = "Mine"\nversion = "1.0.0"\n'
                                    'description = "x"\n', encoding="utf-8")
    (pack / "flashcards" / "cards.toml").write_text('[[card]]\nid = "c-1"\nfront = "A question here?"\n',
                                                    encoding="utf-8")
    result = run_cli("run", cwd=tmp_path, env={"STUDYBOT_DISCORD_TOKEN": "x",
                                               "STUDYBOT_CONTENT_DIR": str(tmp_path / "packs")})
    assert result.returncode == Status.CONTENT
    assert "mine/flashcards/cards.toml [c-1] back" in result.stderr and "Traceback" not in result.stderr
