"""The answer form's wording per prompt kind, and titles shortened at a word boundary."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.content import ContentStore
from bot.content.models import PromptKind
from bot.daily.forms import INPUT_LABEL_LIMIT, MODAL_TITLE_LIMIT, PLACEHOLDER_LIMIT, answer_form, shorten
from bot.settings import SHIPPED_CONTENT_DIR


def test_every_shipped_prompt_gets_a_form_that_fits_discord_and_its_kind() -> None:
    for prompt in ContentStore.load(SHIPPED_CONTENT_DIR).library.prompts:
        for replacing in (False, True):
            form = answer_form(prompt, replacing=replacing)
            assert len(form.title) <= MODAL_TITLE_LIMIT and len(form.label) <= INPUT_LABEL_LIMIT
            assert len(form.placeholder) <= PLACEHOLDER_LIMIT and "…" not in form.placeholder + form.label
            assert prompt.title.startswith(form.title.removesuffix("…"))
            if prompt.kind is not PromptKind.DESIGN:
                assert "design" not in form.placeholder.lower()
            if prompt.kind is PromptKind.BEHAVIORAL:
                assert form.label.startswith("Your story") and "Situation" in form.placeholder


def test_a_long_title_is_shortened_at_a_word_boundary() -> None:
    title = "Scaling a vector database from 10 million to 5 billion vectors"
    assert shorten(title, 45) == "Scaling a vector database from 10 million to…"
    assert shorten("Short enough", 45) == "Short enough"
    assert shorten("Observability for hallucinations, in a support assistant", 45) == \
        "Observability for hallucinations, in a…"
    assert shorten("Supercalifragilisticexpialidocious-and-more-and-more-words", 20) == "Supercalifragilisti…"


words = st.lists(st.text(alphabet="abcdefghijklmnop", min_size=1, max_size=14), min_size=1, max_size=12)


@given(words, st.integers(min_value=5, max_value=60))
def test_shortened_text_fits_and_ends_on_a_whole_word(parts: list[str], limit: int) -> None:
    text = " ".join(parts)
    short = shorten(text, limit)
    assert len(short) <= limit
    if short == text:
        return
    assert short.endswith("…")
    kept = short.removesuffix("…").split()
    if len(parts[0]) <= limit - 1:  # a first word that fits is never cut: the cut falls between words
        assert kept == parts[:len(kept)]
