"""The daily post's own words, rendered from a post (no Discord needed)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.content import ContentStore
from bot.daily.models import DailyPost
from bot.settings import SHIPPED_CONTENT_DIR
from cogs.daily.embeds import post_embed


def post(remaining: int, low: bool) -> DailyPost:
    prompt = ContentStore.load(SHIPPED_CONTENT_DIR).library.prompts[0]
    return DailyPost(guild_id=1, local_date=date(2026, 3, 2), day_number=5, prompt=prompt, role_id=None,
                     nonce="n", remaining_in_cycle=remaining, low_warning=low)


@pytest.mark.parametrize(("remaining", "said"), [
    (3, "3 prompts left before the rotation starts over"),
    (1, "1 prompt left before the rotation starts over"),
    (0, "the rotation starts over with the next post"),
])
def test_the_footer_warns_moderators_the_rotation_is_nearly_over_in_plain_words(remaining: int, said: str) -> None:
    footer = post_embed(post(remaining, low=True)).footer.text or ""
    assert footer.endswith(said), footer


def test_the_footer_says_nothing_of_the_rotation_while_plenty_is_left() -> None:
    assert "rotation" not in (post_embed(post(30, low=False)).footer.text or "")
