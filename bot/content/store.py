"""The running bot's handle on its content: the current library, reloadable without downtime."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.content.loader import ContentError, ContentFolders, ContentLibrary, Problem, as_folders
from bot.content.report import load_checked

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    prompts: int
    flashcards: int
    report: str

    def __str__(self) -> str:
        if self.ok:
            return f"Reloaded: {self.prompts} prompts and {self.flashcards} flashcards."
        return f"Reload failed; still serving the previous content.\n{self.report}"


class ContentStore:
    """Holds the library the bot serves; a failed reload keeps the last good one."""

    def __init__(self, directory: ContentFolders, library: ContentLibrary,
                 warnings: list[Problem] | None = None) -> None:
        self.directories = as_folders(directory)
        self._library = library
        self.warnings = warnings or []

    @property
    def directory(self) -> Path:
        """The first folder of packs (the only one unless packs are added to the shipped ones)."""
        return self.directories[0]

    @directory.setter
    def directory(self, folder: Path) -> None:
        self.directories = (Path(folder),)

    @classmethod
    def load(cls, directory: ContentFolders) -> ContentStore:
        library, problems = load_checked(directory)
        if library is None:
            raise ContentError([p for p in problems if p.severity == "error"])
        return cls(directory, library, [p for p in problems if p.severity != "error"])

    @property
    def library(self) -> ContentLibrary:
        return self._library

    def reload(self) -> ReloadResult:
        library, problems = load_checked(self.directories)
        if library is None:
            report = "\n".join(str(p) for p in problems if p.severity == "error")
            log.warning("content reload failed; keeping %s", self._library.version)
            return ReloadResult(False, len(self._library.prompts), len(self._library.flashcards), report)
        self._library = library
        self.warnings = [p for p in problems if p.severity != "error"]
        return ReloadResult(True, len(library.prompts), len(library.flashcards), "")
