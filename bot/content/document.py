"""Reading a study document shaped like the seed: sections, headings, key takeaways and a FAQ.

Plain text or Markdown: ``Section 2: Title`` (or ``## Section 2: Title``) opens a section;
a short line without closing punctuation is a heading; the lines after ``Key Takeaways``
are its takeaways; under ``Frequently Asked Questions`` each ``N. question?`` is followed
by its answer. The same reading serves the importer (drafting a pack) and the validator
(checking that every cited section and heading exists).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import InvalidInput

# Numbers of at most six digits: a longer run of digits is text, not a section or question number (and
# Python refuses to convert a run of more than 4,300 digits to an int at all).
SECTION = re.compile(r"^(?:#+\s*)?Section\s+(\d{1,6})\s*[:.\-–]\s*(.+)$", re.IGNORECASE)
QUESTION = re.compile(r"^(?:#+\s*)?(\d{1,6})[.)]\s+(.+)$")
# Control characters but tab (a copy-paste can carry them; they show as nothing, or garble a card).
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TAKEAWAYS = "key takeaways"
FAQ = "frequently asked questions"
CONCLUSION = "conclusion"
MAX_BYTES = 2_000_000


@dataclass
class Section:
    number: int
    title: str
    headings: list[str] = field(default_factory=list)
    takeaways: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"Section {self.number}"


@dataclass(frozen=True)
class FaqEntry:
    number: int
    question: str
    answer: str


@dataclass
class StudyDocument:
    name: str
    sha256: str
    sections: list[Section]
    faq: list[FaqEntry]
    has_conclusion: bool = False

    def citations(self) -> set[tuple[str, str]]:
        """Every (section, heading) a pack item may cite."""
        found = set()
        for section in self.sections:
            found.add((section.name, section.title))
            found.update((section.name, heading) for heading in section.headings)
            if section.takeaways:
                found.add((section.name, "Key Takeaways"))
        found.update(("Frequently Asked Questions", f"Question {entry.number}") for entry in self.faq)
        if self.has_conclusion:
            found.add(("Conclusion", "Conclusion"))
        return found


def _clean(line: str) -> str:
    line = CONTROLS.sub("", line).strip()
    line = re.sub(r"^#+\s*", "", line)
    line = re.sub(r"^[-*•]\s+", "", line)
    return line.strip().strip("*_").strip()


def _is_heading(line: str) -> bool:
    words = line.split()
    return 1 < len(words) <= 16 and line[-1] not in ".?!:;," and len(line) <= 120 and line[0].isupper()


def read_document(path: Path) -> StudyDocument:
    """Parse ``path`` or fail with a message that says what is wrong with the file."""
    if not path.is_file():
        raise InvalidInput(f"{path} is not a file.")
    return parse_document(path.read_bytes(), path)


def parse_document(raw: bytes, path: Path | str) -> StudyDocument:
    """Parse a document's bytes (a file, or one uploaded in Discord); ``path`` names it in messages."""
    path = Path(path)
    if not raw.strip():
        raise InvalidInput(f"{path} is empty.", hint="Give a plain-text or Markdown document.")
    if len(raw) > MAX_BYTES:
        raise InvalidInput(f"{path} is {len(raw):,} bytes; documents up to {MAX_BYTES:,} bytes are read.")
    if b"\x00" in raw:
        raise InvalidInput(f"{path} looks like a binary file.", hint="Give a plain-text or Markdown document.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text.", hint="Save it as UTF-8 plain text or Markdown.") from None
    sections: list[Section] = []
    faq: list[FaqEntry] = []
    mode = "body"
    pending: tuple[int, str] | None = None
    answer: list[str] = []
    conclusion = False

    def finish_question() -> None:
        nonlocal pending, answer
        if pending is not None:
            if not answer:
                raise InvalidInput(f"FAQ question {pending[0]} (“{pending[1][:60]}”) has no answer.",
                                   hint="Put the answer on the lines after the question.")
            faq.append(FaqEntry(pending[0], pending[1], " ".join(answer)))
        pending, answer = None, []

    for original in text.splitlines():
        line = _clean(original)
        if not line:
            continue
        lowered = line.lower().rstrip(":")
        section = SECTION.match(line)
        if section and mode != "faq":
            sections.append(Section(int(section.group(1)), section.group(2).strip()))
            mode = "body"
        elif lowered == FAQ:
            mode = "faq"
        elif lowered == CONCLUSION and mode != "faq":
            mode, conclusion = "conclusion", True
        elif lowered == TAKEAWAYS and mode == "body" and sections:
            mode = "takeaways"
        elif mode == "faq":
            question = QUESTION.match(line)
            if question and line.endswith("?"):
                finish_question()
                pending = (int(question.group(1)), question.group(2).strip())
            elif pending is not None:
                answer.append(line)
        elif mode == "takeaways":
            if _is_heading(line) and not line.endswith("."):
                sections[-1].headings.append(line)
                mode = "body"
            else:
                sections[-1].takeaways.append(line)
        elif mode == "body" and sections and _is_heading(line):
            sections[-1].headings.append(line)
    finish_question()
    if not faq:
        raise InvalidInput(f"{path} has no “Frequently Asked Questions” block with numbered questions.",
                           hint="Add a line `Frequently Asked Questions`, then `1. A question?` and its answer.")
    return StudyDocument(path.name, hashlib.sha256(raw).hexdigest(), sections, faq, conclusion)
