"""How helpful marks look: the button's label counts the marks an answer has."""

from __future__ import annotations


def helpful_label(marks: int) -> str:
    return "Helpful" if marks == 0 else f"Helpful · {marks}"
