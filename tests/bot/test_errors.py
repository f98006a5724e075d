"""The one wording for free-text limits."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput, bounded_text


def test_bounded_text_strips_and_keeps_text_within_the_limit() -> None:
    assert bounded_text("  an answer \n", what="Your answer", limit=20, required=True) == "an answer"


def test_an_empty_required_field_says_so_with_the_hint() -> None:
    with pytest.raises(InvalidInput) as raised:
        bounded_text("   ", what="Your answer", limit=20, required=True, empty_hint="Write a few sentences.")
    assert raised.value.render() == "Your answer is empty.\nWrite a few sentences."


def test_an_optional_field_may_be_empty() -> None:
    assert bounded_text(None, what="The note", limit=5, required=False) == ""


def test_too_long_text_says_how_long_it_is_and_the_limit() -> None:
    with pytest.raises(InvalidInput, match="The note is 6 characters; the limit is 5."):
        bounded_text("abcdef", what="The note", limit=5, required=False)
