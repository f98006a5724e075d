"""``studybot content validate``: everything about the packs a person needs to fix, and their size."""

from __future__ import annotations

from collections import Counter
from difflib import SequenceMatcher

from bot.content.cardchecks import card_problems, near_duplicate_cards, prompt_reference_problems
from bot.content.document import StudyDocument
from bot.content.loader import ContentFolders, ContentLibrary, Pack, Problem, load_library
from bot.content.sizing import pack_sizing_problems

NEAR_DUPLICATE = 0.9


def near_duplicates(pack: Pack) -> list[Problem]:
    """Warn about prompts or cards so alike that members would meet the same item twice."""
    problems = near_duplicate_cards(pack)
    items = [(p.id, f"{p.title} {p.scenario}") for p in pack.prompts]
    if items:
        for i, (first_id, first) in enumerate(items):
            for second_id, second in items[i + 1:]:
                ratio = SequenceMatcher(None, first.lower(), second.lower()).ratio()
                if ratio >= NEAR_DUPLICATE:
                    problems.append(Problem(pack.item_files.get(second_id, pack.name), second_id, None,
                                            f"nearly the same as {first_id} ({ratio:.0%} alike); merge or reword",
                                            "warning"))
    return problems


def citation_problems(pack: Pack, document: StudyDocument) -> list[Problem]:
    problems = []
    cited = pack.meta.source_document
    if cited is not None and cited.sha256 != document.sha256:
        problems.append(Problem(f"{pack.name}/pack.toml", None, "source_document",
                                f"was written from a different document than {document.name} (SHA-256 differs)",
                                "warning"))
    known = document.citations()
    for item in pack.items:
        key = (item.source.section, item.source.heading)
        if key not in known:
            problems.append(Problem(pack.item_files.get(item.id, pack.name), item.id, "source",
                                    f"cites “{key[0]} › {key[1]}”, which is not in {document.name}"))
    return problems


def summary(library: ContentLibrary) -> list[str]:
    lines = []
    for pack in library.packs:
        kinds = Counter(p.kind.value for p in pack.prompts)
        by_kind = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        quiz_ready = sum(1 for c in pack.flashcards if len(c.wrong_answers) >= 3)
        sized = sum(1 for p in pack.prompts if p.sizing)
        lines.append(f"{pack.name} v{pack.meta.version}: {len(pack.prompts)} prompts ({by_kind or 'none'}), "
                     f"{len(pack.flashcards)} flashcards ({quiz_ready} with their own quiz options), "
                     f"{sized} prompt(s) with sizing checks")
    return lines


def item_problems(library: ContentLibrary) -> list[Problem]:
    """The checks of items against their pack and each other (cards, sizing, the prompts cards name): the
    errors among them make packs unusable just as schema errors do."""
    prompt_ids = {p.id for p in library.prompts}
    problems: list[Problem] = []
    for pack in library.packs:
        problems += card_problems(pack)
        problems += pack_sizing_problems(pack)
        problems += prompt_reference_problems(pack, prompt_ids)
    return problems


def load_checked(directory: ContentFolders) -> tuple[ContentLibrary | None, list[Problem]]:
    """What the bot serves, at start and on a reload: the packs, refused on every error ``validate`` reports (a
    pack the validator says cannot be used is never served), without its slower near-duplicate warnings."""
    library, problems = load_library(directory)
    if library is not None:
        problems += item_problems(library)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return library, problems


def validate(directory: ContentFolders, document: StudyDocument | None = None) -> tuple[ContentLibrary | None, list[Problem]]:
    library, problems = load_library(directory)
    if library is not None:
        problems += item_problems(library)
        for pack in library.packs:
            problems += near_duplicates(pack)
            if document is not None:
                problems += citation_problems(pack, document)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return library, problems
