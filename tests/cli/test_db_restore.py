"""``studybot db backup`` into a file or folder, and ``studybot db restore`` with its checks."""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.common import Status
from bot.storage import LATEST_VERSION, Database, load_migrations


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("STUDYBOT_"):
            monkeypatch.delenv(name)
    path = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("STUDYBOT_DATABASE_PATH", str(path))
    monkeypatch.setenv("STUDYBOT_BACKUP_DIR", str(tmp_path / "nightly"))
    assert main(["db", "migrate"]) == 0
    return path


def guild_names(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM marker ORDER BY name").fetchall()
    conn.close()
    return [r[0] for r in rows]


def mark(path: Path, name: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS marker (name TEXT)")
        conn.execute("INSERT INTO marker VALUES (?)", (name,))
    conn.close()


def test_backup_into_a_folder_then_restore_keeps_the_replaced_file_aside(
        live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mark(live, "before")
    (tmp_path / "copies").mkdir()
    assert main(["db", "backup", "copies"]) == 0
    (backup,) = (tmp_path / "copies").glob("studybot-*.sqlite3")
    assert f"to {Path('copies') / backup.name}" in capsys.readouterr().out
    mark(live, "after")
    assert main(["db", "restore", str(backup)]) == 0
    out = capsys.readouterr().out
    assert guild_names(live) == ["before"]
    (aside,) = tmp_path.glob("bot.sqlite3.before-restore-*")
    assert guild_names(aside) == ["after", "before"]
    assert f"restored {backup} to {live}" in out and str(aside) in out


def test_backup_without_a_path_goes_to_the_backup_folder(live: Path, tmp_path: Path) -> None:
    assert main(["db", "backup"]) == 0
    assert len(list((tmp_path / "nightly").glob("studybot-*.sqlite3"))) == 1


def test_restoring_an_older_backup_upgrades_it(live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "old.sqlite3"

    async def first_version_only() -> None:
        db = Database(old)
        await db.open(migrate=False)
        await db.migrate(load_migrations()[:1])
        await db.close()

    asyncio.run(first_version_only())
    assert main(["db", "restore", str(old)]) == 0
    assert f"upgraded from schema version 1 to {LATEST_VERSION}" in capsys.readouterr().out
    with sqlite3.connect(live) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    conn.close()


def test_a_damaged_or_newer_backup_is_refused_and_the_live_file_is_untouched(
        live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mark(live, "live")
    damaged = tmp_path / "damaged.sqlite3"
    with sqlite3.connect(damaged) as conn:
        conn.execute("CREATE TABLE big (x TEXT)")
        conn.executemany("INSERT INTO big VALUES (?)", [("x" * 500,) for _ in range(200)])
        conn.execute("CREATE INDEX big_x ON big (x)")
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    data = bytearray(damaged.read_bytes())
    data[4096 * 3: 4096 * 3 + 200] = b"\xff" * 200
    damaged.write_bytes(bytes(data))
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    for bad, words in ((damaged, "integrity"), (newer, "newer than this studybot")):
        with pytest.raises(SystemExit) as caught:
            main(["db", "restore", str(bad)])
        err = capsys.readouterr().err
        assert caught.value.code == Status.DATABASE
        assert (words in err) or (bad is damaged and "not a usable SQLite database" in err), err
    assert guild_names(live) == ["live"]
    assert not list(tmp_path.glob("bot.sqlite3.before-restore-*"))


def test_a_restore_cut_short_by_a_full_disk_leaves_the_live_database_as_it_was(live: Path, tmp_path: Path) -> None:
    mark(live, "live")
    big = tmp_path / "big.sqlite3"
    big.write_bytes(live.read_bytes())
    with sqlite3.connect(big) as conn:
        conn.execute("DELETE FROM marker")
        conn.executemany("INSERT INTO marker VALUES (?)", [("restored" + "x" * 1000,) for _ in range(3000)])
    conn.close()
    room = live.stat().st_size + 1_000_000  # room for the live file's copy aside, not for the whole backup

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (room, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    result = subprocess.run([sys.executable, "-m", "bot", "db", "restore", str(big)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=False, preexec_fn=small_disk)
    assert guild_names(live) == ["live"]
    assert result.returncode == Status.DATABASE, result.stderr
    assert "Traceback" not in result.stderr and f"{live} is unchanged" in result.stderr
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(live.name))
    assert left in ([live.name], [live.name, f"{live.name}.in-use"]), left  # the in-use lock holds no data


HOLDER = """
import sys
from pathlib import Path
from bot.storage.in_use import serving
with serving(Path(sys.argv[1])):
    print("serving", flush=True)
    sys.stdin.read()  # holds the file until killed (or its input closes)
"""


def test_a_restore_while_a_bot_serves_the_database_is_refused_and_changes_nothing(
        live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mark(live, "before")
    assert main(["db", "backup", "copy.sqlite3"]) == 0
    mark(live, "after")
    running = subprocess.Popen([sys.executable, "-c", HOLDER, str(live)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert running.stdout is not None and running.stdout.readline().strip() == "serving"
        with pytest.raises(SystemExit) as refused:
            main(["db", "restore", "copy.sqlite3"])
        assert refused.value.code == Status.DATABASE
        err = capsys.readouterr().err
        assert f"studybot is running with {live}" in err and "Nothing was changed" in err and "Traceback" not in err
        assert guild_names(live) == ["after", "before"]
        assert not list(tmp_path.glob("bot.sqlite3.before-restore-*"))
    finally:
        running.kill()  # killed outright: the operating system drops its hold on the file
        running.wait()
    assert main(["db", "restore", "copy.sqlite3"]) == 0
    assert guild_names(live) == ["before"]


async def test_the_bot_does_not_start_while_a_restore_replaces_its_database(
        live: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli.run import serve
    from bot.settings import Settings
    from bot.storage.in_use import exclusive

    with exclusive(live), pytest.raises(SystemExit) as refused:
        await serve(Settings(discord_token="x" * 59, database_path=live))
    assert refused.value.code == Status.DATABASE
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "a restore is replacing" in err, err


def test_a_backup_cut_short_by_a_full_disk_leaves_no_partial_copy(live: Path, tmp_path: Path) -> None:
    """A copy that cannot be finished is one line naming the backup (the live database is fine) and leaves no
    half-written file beside the one asked for."""
    with sqlite3.connect(live) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS marker (name TEXT)")
        conn.executemany("INSERT INTO marker VALUES (?)", [("x" * 1000,) for _ in range(3000)])
    conn.close()
    room = 1_000_000  # less than the database, so the copy runs out of space part of the way through

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (room, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    target = tmp_path / "copies" / "before-upgrade.sqlite3"
    result = subprocess.run([sys.executable, "-m", "bot", "db", "backup", str(target)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=False, preexec_fn=small_disk)
    assert result.returncode == Status.DATABASE, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert str(target) in lines[0] and f"{live} is unchanged" in lines[0], lines[0]
    assert list(target.parent.iterdir()) == []


@pytest.mark.parametrize(("given", "status"), [("notes.txt", Status.DATABASE), ("folder", Status.FILE)])
def test_a_backup_that_is_no_database_file_is_named_as_the_backup_not_as_the_setting(
        live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, status: Status) -> None:
    """The file refused is the one given on the command line: the line sends the host to another backup, not to
    STUDYBOT_DATABASE_PATH, which names the live database and is fine."""
    (tmp_path / "notes.txt").write_text("not a database\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    with pytest.raises(SystemExit) as caught:
        main(["db", "restore", given])
    err = capsys.readouterr().err
    assert caught.value.code == status, err
    assert given in err and "STUDYBOT_DATABASE_PATH" not in err and "backup" in err, err


def test_a_backup_that_cannot_be_brought_to_this_schema_is_refused_and_the_live_file_is_untouched(
        live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A sound SQLite file with a schema version but not studybot's tables (another program's database, or a
    file saved under a backup's name) passes the integrity and version checks; it fails only when migrated. That
    must happen before it takes the live file's place, or the bot could not start again on what is left."""
    mark(live, "live")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
        conn.execute("PRAGMA user_version = 5")
    conn.close()
    with pytest.raises(SystemExit) as caught:
        main(["db", "restore", str(other)])
    err = capsys.readouterr().err
    assert caught.value.code == Status.DATABASE, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert str(other) in lines[0] and f"{live} is unchanged" in lines[0], lines[0]
    assert guild_names(live) == ["live"]
    assert not list(tmp_path.glob("bot.sqlite3.before-restore-*"))
    assert not list(tmp_path.glob("bot.sqlite3.restoring*"))
    assert main(["db", "migrate"]) == 0


def test_a_restore_through_a_link_replaces_the_file_it_points_to(
        live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """STUDYBOT_DATABASE_PATH may be a link to the database on a data volume: the restored database goes where the
    link points, and the link stays, rather than a new file taking the link's place beside it while the volume
    keeps the old database."""
    volume = tmp_path / "volume"
    volume.mkdir()
    stored = volume / "studybot.sqlite3"
    live.replace(stored)
    live.symlink_to(stored)
    mark(live, "before")
    assert main(["db", "backup", "copy.sqlite3"]) == 0
    mark(live, "after")
    assert main(["db", "restore", "copy.sqlite3"]) == 0
    assert live.is_symlink() and live.resolve() == stored
    assert guild_names(stored) == ["before"]
    (aside,) = volume.glob("studybot.sqlite3.before-restore-*")
    assert guild_names(aside) == ["after", "before"]


@pytest.mark.parametrize("made_by", ["db backup", "a copy of the WAL file"])
def test_checking_and_restoring_a_backup_leaves_only_backups_in_its_folder(
        live: Path, tmp_path: Path, made_by: str) -> None:
    """A copy of the live database is marked WAL like it; SQLite opening it (the restore's checks and copy)
    made `-wal` and `-shm` files beside it that stayed there, one pair for each backup restored or checked."""
    mark(live, "kept")
    folder = tmp_path / "nightly"
    if made_by == "db backup":
        assert main(["db", "backup"]) == 0
        (backup,) = folder.glob("studybot-*.sqlite3")
    else:  # as backups were written before: page for page, WAL mark included
        folder.mkdir()
        backup = folder / "studybot-20260301-033000.sqlite3"
        with closing(sqlite3.connect(live)) as source, closing(sqlite3.connect(backup)) as copy:
            source.backup(copy)
    assert main(["db", "restore", str(backup)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [backup.name]
    assert guild_names(live) == ["kept"]


def test_a_migration_does_not_run_while_a_restore_replaces_the_database(
        live: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The unit runs `studybot db migrate` before `studybot run`: started during a restore, it would open the
    file being replaced and write its schema into it, where the bot itself refuses to start."""
    from bot.storage.in_use import exclusive

    capsys.readouterr()
    with exclusive(live), pytest.raises(SystemExit) as refused:
        main(["db", "migrate"])
    assert refused.value.code == Status.DATABASE
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "a restore is replacing" in err, err
    assert main(["db", "migrate"]) == 0


def test_a_backup_does_not_run_while_a_restore_replaces_the_database(
        live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A copy made while a restore removes the live file's -wal and moves another file over it reads a database
    half replaced, and its connection can put a -wal back beside the file being restored: it is refused in one
    line, as a migration is, and leaves nothing behind."""
    from bot.storage.in_use import exclusive

    mark(live, "live")
    capsys.readouterr()
    with exclusive(live), pytest.raises(SystemExit) as refused:
        main(["db", "backup", "copy.sqlite3"])
    assert refused.value.code == Status.DATABASE
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "a restore is replacing" in err, err
    assert not list(tmp_path.glob("copy.sqlite3*")), "a copy was left behind"
    assert main(["db", "backup", "copy.sqlite3"]) == 0
    assert guild_names(tmp_path / "copy.sqlite3") == ["live"]


def test_two_backups_into_a_folder_within_one_second_are_both_kept_and_expire_in_order(
        live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A script that backs up before and after a step (or two shells) within one second: the second copy was
    refused ("already exists ... give a folder", though a folder was given). Both are kept, and the later one
    counts as the newest, the first to stay when older copies expire."""
    from bot.admin import Backups
    from bot.clock import ManualClock
    from bot.scheduler import JobScheduler

    taken = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    monkeypatch.setattr("bot.cli.db._now", lambda: taken)
    mark(live, "first")
    assert main(["db", "backup"]) == 0
    mark(live, "second")
    assert main(["db", "backup"]) == 0
    clock = ManualClock(taken)
    backups = Backups(Database(live), clock, JobScheduler(clock, manual=True), tmp_path / "nightly", keep=1)
    newest, older = backups.existing()
    assert newest.name == "studybot-20260302-120000-2.sqlite3"
    assert older.name == "studybot-20260302-120000.sqlite3"
    assert (guild_names(newest), guild_names(older)) == (["first", "second"], ["first"])


def test_a_backup_into_a_folder_leaves_a_copy_of_the_same_second_being_written_alone(
        live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same dated name is another copy's while it is written (the nightly one, another shell's):
    deleting its `.part` and writing this copy there broke both."""
    taken = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
    monkeypatch.setattr("bot.cli.db._now", lambda: taken)
    folder = tmp_path / "nightly"
    folder.mkdir()
    writing = folder / "studybot-20260302-033000.sqlite3.part"
    writing.write_bytes(b"being written")
    assert main(["db", "backup"]) == 0
    assert writing.read_bytes() == b"being written"
    assert sorted(p.name for p in folder.iterdir()) == ["studybot-20260302-033000-2.sqlite3", writing.name]


def test_two_restores_within_one_second_keep_the_database_they_replaced(
        live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each restore keeps the file it replaces aside, named by the second: the second restore of a script run
    twice copied over the first one's, and the database as it was before both was lost."""
    monkeypatch.setattr("bot.cli.db._now", lambda: datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    mark(live, "one")
    assert main(["db", "backup", "one.sqlite3"]) == 0
    mark(live, "two")
    assert main(["db", "backup", "two.sqlite3"]) == 0
    mark(live, "original")
    assert main(["db", "restore", "one.sqlite3"]) == 0
    assert main(["db", "restore", "two.sqlite3"]) == 0
    assert guild_names(live) == ["one", "two"]
    kept = sorted(tmp_path.glob("bot.sqlite3.before-restore-*"))
    assert sorted(guild_names(aside) for aside in kept) == [["one"], ["one", "original", "two"]]
