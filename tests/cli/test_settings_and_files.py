"""What a self-hoster gets wrong ends in one clear line on stderr, never a traceback or a false lead."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.common import Status, load_settings
from bot.settings import SHIPPED_CONTENT_DIR


def configuration_refused(capsys: pytest.CaptureFixture[str]) -> tuple[list[str], str]:
    """`studybot db migrate` stopped with the configuration status: the lines it printed, and all it printed."""
    with pytest.raises(SystemExit) as caught:
        main(["db", "migrate"])
    err = capsys.readouterr().err
    assert caught.value.code == Status.CONFIGURATION, err
    return err.strip().splitlines(), err


@pytest.mark.parametrize("value", ["[123456789012345678", "123456789012345678,alice", "[1, 2"])
def test_a_bad_owner_ids_value_is_one_line_naming_the_variable(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str) -> None:
    monkeypatch.setenv("STUDYBOT_OWNER_IDS", value)
    lines, err = configuration_refused(capsys)
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
    lines, err = configuration_refused(capsys)
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


def test_run_stops_on_packs_the_validator_refuses(in_tmp: Path) -> None:
    """A card naming a prompt that no pack has fails `studybot content validate`; `studybot run` must stop on it
    with the validator's line (status 7) instead of serving the pack."""
    pack = in_tmp / "packs" / "ai-native-careers"
    shutil.copytree(SHIPPED_CONTENT_DIR / "ai-native-careers", pack)
    cards = pack / "flashcards" / "agents.toml"
    cards.write_text(cards.read_text(encoding="utf-8").replace(
        'prompt = "multi-agent-orchestrator"', 'prompt = "multi-agent-orchestra"', 1), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_") and k != "DISCORD_TOKEN"}
    env.update(STUDYBOT_DISCORD_TOKEN="not.a.token", STUDYBOT_DATABASE_PATH=str(in_tmp / "bot.sqlite3"),
               STUDYBOT_CONTENT_DIR=str(in_tmp / "packs"), STUDYBOT_STARTUP_TIMEOUT="0")
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=in_tmp, env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == Status.CONTENT, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "names prompt “multi-agent-orchestra”" in lines[0], lines[0]


@pytest.mark.parametrize(("value", "shown"), [
    ('[123456789012345678, "alice"]', "`alice`"), ("[123456789012345678, 1.5]", "`1.5`"),
    ("[-5]", "`-5`"),
])
def test_a_bad_id_in_a_json_owner_ids_list_names_the_variable_and_the_id(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str,
        shown: str) -> None:
    """The list form is read by the same rule as `123,456`: the line names STUDYBOT_OWNER_IDS (not a variable that
    does not exist, such as STUDYBOT_OWNER_IDS_1) and the value that is not a user id."""
    monkeypatch.setenv("STUDYBOT_OWNER_IDS", value)
    lines, err = configuration_refused(capsys)
    assert len(lines) == 1 and "STUDYBOT_OWNER_IDS: " in lines[0] and shown in lines[0], err


@pytest.mark.parametrize("where", ["dotenv", "environment"])
def test_a_misspelt_setting_is_one_line_naming_the_setting_it_resembles(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], where: str) -> None:
    """A variable studybot does not know was ignored without a word and its default used: with the database path
    misspelt, the bot started on a new, empty database in the working folder, as if every member were new."""
    monkeypatch.delenv("STUDYBOT_DATABASE_PATH")
    if where == "dotenv":
        (in_tmp / ".env").write_text("STUDYBOT_DATABSE_PATH=data/studybot.sqlite3\n", encoding="utf-8")
    else:
        monkeypatch.setenv("STUDYBOT_DATABSE_PATH", "data/studybot.sqlite3")
    lines, err = configuration_refused(capsys)
    assert len(lines) == 1 and "STUDYBOT_DATABSE_PATH" in lines[0] and "STUDYBOT_DATABASE_PATH" in lines[0], err
    assert not (in_tmp / "studybot.sqlite3").exists()


def test_a_studybot_name_in_the_environment_unlike_any_setting_is_left_alone(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A container platform sets ``STUDYBOT_SERVICE_HOST`` for a service named studybot: not a setting, and not a
    misspelt one, so it is no reason to stop (the same name in ``.env``, the bot's own file, would be)."""
    monkeypatch.setenv("STUDYBOT_SERVICE_HOST", "10.0.0.7")
    assert main(["db", "migrate"]) == 0
    (in_tmp / ".env").write_text("STUDYBOT_SERVICE_HOST=10.0.0.7\n", encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        main(["db", "migrate"])
    assert caught.value.code == Status.CONFIGURATION
