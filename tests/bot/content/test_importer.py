"""Reading study documents and drafting packs from them, including broken documents."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.common import Status
from bot.content.document import read_document
from bot.content.importer import write_draft
from bot.content.loader import load_library
from bot.errors import InvalidInput
from bot.settings import SHIPPED_CONTENT_DIR

GOOD = """Section 1: Serving Models Cheaply
Batching Requests Raises Throughput
Grouping requests on the GPU raises throughput at some cost in latency.
Caching Repeated Prompts
A prefix cache avoids recomputing shared prompt prefixes.
Key Takeaways
Batching trades latency for throughput.
Prefix caches pay off when prompts share long prefixes.
Section 2: Watching Retrieval Quality
Offline Evaluation Comes First
Keep a labelled set of questions and measure recall before shipping.
Key Takeaways
Measure recall on a labelled set.
Conclusion
Cheap serving and measured retrieval go together.
Frequently Asked Questions
1. What is continuous batching?
Adding new requests to a running batch as others finish.
2. Why measure recall offline?
Because online signals arrive late and are noisy.
"""

MARKDOWN = """## Section 1: Agents
### Tools Need Contracts
Agents call tools through typed contracts.
### Key Takeaways
- Give every tool a schema.
## Frequently Asked Questions
**1. What is a tool contract?**
A typed description of a tool's inputs and outputs.
"""


def write(tmp_path: Path, text: str | bytes, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_a_document_in_the_seeds_shape_is_read(tmp_path: Path) -> None:
    document = read_document(write(tmp_path, GOOD))
    assert [s.name for s in document.sections] == ["Section 1", "Section 2"]
    assert document.sections[0].headings == ["Batching Requests Raises Throughput", "Caching Repeated Prompts"]
    assert len(document.sections[0].takeaways) == 2 and len(document.sections[1].takeaways) == 1
    assert [(q.number, q.question) for q in document.faq] == [(1, "What is continuous batching?"),
                                                              (2, "Why measure recall offline?")]
    assert ("Section 2", "Offline Evaluation Comes First") in document.citations()


def test_markdown_works_too(tmp_path: Path) -> None:
    document = read_document(write(tmp_path, MARKDOWN, "doc.md"))
    assert document.sections[0].headings == ["Tools Need Contracts"]
    assert document.sections[0].takeaways == ["Give every tool a schema."]
    assert document.faq[0].answer == "A typed description of a tool's inputs and outputs."


def test_the_draft_has_one_card_per_question_and_takeaway_with_sources(tmp_path: Path) -> None:
    folder = write_draft(read_document(write(tmp_path, GOOD)), "serving", tmp_path / "packs")
    library, problems = load_library(folder.parent)
    assert library is not None, problems
    cards = {c.id: c for c in library.flashcards}
    assert len(cards) == 5
    assert cards["faq-01-what-is-continuous-batching"].source.heading == "Question 1"
    assert cards["takeaway-s2-1-measure-recall-on-a"].source.section == "Section 2"
    assert cards["takeaway-s2-1-measure-recall-on-a"].back == "Measure recall on a labelled set."
    assert "DRAFT" in (folder / "flashcards" / "faq.toml").read_text()


@pytest.mark.parametrize(("text", "message"), [
    ("", "is empty"),
    (b"\x89PNG\x00\x00binary", "binary"),
    (b"\xff\xfe\xfa not utf8", "not UTF-8"),
    ("Section 1: Only a section\nSome text.\n", "no “Frequently Asked Questions”"),
    ("Frequently Asked Questions\n1. A question without an answer?\n2. Another?\nIts answer.\n",
     "question 1 (“A question without an answer?”) has no answer"),
])
def test_broken_documents_get_a_clear_message_and_nothing_is_written(tmp_path: Path, text: str | bytes,
                                                                      message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InvalidInput, match=re.escape(message)):
        read_document(path)
    packs = tmp_path / "packs"
    assert main(["content", "import", str(path), "--pack", "broken", "--into", str(packs)]) == 1
    assert not packs.exists()


def test_import_then_validate_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, GOOD)
    packs = tmp_path / "packs"
    assert main(["content", "import", str(path), "--pack", "serving", "--into", str(packs)]) == 0
    assert "2 FAQ cards and 3 takeaway cards" in capsys.readouterr().out
    assert main(["content", "import", str(path), "--pack", "serving", "--into", str(packs)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["content", "validate", str(packs), "--source", str(path)]) == 0
    out = capsys.readouterr().out
    assert "serving v0.1.0: 0 prompts (none), 5 flashcards" in out and "OK: 1 pack(s) valid" in out


def test_validate_fails_with_the_problems_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    packs = tmp_path / "packs"
    write_draft(read_document(write(tmp_path, GOOD)), "serving", packs)
    faq = packs / "serving" / "flashcards" / "faq.toml"
    faq.write_text(faq.read_text().replace('heading = "Question 2"', 'heading = "Question 9"'))
    assert main(["content", "validate", str(packs), "--source", str(tmp_path / "doc.txt")]) == 1
    assert "cites “Frequently Asked Questions › Question 9”" in capsys.readouterr().out


def test_the_shipped_pack_validates_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "validate"]) == 0
    out = capsys.readouterr().out
    assert "ai-native-careers v" in out and "50 prompts" in out
    assert int(re.search(r"(\d+) flashcards", out).group(1)) >= 185


def test_import_writes_to_a_drafts_folder_and_never_into_live_content(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    live = tmp_path / "live"
    shutil.copytree(SHIPPED_CONTENT_DIR, live)
    before = sorted(live.rglob("*"))
    monkeypatch.setenv("STUDYBOT_CONTENT_DIR", str(live))
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, GOOD)
    assert main(["content", "import", str(path), "--pack", "serving"]) == 0
    assert f"Drafted {Path('drafts') / 'serving'}" in capsys.readouterr().out
    assert (tmp_path / "drafts" / "serving" / "pack.toml").is_file()
    assert sorted(live.rglob("*")) == before
    assert main(["content", "validate"]) == 0  # the live content is untouched and still loads


def test_import_refuses_ids_that_loaded_packs_already_use(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    live = tmp_path / "live"
    path = write(tmp_path, GOOD)
    write_draft(read_document(path), "serving", live)  # the document was imported and put live before
    monkeypatch.setenv("STUDYBOT_CONTENT_DIR", f"shipped:{live}")
    drafts = tmp_path / "drafts"
    assert main(["content", "import", str(path), "--pack", "serving-again", "--into", str(drafts)]) == 1
    out = capsys.readouterr().err  # one line on stderr, as every expected problem
    assert "5 id(s) of the draft are already used by loaded packs" in out and "--id-prefix" in out
    assert not drafts.exists()
    assert main(["content", "import", str(path), "--pack", "serving-again", "--into", str(drafts),
                 "--id-prefix", "v2"]) == 0
    monkeypatch.setenv("STUDYBOT_CONTENT_DIR", f"shipped:{live}:{drafts}")
    assert main(["content", "validate"]) == 0


def test_control_characters_a_copy_paste_carries_are_dropped_and_the_draft_still_loads(tmp_path: Path) -> None:
    """DEL is valid UTF-8 that JSON leaves unescaped and TOML forbids raw in a string: the draft once failed
    to load back. Control characters show as nothing on Discord, so the reader drops them."""
    text = GOOD.replace("Adding new requests", "Adding\x7f new\x1b requests")
    document = read_document(write(tmp_path, text))
    assert document.faq[0].answer == "Adding new requests to a running batch as others finish."
    folder = write_draft(document, "serving", tmp_path / "packs")
    library, problems = load_library(folder.parent)
    assert library is not None, problems


def test_a_toml_string_escapes_delete_too() -> None:
    import tomllib

    from bot.content.importer import _toml
    value = "a\x7fb"
    assert tomllib.loads("value = " + _toml(value))["value"] == value


def test_a_run_of_thousands_of_digits_is_text_not_a_question_number(tmp_path: Path) -> None:
    """Python refuses to turn more than 4,300 digits into an int: such a line once crashed the reader."""
    document = read_document(write(tmp_path, GOOD + "9" * 5000 + ". Is this number too long?\nYes.\n"))
    assert [q.number for q in document.faq] == [1, 2]


@pytest.mark.parametrize("into", ["live", "live/more"])
def test_import_refuses_to_draft_into_a_folder_the_bot_serves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], into: str) -> None:
    """README: the draft goes to ./drafts (or --into), never into the content the bot serves. A draft written into a
    folder of STUDYBOT_CONTENT_DIR would be served at the next start as it is, before anyone rewrote it."""
    live = tmp_path / "live"
    live.mkdir()
    monkeypatch.setenv("STUDYBOT_CONTENT_DIR", f"shipped:{live}")
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, GOOD)
    with pytest.raises(SystemExit) as refused:
        main(["content", "import", str(path), "--pack", "serving", "--into", into])
    out, err = capsys.readouterr()
    assert refused.value.code == Status.CONFIGURATION, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "STUDYBOT_CONTENT_DIR" in lines[0] and str(live) in lines[0], err
    assert list(live.iterdir()) == []


def test_a_long_id_prefix_still_drafts_ids_the_validator_accepts(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """An id has at most 64 characters: with the longest prefix `--id-prefix` takes, the words taken from a question
    or takeaway are cut to fit, rather than the draft failing `content validate` on every id."""
    path = write(tmp_path, GOOD.replace("1. What is continuous batching?",
                                        "1. What does continuous batching change for tail latency?"))
    packs = tmp_path / "packs"
    prefix = "rag-serving-handbook-2026-edits"
    assert main(["content", "import", str(path), "--pack", "serving", "--into", str(packs),
                 "--id-prefix", prefix]) == 0
    capsys.readouterr()
    assert main(["content", "validate", str(packs)]) == 0, capsys.readouterr().out
    faq = (packs / "serving" / "flashcards" / "faq.toml").read_text(encoding="utf-8")
    assert f'id = "{prefix}-faq-01-what-does-continuous' in faq


@pytest.mark.parametrize("pack", ["server", "doc-serving"])
def test_import_refuses_a_pack_name_that_is_a_servers_own_deck(tmp_path: Path, pack: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Such a draft would never validate: the command says so before writing anything."""
    packs = tmp_path / "packs"
    assert main(["content", "import", str(write(tmp_path, GOOD)), "--pack", pack, "--into", str(packs)]) == 1
    assert f"`{pack}` cannot name a pack" in capsys.readouterr().err
    assert not packs.exists()
