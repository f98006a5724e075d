"""Checking that a prompt's capacity numbers close.

A design prompt that states a fixed pool (GPUs, replicas, human agents) and a workload
invites members to size the system; if the stated numbers cannot fit, the best answer
is "this is impossible", which is a fine interview twist only when the rubric asks for
it. So such prompts carry ``[[prompt.sizing]]`` checks: arithmetic over the numbers the
prompt states, which must come out with ``need <= have``.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable

from bot.content.loader import Pack, Problem
from bot.content.models import Prompt
from bot.errors import InvalidInput

# A fixed pool of capacity ...
POOL = re.compile(r"\b\d[\d,]*\s+(?:[a-z-]+\s+)?(?:GPUs?|replicas|human agents|workers)\b", re.IGNORECASE)
# ... together with a workload that has to fit in it.
WORKLOAD = re.compile(r"requests?/s|requests per second|queries per second|calls per second|"
                      r"conversations a day|documents", re.IGNORECASE)
NUMBER = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s*(%|k\b|K\b|M\b|B\b|million\b|billion\b|thousand\b)?")
SCALE = {None: 1, "%": 1, "k": 1e3, "K": 1e3, "thousand": 1e3, "M": 1e6, "million": 1e6, "B": 1e9, "billion": 1e9}
# Conversions any sizing may use without the prompt stating them.
UNIT_CONSTANTS = frozenset({1, 2, 4, 8, 10, 24, 60, 100, 1000, 1024, 3600, 86400, 1e6, 1e9})
OPERATORS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}


class SizingError(ValueError):
    """An expression that is not plain arithmetic over numbers."""


def stated_numbers(text: str) -> set[float]:
    """Every number the text states, read as a person would (``1.2 million``, ``30M``, ``2,000``)."""
    found = set()
    for digits, unit in NUMBER.findall(text):
        value = float(digits.replace(",", ""))
        found.add(value)
        found.add(value * SCALE[unit or None])
    return found


def evaluate(expression: str) -> tuple[float, list[float]]:
    """The value of ``expression`` and the numbers it is made of; only + - * / and parentheses."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise SizingError(f"“{expression}” is not arithmetic ({error.msg})") from None
    literals: list[float] = []

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
            literals.append(float(node.value))
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            right = walk(node.right)
            left = walk(node.left)
            if isinstance(node.op, ast.Div) and right == 0:
                raise SizingError(f"“{expression}” divides by zero")
            return OPERATORS[type(node.op)](left, right)
        raise SizingError(f"“{expression}” may use only numbers, + - * / and parentheses")

    return walk(tree.body), literals


def _known(value: float, stated: set[float]) -> bool:
    return any(math.isclose(value, number, rel_tol=1e-9) for number in stated | UNIT_CONSTANTS)


def states_capacity(prompt: Prompt) -> bool:
    """Whether the prompt names a fixed pool and a workload that must fit in it."""
    text = " ".join([prompt.scenario, *prompt.constraints])
    return bool(POOL.search(text)) and bool(WORKLOAD.search(text))


def refuse_unsized(prompt: Prompt) -> None:
    """Refuse a prompt written in a form (a suggestion, a moderator's own) that states a fixed pool and a workload:
    in a pack such a prompt carries a check that its numbers fit, which a form cannot hold, and without one the
    export of the server's content would fail ``studybot content validate``."""
    if sizing_problems(prompt, ""):
        raise InvalidInput("That prompt states a fixed pool (GPUs, replicas, workers…) and a workload that has to "
                           "fit in it. In a content pack such a prompt carries a check that its numbers fit, which "
                           "a form cannot hold.",
                           hint="Leave out the fixed pool or the workload (sizing it is then part of the answer), "
                                "or ask the bot's host to add it to a content pack; nothing was saved.")


def sizing_problems(prompt: Prompt, where: str) -> list[Problem]:
    """Problems with one prompt's sizing: missing checks, unknown numbers, numbers that do not close."""
    if not prompt.sizing:
        if states_capacity(prompt):
            return [Problem(where, prompt.id, "sizing", "states a capacity pool and a workload but has no "
                            "[[prompt.sizing]] check; add one (need <= have) over the numbers it states")]
        return []
    problems = []
    stated = stated_numbers(" ".join([prompt.scenario, *prompt.constraints]))
    for index, check in enumerate(prompt.sizing, start=1):
        field = f"sizing.{index}"
        try:
            need, need_parts = evaluate(check.need)
            have, have_parts = evaluate(check.have)
        except SizingError as error:
            problems.append(Problem(where, prompt.id, field, str(error)))
            continue
        unknown = sorted({n for n in need_parts + have_parts if not _known(n, stated)})
        if unknown:
            listed = ", ".join(f"{n:g}" for n in unknown)
            problems.append(Problem(where, prompt.id, field, f"uses {listed}, which the prompt does not state; "
                                    "put the number in the scenario or constraints"))
        elif need > have:
            problems.append(Problem(where, prompt.id, field, f"“{check.check}” does not close: needs {need:,.0f} "
                                    f"but has {have:,.0f} ({need / have:.1f}×); change the numbers or the claim"))
    return problems


def pack_sizing_problems(pack: Pack) -> list[Problem]:
    problems = []
    for prompt in pack.prompts:
        problems += sizing_problems(prompt, pack.item_files.get(prompt.id, pack.name))
    return problems
