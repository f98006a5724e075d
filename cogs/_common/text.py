"""Member-written text shown by the bot: inert markdown, no masked links, no control characters.

A member's answer or note shown inside the bot's own embed must not be able to look like the bot
speaking: no headings, no masked links (``[click me](https://…)``), no formatting that escapes
its box. Titles and thread names additionally lose control characters (NUL, right-to-left
overrides and other bidi controls) that would garble or disguise them. Mentions stay inert
through ``allowed_mentions`` wherever member text is sent.
"""

from __future__ import annotations

import re

import discord

from bot.community import reviewed_item

# C0/C1 controls except tab and newline, and the bidi marks/overrides/isolates.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_HEADING = re.compile(r"^(\s*)(#)", re.MULTILINE)
_LINK_OPEN = re.compile(r"(?<!\\)\[")


def without_controls(text: str) -> str:
    """``text`` without control characters (tabs and newlines kept)."""
    return _CONTROLS.sub("", text)


def one_line(text: str) -> str:
    """For titles and thread names: no controls, every run of whitespace a single space."""
    return " ".join(without_controls(text).split())


def member_text(text: str) -> str:
    """Member text as plain text inside a bot message: markdown, headings and masked links escaped."""
    escaped = discord.utils.escape_markdown(without_controls(text), ignore_links=True)
    escaped = _HEADING.sub(r"\1\\\2", escaped)
    return _LINK_OPEN.sub(r"\\[", escaped)


def item_text(item_id: str, text: str) -> str:
    """A prompt's or card's text as members see it. One that came through the review queue was written by a member
    and shown to the moderators there as plain text (:func:`member_text`), so it stays plain text wherever it
    goes: what a moderator approved is what members see, never a masked link or heading that only appears once
    it is public. A shipped pack's text, or a moderator's own prompt, keeps its markdown (code spans)."""
    return member_text(text) if reviewed_item(item_id) else text


def quoted_member_text(text: str) -> str:
    """Member text as a quote block (every line quoted), escaped as :func:`member_text`."""
    return "\n".join(f"> {line}" for line in member_text(text).splitlines() or [""])
