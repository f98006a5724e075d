"""Content packs: the shipped pack, and every kind of mistake a pack author can make."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import ContentError, ContentStore
from bot.content.document import read_document
from bot.content.loader import load_library
from bot.content.models import BUTTON_LABEL_LIMIT, EMBED_DESCRIPTION_LIMIT, EMBED_TITLE_LIMIT, PromptKind
from bot.content.report import validate
from bot.settings import SHIPPED_CONTENT_DIR

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seeds" / "000_6b1e9654bf3b1a49.txt"
PACK = SHIPPED_CONTENT_DIR / "ai-native-careers"


def test_the_shipped_pack_validates_and_meets_its_counts() -> None:
    library, problems = load_library(SHIPPED_CONTENT_DIR)
    assert library is not None, problems
    assert len(library.prompts) >= 50
    for kind in PromptKind:
        assert sum(p.kind is kind for p in library.prompts) >= 8, kind
    faq = [c for c in library.flashcards if c.source.section == "Frequently Asked Questions"]
    takeaways = [c for c in library.flashcards if c.source.heading == "Key Takeaways"]
    # Three of the document's twenty key takeaways repeat an earlier section's (3.1 is 1.1, 3.5 is 2.5, 4.5 is
    # 1.5): a member would meet the same card twice, so those sections have cards on points only they make.
    assert len(faq) == 15 and len(takeaways) == 17 and len(library.flashcards) >= 185
    assert {"takeaway-s3-deployment-gap", "takeaway-s3-research-translation",
            "takeaway-s4-senior-scope-early"} <= {c.id for c in library.flashcards}


def test_the_shipped_pack_fits_discord_once_rendered() -> None:
    library = ContentStore.load(SHIPPED_CONTENT_DIR).library
    for prompt in library.prompts:
        assert len(f"Day 999 · {prompt.title}") <= EMBED_TITLE_LIMIT
        assert len(prompt.scenario) <= EMBED_DESCRIPTION_LIMIT
    for card in library.flashcards:
        assert len(card.front) + len(card.back) + 10 <= EMBED_DESCRIPTION_LIMIT
        assert len("Feedback for your interviewer") <= BUTTON_LABEL_LIMIT


@pytest.mark.skipif(not SEED.is_file(), reason="the study document is not beside the repository")
def test_every_citation_exists_and_no_sentence_is_copied_from_the_document() -> None:
    library, problems = validate(SHIPPED_CONTENT_DIR, read_document(SEED))
    assert library is not None and not [p for p in problems if p.severity == "error"], problems
    words = re.findall(r"[a-z0-9'-]+", SEED.read_text(encoding="utf-8").lower())
    runs = {" ".join(words[i:i + 12]) for i in range(len(words) - 11)}
    for path in PACK.rglob("*.toml"):
        ours = re.findall(r"[a-z0-9'-]+", path.read_text(encoding="utf-8").lower())
        copied = [" ".join(ours[i:i + 12]) for i in range(len(ours) - 11) if " ".join(ours[i:i + 12]) in runs]
        assert not copied, f"{path.name} repeats the document word for word: {copied[0]}"


def broken_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    target = tmp_path / "packs"
    shutil.copytree(PACK, target / PACK.name)
    path = target / PACK.name / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("flashcards/faq.toml", 'tags = ["careers", "faq"]', 'tags = ["careers", "faq"]\ncolour = "red"',
     "[faq-01-ai-native-career] colour: unknown key; check its spelling"),
    ("flashcards/faq.toml", 'id = "faq-02-only-researchers"', 'id = "faq-01-ai-native-career"',
     "duplicate id"),
    ("prompts/design.toml", 'kind = "design"', 'kind = "essay"', "kind: Input should be"),
    ("pack.toml", "schema_version = 1", "schema_version = 9", "reads schema_version 1"),
    ("flashcards/faq.toml", "[[card]]", "[[card]\n", "flashcards/faq.toml"),
    ("flashcards/faq.toml", 'id = "faq-01-ai-native-career"', 'id = "FAQ 1"', "[FAQ 1] id: String should match"),
])
def test_each_kind_of_mistake_names_the_file_item_and_field(tmp_path: Path, file: str, old: str, new: str,
                                                            expected: str) -> None:
    library, problems = load_library(broken_copy(tmp_path, file, old, new))
    assert library is None
    report = "\n".join(str(p) for p in problems)
    assert expected in report, report


def test_a_rendered_field_over_discords_limit_is_an_error(tmp_path: Path) -> None:
    long = "".join(f'  "constraint {i}: {"a long requirement that keeps going " * 5}xxxxxx",\n' for i in range(4))
    folder = broken_copy(tmp_path, "prompts/design.toml", "constraints = [\n", "constraints = [\n" + long)
    library, problems = load_library(folder)
    assert library is None
    assert "the rendered 'Scale and constraints' field is" in "\n".join(str(p) for p in problems)


def test_a_failed_reload_keeps_the_last_good_content(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "pack.toml", 'version = "1.2.0"', 'version = "1.2.0"')
    store = ContentStore.load(folder)
    before = len(store.library.flashcards)
    (folder / PACK.name / "flashcards" / "faq.toml").write_text("[[card]]\nid = 3\n", encoding="utf-8")
    result = store.reload()
    assert not result.ok and "faq.toml" in result.report
    assert len(store.library.flashcards) == before >= 185


def test_near_duplicates_are_warnings(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "flashcards/faq.toml",
                         'front = "Who makes up most of the engineering hiring at AI-native companies?"',
                         'front = "What does an \\"AI-native\\" engineering career mean??"')
    library, problems = validate(folder)
    assert library is not None
    assert any(p.severity == "warning" and "nearly the same" in p.message for p in problems)


def test_a_folder_named_like_a_pack_file_is_a_problem_in_the_report_not_a_crash(tmp_path: Path) -> None:
    """`/studybot-owner reload-content` answers with the validator's report; a folder `prompts/extra.toml` raised
    out of it and the owner saw only a generic error."""
    folder = broken_copy(tmp_path, "pack.toml", 'version = "1.2.0"', 'version = "1.2.0"')
    store = ContentStore.load(folder)
    (folder / PACK.name / "prompts" / "extra.toml").mkdir()
    result = store.reload()
    assert not result.ok and "prompts/extra.toml" in result.report and "cannot be read" in result.report, result


REFUSED_BY_THE_VALIDATOR = [
    ("flashcards/agents.toml", 'prompt = "multi-agent-orchestrator"', 'prompt = "multi-agent-orchestra"',
     "names prompt “multi-agent-orchestra”, which no loaded pack has"),
    ("flashcards/agents.toml", '"About 90%: the first failure stops the run, so only the first two steps really matter."',
     '"About 60%"', "the odd one out gives the answer away"),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), REFUSED_BY_THE_VALIDATOR)
def test_packs_the_validator_refuses_are_not_served(tmp_path: Path, file: str, old: str, new: str,
                                                    expected: str) -> None:
    """README: "a broken pack stops start-up with the validator's report". A pack `content validate` calls
    unusable (exit 1) is refused at start and on a reload too, not only when its schema is wrong."""
    folder = broken_copy(tmp_path, file, old, new)
    library, problems = validate(folder)
    assert library is None and expected in "\n".join(str(p) for p in problems)
    with pytest.raises(ContentError) as refused:
        ContentStore.load(folder)
    assert expected in str(refused.value)
    store = ContentStore.load(SHIPPED_CONTENT_DIR)
    store.directory = folder
    result = store.reload()
    assert not result.ok and expected in result.report, result


def test_a_pack_loaded_from_two_folders_is_one_error_naming_both(tmp_path: Path) -> None:
    """A host copies the shipped pack to edit it and adds the copy with `STUDYBOT_CONTENT_DIR=shipped:/srv/packs`:
    one line says the pack is there twice and where, instead of every id "duplicate (also in)" the same file name."""
    mine = tmp_path / "packs"
    shutil.copytree(PACK, mine / PACK.name)
    library, problems = load_library((SHIPPED_CONTENT_DIR, mine))
    assert library is None
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1, "\n".join(str(p) for p in errors[:3])
    line = str(errors[0])
    assert str(mine / PACK.name) in line and str(PACK) in line and "shipped" in line, line


def test_item_files_in_a_subfolder_are_named_not_left_out_without_a_word(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An author sorts the cards into `flashcards/agents/`: only the folder itself is read, so the validator says
    so and the bot does not start without those cards."""
    folder = broken_copy(tmp_path, "pack.toml", 'version = "1.2.0"', 'version = "1.2.0"')
    cards = folder / PACK.name / "flashcards"
    (cards / "agents").mkdir()
    (cards / "agents.toml").rename(cards / "agents" / "agents.toml")
    (folder / PACK.name / "prompts" / "more" / "deep").mkdir(parents=True)
    (folder / PACK.name / "prompts" / "more" / "deep" / "extra.toml").write_text("", encoding="utf-8")
    expected = [f"{PACK.name}/prompts/more/deep/extra.toml: is in a subfolder, and only the files directly in "
                "prompts/ are read: move it into prompts/",
                f"{PACK.name}/flashcards/agents/agents.toml: is in a subfolder, and only the files directly in "
                "flashcards/ are read: move it into flashcards/"]
    library, problems = validate(folder)
    assert library is None
    assert [str(p).removeprefix("error: ") for p in problems if "subfolder" in str(p)] == expected, problems
    with pytest.raises(ContentError) as refused:
        ContentStore.load(folder)
    assert expected[1] in str(refused.value)
    assert main(["content", "validate", str(folder)]) == 1
    assert expected[1] in capsys.readouterr().out


def test_pack_files_saved_with_a_byte_order_mark_load(tmp_path: Path) -> None:
    """Windows editors and PowerShell's `-Encoding UTF8` start a UTF-8 file with a byte order mark, which the
    editor does not show: the pack loads as it reads, as a study document saved that way does."""
    folder = broken_copy(tmp_path, "pack.toml", 'version = "1.2.0"', 'version = "1.2.0"')
    for path in (folder / PACK.name / "pack.toml", folder / PACK.name / "flashcards" / "faq.toml"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    library, problems = validate(folder)
    assert library is not None, [str(p) for p in problems if p.severity == "error"]
    assert len(library.flashcards) == len(ContentStore.load(SHIPPED_CONTENT_DIR).library.flashcards)


@pytest.mark.parametrize(("name", "expected"), [
    ("server", "“server” is the deck of each server's own prompts and cards (call it, say, “server-pack”)"),
    ("doc-rag-notes", "names starting with “doc-” are the decks of documents uploaded in a server "
                      "(call it, say, “rag-notes-docs”)"),
    ("all", "“all” picks every deck at once in `/cards study` (call it, say, “all-topics”)"),
], ids=["server", "doc-prefix", "all"])
def test_a_pack_named_like_a_servers_own_deck_is_refused_with_how_to_fix_it(tmp_path: Path, name: str,
                                                                            expected: str) -> None:
    """A pack's name is its deck key in every server: a pack called `server` (or `doc-…`) would share its switch
    in `/content decks` and its `/cards study deck:` with the server's own deck (or an uploaded document's); one
    called `all` could never be studied alone, as `/cards study deck:all` picks every deck."""
    folder = broken_copy(tmp_path, "pack.toml", 'name = "ai-native-careers"', f'name = "{name}"')
    for library, problems in (load_library(folder), validate(folder)):
        assert library is None
        line = f"error: {PACK.name}/pack.toml name: {expected}; give the pack another name here"
        assert line in [str(p) for p in problems], problems
    with pytest.raises(ContentError) as refused:
        ContentStore.load(folder)
    assert expected in str(refused.value)
