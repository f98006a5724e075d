"""Render what members see (posts, embeds, buttons, ephemeral replies, DMs) as readable text."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.localdiscord.replies import Reply
from bot.localdiscord.state import SimMessage, iter_components

WIDTH = 88


Resolver = Callable[[str], str]
_mentions: list[Resolver] = []  # set by the runner: shows <@id>, <#id> and <@&id> as names, as Discord does
_clock: list[Callable[[], datetime]] = []  # set by the runner: "now" for relative timestamps
_viewer: list[ZoneInfo] = []  # set by the runner: the reader whose Discord client the transcript imitates

# How Discord's client (English, UK) writes each ``<t:…:style>`` in the reader's own timezone.
STYLES = {"t": "%H:%M", "T": "%H:%M:%S", "d": "%d/%m/%Y", "D": "{day} %B %Y", "f": "{day} %B %Y %H:%M",
          "F": "%A, {day} %B %Y %H:%M"}


def _relative(moment: datetime) -> str:
    """``<t:…:R>`` as Discord words it: "in 3 hours", "2 days ago"."""
    if not _clock:
        return _absolute(moment, "f")
    seconds = (moment - _clock[0]()).total_seconds()
    amount = abs(seconds)
    unit, size = next(((u, n) for u, n in (("day", 86400), ("hour", 3600), ("minute", 60)) if amount >= n),
                      ("second", 1))
    count = round(amount / size)
    words = f"{count} {unit}{'' if count == 1 else 's'}"
    return f"in {words}" if seconds >= 0 else f"{words} ago"


def _absolute(moment: datetime, style: str) -> str:
    """``moment`` as Discord writes it for the viewer (their zone, UK English); UTC when none is set."""
    zone = _viewer[0] if _viewer else ZoneInfo("UTC")
    local = moment.astimezone(zone)
    pattern = STYLES.get(style, STYLES["f"]).replace("{day}", str(local.day))
    return local.strftime(pattern) + ("" if _viewer else " UTC")


def _timestamps(text: str) -> str:
    """Discord shows ``<t:…>`` in each reader's own timezone; the transcript shows the stated viewer's."""
    for resolve in _mentions:
        text = resolve(text)

    def shown(match: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(match.group(1)), UTC)
        return _relative(moment) if match.group(2) == "R" else _absolute(moment, match.group(2) or "f")

    return re.sub(r"<t:(\d+)(?::(\w))?>", shown, text)


def _indent(text: str, prefix: str = "    ") -> str:
    text = _timestamps(text)
    lines = []
    for line in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(line, WIDTH - len(prefix)) or [""])
    return "\n".join(prefix + line for line in lines)


def render_payload(payload: dict[str, Any]) -> str:
    parts: list[str] = []
    if payload.get("content"):
        parts.append(_indent(payload["content"]))
    for embed in payload.get("embeds") or []:
        if embed.get("title"):
            parts.append(f"  ┃ {_timestamps(embed['title'])}")
        if embed.get("description"):
            parts.append(_indent(embed["description"], "  ┃ "))
        for item in embed.get("fields") or []:
            parts.append(f"  ┃ — {item.get('name')}")
            parts.append(_indent(str(item.get("value")), "  ┃   "))
        if (embed.get("footer") or {}).get("text"):
            parts.append(f"  ┃ ({embed['footer']['text']})")
        if (embed.get("image") or {}).get("url"):
            parts.append(f"  ┃ [image {embed['image']['url']}]")
    buttons = [c for c in iter_components(payload.get("components") or []) if c.get("type") == 2]
    if buttons:
        parts.append("  " + " ".join(_button(b) for b in buttons))
    return "\n".join(parts)


def _button(button: dict[str, Any]) -> str:
    """A button as the reader would see it: greyed out ones say so."""
    label = button.get("label") or (button.get("emoji") or {}).get("name", "?")
    return f"[{label} (disabled)]" if button.get("disabled") else f"[{label}]"


class Writer(Protocol):
    """Where the transcript goes: a file, the terminal, or both at once."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


class Printer:
    """Writes the demo transcript."""

    def __init__(self, out: Writer) -> None:
        self.out = out

    @staticmethod
    def resolve_mentions_with(resolver: Resolver | None) -> None:
        """Show mentions by name (``None`` turns it off again)."""
        _mentions.clear()
        if resolver is not None:
            _mentions.append(resolver)

    @staticmethod
    def use_clock(now: Callable[[], datetime] | None) -> None:
        """Word relative timestamps against ``now`` (the demo's clock); ``None`` turns it off again."""
        _clock.clear()
        if now is not None:
            _clock.append(now)

    @staticmethod
    def use_viewer_zone(zone: ZoneInfo | None) -> None:
        """Show absolute timestamps as a reader in ``zone`` sees them; ``None`` turns it off again."""
        _viewer.clear()
        if zone is not None:
            _viewer.append(zone)

    def heading(self, text: str) -> None:
        self.out.write(f"\n{'═' * WIDTH}\n{text}\n{'═' * WIDTH}\n")

    def say(self, text: str) -> None:
        self.out.write(f"\n» {text}\n")

    def message(self, message: SimMessage, where: str) -> None:
        files = "".join(f"\n  📎 {a['filename']} ({a.get('size', len(a.get('data', b'')))} bytes)"
                        for a in message.attachments)
        self.out.write(f"\n[{where}] {message.author.name}:\n{render_payload(message.payload)}{files}\n")

    def reply(self, who: str, action: str, reply: Reply) -> None:
        self.out.write(f"\n{who} › {action}\n")
        if reply.modal is not None:
            fields = [c.get("label", "") for c in iter_components(reply.modal.get("components") or [])
                      if c.get("label")]
            self.out.write(f"  (a form opens: {reply.modal.get('title')} — {', '.join(fields)})\n")
        shown = [reply.message] if reply.message is not None else []
        shown += reply.followups
        for message in shown:
            tag = "only you can see this" if message.ephemeral else "posted"
            self.out.write(f"  ({tag})\n{render_payload(message.payload)}\n")
            for attachment in message.attachments:
                alt = f"\n     alt text: {attachment['description']}" if attachment.get("description") else ""
                self.out.write(f"  📎 {attachment['filename']}{alt}\n")
