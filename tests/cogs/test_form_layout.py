"""Forms use the current modal layout: every text input sits in a Label component (type 18) and
carries no label of its own, the form the docs mark deprecated."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.localdiscord import BotHarness, SimChannel, SimMember

from .test_daily import posts, setup_daily


def assert_label_layout(modal: dict[str, Any] | None) -> None:
    assert modal is not None
    for row in modal["components"]:
        assert row["type"] == 18 and row.get("label"), row
        assert row["component"]["type"] == 4 and row["component"].get("label") is None, row


async def test_answer_and_moderator_forms_wrap_each_input_in_a_label(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember) -> None:
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    assert_label_layout((await mod.slash("daily add", kind="design", difficulty="easy")).modal)
    await harness.advance_to(datetime(2026, 3, 2, 9, 1, tzinfo=UTC))
    [post] = posts(daily)
    form = await alice.click(post, "Submit answer")
    assert_label_layout(form.modal)
    assert "Saved" in (await alice.submit_modal(form, answer="Cache by tenant")).text
