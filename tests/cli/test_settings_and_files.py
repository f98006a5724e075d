"""What a self-hoster gets wrong ends in one clear line on stderr, never a traceback or a false lead."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.common import Status, load_settings


@pytest.mark.parametrize("value", ["[123456789012345678", "123456789012345678,alice", "[1, 2"])
def test_a_bad_owner_ids_value_is_one_line_naming_the_variable(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str) -> None:
    monkeypatch.setenv("STUDYBOT_OWNER_IDS", value)
    with pytest.raises(SystemExit) as caught:
        main(["db", "migrate"])
    err = capsys.readouterr().err
    assert caught.value.code == Status.CONFIGURATION, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "STUDYBOT_OWNER_IDS" in lines[0], err


@pytest.mark.parametrize(("value", "ids"), [
    ("", []), ("  ", []), ("[123456789012345678]", [123456789012345678]),
    ("123456789012345678,234567890123456789", [123456789012345678, 234567890123456789]),
    ("123456789012345678, 234567890123456789", [123456789012345678, 234567890123456789]),
])
def test_owner_ids_read_as_a_json_list_or_a_comma_separated_one(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch, value: str, ids: list[int]) -> None:
    """The line `.env.example` offers, uncommented with no value, once stopped every command with a traceback."""
    monkeypatch.setenv("STUDYBOT_OWNER_IDS", value)
    assert load_settings().owner_ids == ids
    assert main(["db", "migrate"]) == 0


def test_backup_forced_over_a_file_that_is_not_a_database_does_not_blame_the_live_database(
        in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`studybot db backup notes.txt --force`: the line said the *live* database "is not a usable SQLite database;
    restore a backup", sending the self-hoster to replace a healthy database with an older copy."""
    assert main(["db", "migrate"]) == 0
    (in_tmp / "notes.txt").write_text("my notes\n", encoding="utf-8")
    capsys.readouterr()
    try:
        status = main(["db", "backup", "notes.txt", "--force"])
    except SystemExit as stopped:
        status = stopped.code
    err = capsys.readouterr().err
    assert "bot.sqlite3" not in err and "restore a backup" not in err, err
    if status == 0:  # --force overwrites: the file is now the backup
        assert (in_tmp / "notes.txt").read_bytes().startswith(b"SQLite format 3\x00")
    else:
        assert "notes.txt" in err, err


def test_content_import_with_a_bad_pack_name_says_so_in_one_line_on_stderr(
        in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """README, Command line: "Every expected problem ends the command with one line on stderr"."""
    (in_tmp / "doc.txt").write_text("Frequently Asked Questions\n1. Why?\nBecause.\n", encoding="utf-8")
    try:
        status = main(["content", "import", "doc.txt", "--pack", "Bad/Name"])
    except SystemExit as stopped:
        status = stopped.code
    out, err = capsys.readouterr()
    assert status == Status.FAILED
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "pack name" in lines[0], (out, err)


def test_a_dotenv_file_that_is_not_utf8_is_one_line_naming_the_file(
        in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A `.env` saved by an editor in Latin-1 (an accented letter in a comment) stopped every command with a
    traceback from the .env reader."""
    (in_tmp / ".env").write_bytes("# Serveur d'étude\nSTUDYBOT_LOG_LEVEL=INFO\n".encode("latin-1"))
    with pytest.raises(SystemExit) as caught:
        main(["db", "migrate"])
    err = capsys.readouterr().err
    assert caught.value.code == Status.CONFIGURATION, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and ".env" in lines[0] and "UTF-8" in lines[0], err


def test_a_draft_imported_again_with_force_keeps_nothing_of_the_earlier_draft(
        in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--force` overwrites the pack folder: a second document without key takeaways must not leave the first
    one's takeaway cards beside the new FAQ cards, as if they came from it."""
    (in_tmp / "first.txt").write_text("Section 1: Serving\nBatching\nGroup requests on the GPU.\nKey Takeaways\n"
                                      "Batching trades latency for throughput on every GPU.\n"
                                      "Frequently Asked Questions\n1. What is batching?\nGrouping requests.\n",
                                      encoding="utf-8")
    (in_tmp / "second.txt").write_text("Frequently Asked Questions\n1. Why measure recall?\nSignals arrive late.\n",
                                       encoding="utf-8")
    assert main(["content", "import", "first.txt", "--pack", "mine"]) == 0
    assert (in_tmp / "drafts" / "mine" / "flashcards" / "takeaways.toml").is_file()
    assert main(["content", "import", "second.txt", "--pack", "mine", "--force"]) == 0
    assert sorted(p.name for p in (in_tmp / "drafts" / "mine" / "flashcards").iterdir()) == ["faq.toml"]


def test_paths_in_dotenv_starting_with_a_tilde_are_in_the_home_folder(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A `.env` line `STUDYBOT_DATABASE_PATH=~/studybot/bot.sqlite3` reaches the bot unexpanded (no shell reads
    it): the database and the backups are in the home folder, as for STUDYBOT_CONTENT_DIR, never in a new folder
    named `~` under the working directory, where the bot would start over on an empty database."""
    home = in_tmp / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("STUDYBOT_DATABASE_PATH")
    (in_tmp / ".env").write_text("STUDYBOT_DATABASE_PATH=~/studybot/bot.sqlite3\nSTUDYBOT_BACKUP_DIR=~/backups\n",
                                 encoding="utf-8")
    assert main(["db", "migrate"]) == 0
    assert main(["db", "backup"]) == 0
    assert (home / "studybot" / "bot.sqlite3").is_file() and len(list((home / "backups").iterdir())) == 1
    assert not (in_tmp / "~").exists()
