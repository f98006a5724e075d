"""Loading content packs from disk into an immutable library, with readable errors.

Layout of a pack folder::

    content/<pack-name>/pack.toml          # PackMeta
    content/<pack-name>/prompts/*.toml     # [[prompt]] tables
    content/<pack-name>/flashcards/*.toml  # [[card]] tables

Every problem is reported with its file, item id, field and what to fix, so a
moderator editing TOML by hand can act on it without reading code.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.content.models import CardFile, Flashcard, PackMeta, Prompt, PromptFile, reserved_pack_name

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack, pointing at where to fix it."""

    file: str
    item: str | None
    field: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file + (f" [{self.item}]" if self.item else "") + (f" {self.field}" if self.field else "")
        return f"{self.severity}: {where}: {self.message}"


class ContentError(Exception):
    """The packs cannot be used; ``str()`` is the full report."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Pack:
    meta: PackMeta
    path: Path
    prompts: tuple[Prompt, ...]
    flashcards: tuple[Flashcard, ...]
    item_files: dict[str, str] = field(default_factory=dict)  # item id -> file it came from

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def version(self) -> str:
        return self.meta.version

    @property
    def items(self) -> tuple[Prompt | Flashcard, ...]:
        """Prompts then flashcards, for checks that apply to every item alike."""
        return (*self.prompts, *self.flashcards)


@dataclass(frozen=True)
class ContentLibrary:
    """Every loaded pack, with lookups by id. Immutable: reloading builds a new one."""

    packs: tuple[Pack, ...]
    prompts: tuple[Prompt, ...]
    flashcards: tuple[Flashcard, ...]
    _prompts_by_id: dict[str, Prompt] = field(repr=False)
    _cards_by_id: dict[str, Flashcard] = field(repr=False)

    @classmethod
    def of(cls, packs: Iterable[Pack]) -> ContentLibrary:
        packs = tuple(packs)
        prompts = tuple(p for pack in packs for p in pack.prompts)
        cards = tuple(c for pack in packs for c in pack.flashcards)
        return cls(packs, prompts, cards, {p.id: p for p in prompts}, {c.id: c for c in cards})

    def prompt(self, item_id: str) -> Prompt | None:
        return self._prompts_by_id.get(item_id)

    def flashcard(self, item_id: str) -> Flashcard | None:
        return self._cards_by_id.get(item_id)

    @property
    def version(self) -> str:
        return ", ".join(f"{p.name}@{p.version}" for p in self.packs) or "no packs"


def _pydantic_problems(file: str, error: ValidationError, items: list[Any] | None) -> list[Problem]:
    problems = []
    for detail in error.errors():
        loc = list(detail["loc"])
        item_id = None
        if len(loc) >= 2 and isinstance(loc[1], int) and items is not None and loc[1] < len(items):
            raw = items[loc[1]]
            item_id = raw.get("id") if isinstance(raw, dict) else None
            item_id = item_id or f"#{loc[1] + 1}"
            loc = loc[2:]
        field_name = ".".join(str(part) for part in loc) or None
        message = detail["msg"]
        if detail["type"] == "extra_forbidden":
            message = "unknown key; check its spelling against the schema (README, Content packs)"
        elif detail["type"] == "missing":
            message = "required key is missing"
        problems.append(Problem(file, item_id, field_name, message))
    return problems


def _read_toml(path: Path, root: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    relative = str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)
    try:
        raw = path.read_bytes()
        # Without the byte order mark some Windows editors and PowerShell's UTF8 encoding put first: TOML does not
        # allow one, and the file would read as "Invalid statement (at line 1, column 1)" though it looks right.
        return tomllib.loads(raw.decode("utf-8-sig")), []
    except UnicodeDecodeError:
        return None, [Problem(relative, None, None, "is not UTF-8 text")]
    except tomllib.TOMLDecodeError as error:
        return None, [Problem(relative, None, None, f"is not valid TOML: {error}")]
    except OSError as error:  # a folder named like a pack file, or one the bot may not read
        return None, [Problem(relative, None, None, f"cannot be read ({error.strerror or error})")]


def _parse(model: type[BaseModel], data: dict[str, Any], list_key: str | None, label: str) -> tuple[Any, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        items = data.get(list_key) if list_key else None
        return None, _pydantic_problems(label, error, items if isinstance(items, list) else None)


def load_pack(folder: Path) -> tuple[Pack | None, list[Problem]]:
    """Load one pack folder; return it (or None) with every problem found."""
    root = folder
    problems: list[Problem] = []
    meta_path = folder / "pack.toml"
    label = f"{folder.name}/pack.toml"
    if not meta_path.is_file():
        return None, [Problem(label, None, None, "missing: every pack folder needs a pack.toml")]
    data, found = _read_toml(meta_path, root)
    problems += found
    meta = None
    if data is not None:
        meta, found = _parse(PackMeta, data, None, label)
        problems += found
    clash = reserved_pack_name(meta.name) if meta is not None else None
    if clash is not None:
        problems.append(Problem(label, None, "name", f"{clash}; give the pack another name here"))
    prompts: list[Prompt] = []
    cards: list[Flashcard] = []
    item_files: dict[str, str] = {}
    for sub, model, key, bucket in (("prompts", PromptFile, "prompt", prompts),
                                    ("flashcards", CardFile, "card", cards)):
        problems += _nested_item_files(folder, sub)
        for path in sorted((folder / sub).glob("*.toml")):
            label = f"{folder.name}/{sub}/{path.name}"
            data, found = _read_toml(path, root)
            problems += found
            if data is None:
                continue
            parsed, found = _parse(model, data, key, label)
            problems += found
            if parsed is not None:
                for item in getattr(parsed, key):
                    bucket.append(item)
                    item_files.setdefault(item.id, label)
    if meta is None or any(p.severity == "error" for p in problems):
        return None, problems
    return Pack(meta, folder, tuple(prompts), tuple(cards), item_files), problems


def _nested_item_files(folder: Path, sub: str) -> list[Problem]:
    """Item files in a subfolder of ``prompts/`` or ``flashcards/``: only the folder itself is read, so an author
    who sorts files into subfolders would otherwise see their items quietly missing from the bot."""
    top = folder / sub
    nested = sorted(path for path in top.rglob("*.toml") if path.parent != top)
    return [Problem(f"{folder.name}/{path.relative_to(folder).as_posix()}", None, None,
                    f"is in a subfolder, and only the files directly in {sub}/ are read: move it into {sub}/")
            for path in nested]


def pack_folders(directory: Path) -> list[Path]:
    if (directory / "pack.toml").is_file():
        return [directory]
    return sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


ContentFolders = Path | str | Sequence[Path | str]


def as_folders(directory: ContentFolders) -> tuple[Path, ...]:
    """One folder or several, as a tuple of paths (packs from several folders load as one library)."""
    if isinstance(directory, (str, Path)):
        return (Path(directory),)
    return tuple(Path(d) for d in directory)


def load_library(directory: ContentFolders) -> tuple[ContentLibrary | None, list[Problem]]:
    """Load every pack under ``directory`` (one folder or several); None when any error was found."""
    packs: list[Pack] = []
    problems: list[Problem] = []
    for root in as_folders(directory):
        if not root.is_dir():
            problems.append(Problem(str(root), None, None, "is not a folder of content packs"))
            continue
        folders = pack_folders(root)
        if not folders:
            problems.append(Problem(str(root), None, None, "holds no content pack (a folder with pack.toml)"))
        for folder in folders:
            pack, found = load_pack(folder)
            problems += found
            twice = _loaded_twice(pack, packs) if pack is not None else []
            problems += twice
            if pack is not None and not twice:
                packs.append(pack)
    problems += duplicate_ids(packs)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return ContentLibrary.of(packs), problems


def _loaded_twice(pack: Pack, loaded: list[Pack]) -> list[Problem]:
    """A pack whose name an earlier folder already gave: most often a copy of a shipped pack, made to edit it and
    added beside the original, whose every id would otherwise be reported as a duplicate of a file of the same
    name. The copy is left out, so its ids are not each reported as duplicates as well."""
    first = next((other for other in loaded if other.name == pack.name), None)
    if first is None:
        return []
    return [Problem(str(pack.path / "pack.toml"), None, "name",
                    f"pack “{pack.name}” is loaded twice, also from {first.path}; keep one copy (to serve your copy "
                    "of a shipped pack instead of it, leave `shipped` out of STUDYBOT_CONTENT_DIR)")]


def duplicate_ids(packs: list[Pack]) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for pack in packs:
        for item in pack.items:
            where = pack.item_files.get(item.id, pack.name)
            if item.id in seen:
                problems.append(Problem(where, item.id, "id", f"duplicate id (also in {seen[item.id]}); "
                                        "ids must be unique across all packs"))
            else:
                seen[item.id] = where
    return problems
