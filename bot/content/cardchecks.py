"""Checks that keep flashcards worth reviewing and quiz questions worth thinking about.

A card whose back only repeats its front teaches nothing; two cards that ask the same
thing in other words waste a member's reviews; a quiz whose wrong options are much
shorter, contained in the right one, or its plain negation gives the answer away.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from bot.content.loader import Pack, Problem
from bot.content.models import Flashcard

NEAR_DUPLICATE_TEXT = 0.9      # difflib ratio of two fronts
NEAR_DUPLICATE_WORDS = 0.6     # shared share of the content words of front and back together
BACK_REPEATS_FRONT = 0.75      # share of the back's content words already on the front
MIN_LENGTH_RATIO = 0.45        # shortest quiz option against the longest
QUIZ_OPTIONS = 4

STOP_WORDS = frozenset("""
a an the and or but if then than that this these those there their them they it its of in on at to for from by
with into onto over under about as is are was were be been being do does did have has had can could should would
will may might must what which who whom whose when where why how your you our we us his her one two not no never
more most less least very much many each every any some such only also just so too own same other
""".split())
NEGATIONS = frozenset({"not", "no", "never", "none", "nothing", "cannot", "without", "neither", "nor"})
CONTRACTIONS = re.compile(r"\b(\w+)n't\b")


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9%]+", " ", text.lower()).strip()


def content_words(text: str) -> set[str]:
    """The words that carry meaning: lowercase, without stop words and very short words."""
    words = re.findall(r"[a-z0-9%]+", text.lower())
    return {w.rstrip("s") if len(w) > 4 else w for w in words if w not in STOP_WORDS and len(w) > 2}


def _without_negation(text: str) -> str:
    text = CONTRACTIONS.sub(r"\1", text.lower()).replace("cannot", "can")
    return " ".join(w for w in _normal(text).split() if w not in NEGATIONS)


def back_repeats_front(card: Flashcard) -> Problem | None:
    front, back = _normal(card.front), _normal(card.back)
    words = content_words(card.back)
    repeated = len(words & content_words(card.front)) / len(words) if words else 1.0
    if back in front or repeated >= BACK_REPEATS_FRONT:
        return Problem("", card.id, "back", "repeats its front; the back should say something the front does not")
    return None


def negates(first: str, second: str) -> bool:
    """Whether one text is the other with a negation added or removed (or a bare yes against a no)."""
    a, b = _normal(first), _normal(second)
    if a == b:
        return False
    if {a.split()[:1][0] if a else "", b.split()[:1][0] if b else ""} == {"yes", "no"}:
        return True
    return _without_negation(first) == _without_negation(second)


def option_problems(card: Flashcard) -> list[str]:
    """What gives a card's own quiz options away (cards without three wrong answers have none to check)."""
    options = [card.back, *card.wrong_answers]
    return options_give_away(options) if len(options) >= QUIZ_OPTIONS else []


def options_give_away(options: list[str]) -> list[str]:
    """What gives a set of quiz options away: uneven lengths, contained options, negations."""
    found = []
    lengths = [len(o) for o in options]
    if min(lengths) < MIN_LENGTH_RATIO * max(lengths):
        shortest = options[lengths.index(min(lengths))]
        longest = options[lengths.index(max(lengths))]
        found.append(f"options differ too much in length ({min(lengths)} against {max(lengths)} characters: "
                     f"“{shortest[:40]}” and “{longest[:40]}”); the odd one out gives the answer away")
    normal = [_normal(o) for o in options]
    for i, first in enumerate(options):
        for j, second in enumerate(options):
            if j <= i:
                continue
            if _has_words(normal[j], normal[i]) or _has_words(normal[i], normal[j]):
                found.append(f"“{first[:40]}” and “{second[:40]}”: one option contains the other")
            elif negates(first, second):
                found.append(f"“{first[:40]}” and “{second[:40]}”: one option is the negation of the other")
    return found


def _has_words(text: str, part: str) -> bool:
    """Whether ``part`` is in ``text`` as whole words. The plain substring test goes first: compiling a pattern
    for every pair of options made checking the packs, which the bot does at every start, take a noticeable
    while."""
    return part in text and re.search(rf"\b{re.escape(part)}\b", text) is not None


def one_card_errors(card: Flashcard, where: str = "") -> list[Problem]:
    """The errors a card has on its own (a back that repeats its front, quiz options that give the answer away):
    what a pack file's card and a card suggested or edited in Discord are both refused for."""
    problems = []
    repeat = back_repeats_front(card)
    if repeat is not None:
        problems.append(Problem(where, card.id, repeat.field, repeat.message))
    problems += [Problem(where, card.id, "wrong_answers", message) for message in option_problems(card)]
    return problems


def card_problems(pack: Pack) -> list[Problem]:
    """Back-repeats-front and quiz-option problems (errors); cards without quiz options (warnings)."""
    problems = []
    for card in pack.flashcards:
        where = pack.item_files.get(card.id, pack.name)
        problems += one_card_errors(card, where)
        if len(card.wrong_answers) < QUIZ_OPTIONS - 1:
            problems.append(Problem(where, card.id, "wrong_answers", f"has {len(card.wrong_answers)} wrong "
                                    f"answers; the quiz borrows other cards' backs until it has "
                                    f"{QUIZ_OPTIONS - 1}, which are easy to rule out", "warning"))
    return problems


def prompt_reference_problems(pack: Pack, prompt_ids: set[str]) -> list[Problem]:
    return [Problem(pack.item_files.get(card.id, pack.name), card.id, "prompt",
                    f"names prompt “{card.prompt}”, which no loaded pack has")
            for card in pack.flashcards if card.prompt is not None and card.prompt not in prompt_ids]


def near_duplicate_cards(pack: Pack) -> list[Problem]:
    """Cards so alike, in wording or in what they ask and answer, that a member would meet one twice."""
    problems = []
    cards = list(pack.flashcards)
    words = [content_words(f"{c.front} {c.back}") for c in cards]
    for i, first in enumerate(cards):
        for j in range(i + 1, len(cards)):
            second = cards[j]
            shared = len(words[i] & words[j]) / (len(words[i] | words[j]) or 1)
            matcher = SequenceMatcher(None, first.front.lower(), second.front.lower())
            alike = (matcher.real_quick_ratio() >= NEAR_DUPLICATE_TEXT and matcher.quick_ratio() >= NEAR_DUPLICATE_TEXT
                     and matcher.ratio() >= NEAR_DUPLICATE_TEXT)
            if alike or shared >= NEAR_DUPLICATE_WORDS:
                how = f"{matcher.ratio():.0%} alike in wording" if alike else f"{shared:.0%} of their words shared"
                problems.append(Problem(pack.item_files.get(second.id, pack.name), second.id, None,
                                        f"nearly the same as {first.id} ({how}); merge or reword", "warning"))
    return problems
