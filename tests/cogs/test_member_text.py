"""Member text cannot impersonate the bot: inside the bot's messages it stays plain, quoted text,
and titles and thread names carry no control characters."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.localdiscord import BotHarness, SimChannel, SimMember
from cogs._common import member_text, one_line, quoted_member_text

from .test_daily import posts, setup_daily

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MASKED_LINK = re.compile(r"(?<!\\)\[[^\]\n]*\]\(")
HEADING = re.compile(r"^\s*#", re.MULTILINE)
TRICKS = st.sampled_from(["# ", "## ", "-# ", "[click me](https://evil.example)", "**", "__", "`", "> ", "\u202e",
                          "\x00", "\n", "[a]", "(https://x.example)", "\\", "@everyone", "<@&1>"])
MEMBER_TEXT = st.lists(st.one_of(TRICKS, st.text(max_size=8)), max_size=12).map("".join)


@given(MEMBER_TEXT)
def test_member_text_never_renders_a_heading_a_masked_link_or_a_control_character(text: str) -> None:
    shown = member_text(text)
    assert not CONTROLS.search(shown)
    assert not MASKED_LINK.search(shown)
    assert not HEADING.search(shown)
    assert all(line.startswith("> ") for line in quoted_member_text(text).splitlines())


@given(MEMBER_TEXT)
def test_titles_and_thread_names_are_one_clean_line(text: str) -> None:
    line = one_line(text)
    assert not CONTROLS.search(line) and "\n" not in line and line == line.strip()


async def test_an_answer_shown_by_the_bot_is_the_members_plain_text(
        harness: BotHarness, mod: SimMember, daily: SimChannel, alice: SimMember) -> None:
    await setup_daily(mod, daily, time="09:00", zone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 9, 1, tzinfo=UTC))
    [post] = posts(daily)
    answer = "# Official notice from studybot\n[Verify your account](https://evil.example/login)\n**Now**\u202e"
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer=answer)
    assert post.thread is not None
    [shown] = [m for m in post.thread.messages if m.embeds and "Verify your account" in m.text]
    description = shown.embeds[0]["description"]
    assert not HEADING.search(description) and not MASKED_LINK.search(description)
    assert "\\# Official notice" in description and "\\[Verify your account]" in description
    assert "\u202e" not in description and "\\*\\*Now\\*\\*" in description


async def test_a_members_name_cannot_smuggle_control_characters_into_a_title(
        harness: BotHarness, alice: SimMember) -> None:
    eve = harness.guild.add_member("eve\u202egnp.exe\x00 admin")
    await harness.settle()
    shown = await alice.slash("streak show", member=eve)
    title = shown.embeds[0]["title"]
    assert not CONTROLS.search(title) and title.startswith("evegnp.exe admin")
