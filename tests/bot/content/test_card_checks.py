"""The deck's quality checks: the shipped pack passes them, and each one catches its kind of mistake."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.cardchecks import back_repeats_front, content_words, negates, options_give_away
from bot.content.document import read_document
from bot.content.importer import takeaway_front
from bot.content.loader import load_library
from bot.content.models import Flashcard, Source
from bot.content.report import validate
from bot.content.sizing import evaluate, stated_numbers
from bot.quiz import build_question
from bot.settings import SHIPPED_CONTENT_DIR

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seeds" / "000_6b1e9654bf3b1a49.txt"
PACK = SHIPPED_CONTENT_DIR / "ai-native-careers"
ORIGINAL_CARDS = ("faq.toml", "takeaways.toml")


def shipped():
    library, problems = load_library(SHIPPED_CONTENT_DIR)
    assert library is not None, problems
    return library


def test_the_shipped_deck_has_the_new_technical_cards_each_with_a_citation() -> None:
    library = shipped()
    assert len(library.flashcards) >= 185
    pack = library.packs[0]
    new = [c for c in library.flashcards if pack.item_files[c.id].split("/")[-1] not in ORIGINAL_CARDS]
    assert len(new) >= 150
    prompt_ids = {p.id for p in library.prompts}
    assert all(c.prompt in prompt_ids for c in new if c.prompt)
    assert sum(c.prompt is not None for c in new) >= 120  # most rehearse a daily prompt
    topics = {tag for c in new for tag in c.tags}
    for topic in ("retrieval", "vector-search", "inference", "gpu", "evaluation", "observability", "agents",
                  "data-pipelines", "cost", "reliability", "interviews"):
        assert topic in topics, topic


def test_the_shipped_pack_passes_every_check_without_warnings() -> None:
    document = read_document(SEED) if SEED.is_file() else None
    library, problems = validate(SHIPPED_CONTENT_DIR, document)
    assert library is not None and problems == [], "\n".join(map(str, problems))


def test_every_quiz_question_of_the_shipped_deck_gives_nothing_away() -> None:
    library = shipped()
    for card in library.flashcards:
        assert len(card.wrong_answers) >= 3, card.id
        for seed in (1, 2, 3):
            question = build_question(card, library.flashcards, seed)
            assert len(set(question.options)) == 4
            assert question.options[question.correct] == card.back
            assert options_give_away(list(question.options)) == [], card.id
            lengths = sorted(len(o) for o in question.options)
            assert lengths[0] >= 0.45 * lengths[-1], card.id


def test_no_back_of_the_shipped_deck_repeats_its_front() -> None:
    for card in shipped().flashcards:
        assert back_repeats_front(card) is None, card.id


def card(front: str, back: str, wrong: list[str] | None = None) -> Flashcard:
    return Flashcard(id="some-card", front=front, back=back, source=Source(section="Section 1", heading="H"),
                     wrong_answers=wrong or [])


@pytest.mark.parametrize(("options", "expected"), [
    (["Retrieval at request time keeps answers fresh.", "Fine-tuning nightly keeps answers fresh.",
      "No.", "A cache keeps answers fresh for a day."], "differ too much in length"),
    (["Keep a labelled set and measure recall on it.", "Measure recall on it.",
      "Ask users to rate every answer they get.", "Compare latency with a brute-force scan."], "contains the other"),
    (["The index must be rebuilt after every insert.", "The index must not be rebuilt after every insert.",
      "Inserts land in a small segment merged later.", "Inserts are queued until the nightly rebuild."],
     "negation"),
    (["Yes, most hiring is software engineers.", "No, most hiring is research scientists.",
      "Mostly data analysts who buy vendor models.", "Mostly prompt writers for hosted models."], "negation"),
])
def test_each_giveaway_in_quiz_options_is_named(options: list[str], expected: str) -> None:
    found = options_give_away(options)
    assert any(expected in f for f in found), found


def test_plausible_options_pass() -> None:
    assert options_give_away([
        "About 410 GB: 4 KB per vector, times 100 million.", "About 102 GB: one byte per dimension, times 100 million.",
        "About 820 GB: float32 takes 8 bytes per dimension.", "About 41 GB: 410 bytes per vector, times 100 million.",
    ]) == []


def test_negation_is_told_apart_from_a_different_claim() -> None:
    assert negates("Retries are safe here.", "Retries are not safe here.")
    assert negates("It can finish in time.", "It cannot finish in time.")
    assert not negates("Retries are safe here.", "Timeouts are safe here.")


def test_a_back_that_only_repeats_the_front_is_caught() -> None:
    assert back_repeats_front(card("What is a vector database used for in retrieval?", "A vector database.")) is not None
    assert back_repeats_front(card("What is recall@10?", "The share of questions whose needed passage is in the "
                                                        "top 10 results.")) is None


def broken_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    target = tmp_path / "packs"
    shutil.copytree(PACK, target / PACK.name)
    path = target / PACK.name / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def report_of(folder: Path) -> str:
    _, problems = validate(folder)
    return "\n".join(str(p) for p in problems)


def test_a_reworded_copy_of_a_card_is_flagged_as_a_near_duplicate(tmp_path: Path) -> None:
    extra = '''
[[card]]
id = "vec-raw-memory-again"
front = "Before index overhead, how much RAM do 100 million float32 embeddings of 1,024 dimensions need?"
back = "About 410 GB: 4 KB per vector (1,024 dimensions × 4 bytes), times 100 million vectors."
tags = ["vector-search"]
source = { section = "Section 1", heading = "AI-Native Hiring Prioritizes Systems Thinking Over Narrow Specialization" }
'''
    folder = broken_copy(tmp_path, "flashcards/vector-search.toml", "# Vector search", extra + "\n# Vector search")
    report = report_of(folder)
    assert "[vec-raw-memory" in report and "nearly the same as" in report and "words shared" in report


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("flashcards/faq.toml", '  "A cache in front of a language model', '  "No.",\n  "A cache in front of a language model',
     "[faq-05-rag] wrong_answers: options differ too much in length"),
    ("flashcards/rag.toml", 'back = "Retrieval reads the current documents',
     'back = "Retrieval is usually a better fit than fine-tuning the facts in."\nold_back = "Retrieval reads',
     "[rag-why-not-fine-tune-facts] back: repeats its front"),
    ("flashcards/agents.toml", 'prompt = "debug-agent-infinite-loop"', 'prompt = "no-such-prompt"',
     "names prompt “no-such-prompt”"),
    ("prompts/design.toml", '"Nightly: 1.2 million documents', '"Nightly: 30 million documents',
     "[inference-serving-gpu-fleet] sizing.1: uses 1.2e+06, which the prompt does not state"),
])
def test_each_new_check_names_the_card_or_prompt(tmp_path: Path, file: str, old: str, new: str,
                                                  expected: str) -> None:
    folder = broken_copy(tmp_path, file, old, new)
    if "old_back" in new:  # keep the file loadable: drop the displaced rest of the old back
        path = folder / PACK.name / file
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("old_back")]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert expected in report_of(folder)


def test_a_capacity_claim_that_does_not_close_is_an_error(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "prompts/design.toml", '"Nightly: 1.2 million documents', '"Nightly: 3 million documents')
    folder_text = folder / PACK.name / "prompts" / "design.toml"
    text = folder_text.read_text(encoding="utf-8").replace('need = "1_200_000 *', 'need = "3_000_000 *')
    folder_text.write_text(text, encoding="utf-8")
    library, problems = validate(folder)
    assert library is None
    assert any("does not close: needs 1,285,714 but has 604,800 (2.1×)" in p.message for p in problems), problems


def test_a_prompt_stating_a_pool_and_a_workload_needs_a_sizing_check(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "prompts/debugging.toml", '''
[[prompt.sizing]]
check = "Peak traffic fits the replicas at their pre-deploy rate (requests per second)"
need = "600"
have = "40 * 20"
''', "\n")
    assert "[debug-p99-inference-spike] sizing: states a capacity pool and a workload" in report_of(folder)


def test_sizing_arithmetic_is_plain_arithmetic_only() -> None:
    assert evaluate("(32 - 4) * 6 * 3600") == (604800.0, [3600.0, 6.0, 4.0, 32.0])
    with pytest.raises(ValueError, match="only numbers"):
        evaluate("__import__('os')")
    with pytest.raises(ValueError, match="divides by zero"):
        evaluate("1 / (2 - 2)")
    assert {1.2, 1.2e6, 30e6, 2000.0, 3.0} <= stated_numbers("1.2 million docs, 30M tokens, 2,000 words, 3%")


words = st.lists(st.sampled_from(["batching", "trades", "latency", "for", "throughput", "the", "a", "caches",
                                  "pay", "off", "when", "prompts", "share", "prefixes", "of", "GPU", "memory"]),
                 min_size=2, max_size=18)


@given(words)
def test_a_drafted_takeaway_front_never_contains_its_answer(parts: list[str]) -> None:
    takeaway = " ".join(parts) + "."
    front = takeaway_front("Section 1", "Serving", takeaway)
    meaning = content_words(takeaway)
    assert not meaning or not meaning <= content_words(front.split(":", 1)[-1])
    drafted = card(front, takeaway)
    assert back_repeats_front(drafted) is None or front.startswith("What is one key takeaway")
