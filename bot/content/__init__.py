"""Content packs: the prompts and flashcards the bot serves, loaded from TOML and validated."""

from bot.content.loader import ContentError, ContentLibrary, Pack, Problem, load_library
from bot.content.models import Difficulty, Flashcard, PackMeta, Prompt, PromptKind, Source
from bot.content.store import ContentStore, ReloadResult

__all__ = [
    "ContentError", "ContentLibrary", "ContentStore", "Difficulty", "Flashcard", "Pack", "PackMeta", "Problem",
    "Prompt", "PromptKind", "ReloadResult", "Source", "load_library",
]
