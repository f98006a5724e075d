"""Every subcommand given what a self-hoster gets wrong: one clear line, a non-zero status, no traceback.

Bad arguments, missing files, a folder where a file belongs, a file that is not a database, a database
locked by another process or marked read-only. ``run`` and ``sync`` run in a process of their own (they
configure logging); the rest call the CLI's ``main`` directly.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.common import Status
from bot.storage import LATEST_VERSION

S = Status


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working folder with every kind of wrong file, and the settings cleared."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("STUDYBOT_") or name == "DISCORD_TOKEN":
            monkeypatch.delenv(name)
    (tmp_path / "notes.txt").write_text("not a database\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "doc.txt").write_text("Frequently Asked Questions\n1. Why?\nBecause.\n", encoding="utf-8")
    for name in ("good.sqlite3", "readonly.sqlite3", "locked.sqlite3"):
        with sqlite3.connect(tmp_path / name) as conn:
            conn.execute("CREATE TABLE t (x)")
            conn.execute(f"PRAGMA user_version = {LATEST_VERSION}")
        conn.close()
    sqlite3.connect(tmp_path / "empty.sqlite3").execute("CREATE TABLE t (x)").connection.close()
    (tmp_path / "readonly.sqlite3").chmod(0o444)
    holder = sqlite3.connect(tmp_path / "locked.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield tmp_path
    holder.close()


IN_PROCESS = [
    # (arguments, STUDYBOT_DATABASE_PATH or None, expected status, words the line must hold)
    (["nonsense"], None, S.CONFIGURATION, "invalid choice"),
    (["db"], None, S.CONFIGURATION, "required"),
    (["db", "backup", "a", "b"], None, S.CONFIGURATION, "unrecognized arguments"),
    (["demo", "--seed", "abc"], None, S.CONFIGURATION, "invalid int value"),
    (["demo", "--output-dir", "notes.txt"], None, S.FILE, "notes.txt already exists and is not a folder"),
    (["content", "validate", "missing"], None, S.FILE, "missing does not exist"),
    (["content", "validate", "notes.txt"], None, S.FILE, "notes.txt is a file"),
    (["content", "validate", "--source", "folder"], None, S.FILE, "folder is a folder"),
    (["content", "validate", "--source", "/dev/null"], None, S.FILE, "/dev/null is not a regular file"),
    (["content", "import", "/dev/null", "--pack", "mine"], None, S.FILE, "/dev/null is not a regular file"),
    (["content", "import", "missing.txt", "--pack", "mine"], None, S.FILE, "missing.txt does not exist"),
    (["content", "import", "folder", "--pack", "mine"], None, S.FILE, "folder is a folder"),
    (["content", "import", "doc.txt", "--pack", "mine", "--into", "notes.txt"], None, S.FILE, "--into needs a folder"),
    (["content", "import", "doc.txt"], None, S.CONFIGURATION, "--pack"),
    (["db", "migrate"], "notes.txt", S.DATABASE, "not a SQLite database"),
    (["db", "migrate"], "folder", S.FILE, "is a folder"),
    (["db", "migrate"], "notes.txt/bot.sqlite3", S.FILE, "notes.txt is a file"),
    (["db", "migrate"], "readonly.sqlite3", S.DATABASE, "read-only"),
    (["db", "migrate"], "locked.sqlite3", S.DATABASE, "locked by another process"),
    (["db", "backup", "copy.sqlite3"], "missing.sqlite3", S.FILE, "no database at missing.sqlite3"),
    (["db", "backup", "folder"], "notes.txt", S.DATABASE, "not a SQLite database"),
    (["db", "backup", "folder"], "folder", S.FILE, "is a folder"),
    (["db", "backup", "notes.txt"], "good.sqlite3", S.FILE, "notes.txt already exists"),
    (["db", "backup", "notes.txt/copy.sqlite3"], "good.sqlite3", S.FILE, "notes.txt is a file"),
    (["db", "backup", "folder"], "locked.sqlite3", S.DATABASE, "locked by another process"),
    (["db", "restore"], "good.sqlite3", S.CONFIGURATION, "required"),
    (["db", "restore", "missing.sqlite3"], "good.sqlite3", S.FILE, "no database at missing.sqlite3"),
    (["db", "restore", "folder"], "good.sqlite3", S.FILE, "folder is a folder"),
    (["db", "restore", "notes.txt"], "good.sqlite3", S.DATABASE, "not a SQLite database"),
    (["db", "restore", "empty.sqlite3"], "good.sqlite3", S.DATABASE, "no studybot data"),
    (["db", "restore", "good.sqlite3"], "readonly.sqlite3", S.DATABASE, "read-only"),
    (["db", "restore", "good.sqlite3"], "folder", S.FILE, "is a folder"),
]


@pytest.mark.parametrize(("argv", "database", "status", "words"), IN_PROCESS,
                         ids=[" ".join(c[0]) + (f" @{c[1]}" if c[1] else "") for c in IN_PROCESS])
def test_one_clear_line_and_a_status(place: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str], argv: list[str], database: str | None,
                                     status: Status, words: str) -> None:
    if database is not None:
        monkeypatch.setenv("STUDYBOT_DATABASE_PATH", database)
    with pytest.raises(SystemExit) as caught:
        main(argv)
    out, err = capsys.readouterr()
    assert caught.value.code == status, err
    assert out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studybot: ") and words in lines[0], err


def run_cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_") and k != "DISCORD_TOKEN"}
    clean.update(env)
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=clean, capture_output=True,
                          text=True, timeout=60, check=False)


CONNECTING = [
    (["run"], {"STUDYBOT_DATABASE_PATH": "notes.txt"}, S.DATABASE, "not a SQLite database"),
    (["run"], {"STUDYBOT_DATABASE_PATH": "folder"}, S.FILE, "is a folder"),
    (["run"], {"STUDYBOT_DATABASE_PATH": "locked.sqlite3"}, S.DATABASE, "locked by another process"),
    (["sync"], {"STUDYBOT_DATABASE_PATH": "readonly.sqlite3"}, S.DATABASE, "read-only"),
    (["run"], {"STUDYBOT_CONTENT_DIR": "missing"}, S.CONTENT, "missing: is not a folder of content packs"),
    (["run"], {"STUDYBOT_STARTUP_TIMEOUT": "soon"}, S.CONFIGURATION, "STUDYBOT_STARTUP_TIMEOUT"),
    (["run", "--now"], {}, S.CONFIGURATION, "unrecognized arguments"),
    (["run", "--shard-count", "0"], {}, S.CONFIGURATION, "--shard-count: Input should be greater than"),
    (["run", "--shard-count", "2", "--shard-ids", "5"], {"STUDYBOT_SHARD_COUNT": "4"}, S.CONFIGURATION,
     "--shard-ids: Value error, Shard ids [5] do not exist with 2 shards"),
]


@pytest.mark.parametrize(("argv", "env", "status", "words"), CONNECTING,
                         ids=[" ".join(c[0]) + " " + ",".join(f"{k}={v}" for k, v in c[1].items())
                              for c in CONNECTING])
def test_run_and_sync_stop_before_connecting_with_one_line(place: Path, argv: list[str], env: dict[str, str],
                                                           status: Status, words: str) -> None:
    result = run_cli(*argv, cwd=place, env={"STUDYBOT_DISCORD_TOKEN": "not.a.token", **env})
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr
