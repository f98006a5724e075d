"""Input once read as something other than what was typed, and silently accepted: now read as meant or refused."""

from __future__ import annotations

import pytest

from bot.error_handler import GENERIC_FAILURE
from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_welcome import channel, invite_bot


@pytest.mark.parametrize(("typed", "meant"), [("Mon-Fri 6pm-9", "Mon-Fri 18-21"), ("Tue 11am-1", "Tue 11-13")])
async def test_an_evening_written_with_am_pm_on_its_start_only_is_not_stretched_overnight(
        harness: BotHarness, alice: SimMember, daily: SimChannel, typed: str, meant: str) -> None:
    # "6-9pm" is read as 18-21 (the start shares the end's suffix); "6pm-9" is the same evening written the
    # other way round, and must not become 18:00 to 09:00 the next morning (15 hours a day).
    reply = await alice.slash("mock join", in_channel=daily, role="either", level="mid", timezone="UTC",
                              availability=typed)
    assert GENERIC_FAILURE not in reply.text
    stored = await harness.core.db.fetchval("SELECT availability FROM mock_participants WHERE user_id = ?", (alice.id,))
    refused = stored is None and reply.ephemeral and "availability" in reply.text.lower()
    assert refused or stored == meant, f"{typed!r} was stored as {stored!r}"


@pytest.mark.parametrize("typed", ["monthly 18:00", "weekly Mon-Fri 18:00", "Mon/Thu 19:30"])
async def test_the_setup_form_does_not_read_a_mock_schedule_it_cannot_keep_as_weekly_mondays(
        harness: BotHarness, typed: str) -> None:
    guild, mod, _member = await invite_bot(harness)
    general, study = channel(guild, "general"), channel(guild, "study")
    step = await mod.click(general.messages[0], "Set up studybot")
    form = await mod.select(step, [str(study.id)])
    done = await mod.submit_modal(form, daily_time="09:00", timezone="Europe/Berlin", quiz_time="", mock=typed)
    assert GENERIC_FAILURE not in done.text
    saved = await harness.core.db.fetchval("SELECT weekday FROM mock_schedule WHERE guild_id = ?", (guild.id,))
    assert saved is None and "Mock interviews" in done.text and "Correct it" in done.button_labels, (
        f"{typed!r} was saved as weekday {saved!r}: {done.text[:300]!r}")
