"""Custom ids of persistent components, spelled once.

A persistent button (a :class:`discord.ui.DynamicItem`) needs its custom id twice: written when the
message is posted and matched by a template after any restart. Both come from one
:class:`CustomId`, a prefix and typed parts, so they cannot drift apart, and the match is read back
into the same typed values the button was built from. Ids already posted on Discord must keep
working, so a spec's output is pinned by ``tests/cogs/test_button_ids.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Part:
    """One ``:``-separated part of an id: the regex it matches, and how it is read and written."""

    pattern: str
    read: Callable[[str], Any] = str
    write: Callable[[Any], str] = str


NUMBER = Part(r"\d+", int)
SLUG = Part(r"[a-z0-9-]+")  # a content id: a card or a prompt
WORD = Part(r"[a-z]+")  # a choice's value, such as a kind or a level
TEXT = Part(r"(?s:.*)")  # free text to the end of the id (a form carrying a title), newlines included
DAY = Part(r"\d{8}", lambda text: date(int(text[:4]), int(text[4:6]), int(text[6:])), lambda day: f"{day:%Y%m%d}")


def digit(low: int, high: int, kind: Callable[[int], Any] = int) -> Part:
    """One digit from ``low`` to ``high``, read as ``kind`` (an ``IntEnum`` such as a grade)."""
    return Part(f"[{low}-{high}]", lambda text: kind(int(text)), lambda value: str(int(value)))


def one_of(*words: str) -> Part:
    return Part("|".join(words))


def word_or_none(none: str) -> Part:
    """A lower-case word, or ``none`` standing for no value (a filter left open)."""
    return Part(r"[a-z-]+", lambda text: None if text == none else text, lambda value: value or none)


class CustomId:
    """``prefix:part:part…``: builds the id, the template that matches it, and reads a match back."""

    def __init__(self, prefix: str, **parts: Part) -> None:
        self.prefix = prefix
        self.parts = parts
        self.template = prefix + "".join(f":(?P<{name}>{part.pattern})" for name, part in parts.items())
        self._compiled = re.compile(self.template)

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled template: a form route matches submitted ids with it."""
        return self._compiled

    def __call__(self, *values: Any) -> str:
        if len(values) != len(self.parts):
            raise TypeError(f"{self.prefix} takes {len(self.parts)} values, not {len(values)}")
        return self.prefix + "".join(f":{part.write(value)}" for part, value in zip(self.parts.values(), values,
                                                                                     strict=True))

    def values(self, match: re.Match[str]) -> tuple[Any, ...]:
        """The typed values of a template match, in the order the id was built from."""
        return tuple(part.read(match[name]) for name, part in self.parts.items())

    def parse(self, custom_id: str) -> tuple[Any, ...] | None:
        """The typed values of ``custom_id``, or None when it is not one of these ids."""
        match = self._compiled.fullmatch(custom_id)
        return None if match is None else self.values(match)
