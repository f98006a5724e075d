"""Messages as Discord stores them, and the text a member reads in them (for assertions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.localdiscord.users import SimUser, iso

if TYPE_CHECKING:
    from bot.localdiscord.state import SimChannel


def as_sent(payload: dict[str, Any]) -> dict[str, Any]:
    """A stored payload as the bot sent it: without the simulator's own bookkeeping keys (``_...``)."""
    return {key: value for key, value in payload.items() if not key.startswith("_")}


@dataclass
class SimMessage:
    """A message as Discord stores it; tests read ``text`` and click its buttons."""

    id: int
    channel_id: int
    author: SimUser
    payload: dict[str, Any]
    created_at: datetime
    guild_id: int | None = None
    webhook_id: int | None = None
    interaction_id: int | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    thread: SimChannel | None = None
    edited_at: datetime | None = None
    deleted: bool = False

    @property
    def author_id(self) -> int:
        return self.author.id

    @property
    def content(self) -> str:
        return self.payload.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.payload.get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        return list(self.payload.get("components") or [])

    @property
    def flags(self) -> int:
        return int(self.payload.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in iter_components(self.components) if c.get("type") == 2]

    @property
    def button_labels(self) -> list[str]:
        return [b.get("label") or "" for b in self.buttons]

    @property
    def text(self) -> str:
        return message_text(self.payload)

    @property
    def mentions_everyone(self) -> bool:
        return self.payload.get("_mention_everyone", False)

    @property
    def pinged_role_ids(self) -> list[int]:
        return self.payload.get("_pinged_roles", [])

    @property
    def pinged_user_ids(self) -> list[int]:
        return self.payload.get("_pinged_users", [])

    def attachment(self, name: str) -> dict[str, Any]:
        for item in self.attachments:
            if item["filename"] == name:
                return item
        raise KeyError(f"no attachment {name!r}; have {[a['filename'] for a in self.attachments]}")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id), "channel_id": str(self.channel_id), "author": self.author.to_json(),
            "content": self.content, "timestamp": iso(self.created_at),
            "edited_timestamp": iso(self.edited_at) if self.edited_at else None, "tts": False,
            "mention_everyone": self.mentions_everyone, "mentions": [], "mention_roles": [
                str(r) for r in self.pinged_role_ids], "attachments": [
                {k: v for k, v in a.items() if k != "data"} for a in self.attachments],
            "embeds": self.embeds, "components": self.components, "pinned": False, "type": 0,
            "flags": self.flags,
        }
        if self.guild_id:
            data["guild_id"] = str(self.guild_id)
        if self.thread is not None:  # Discord includes the thread started from a message
            data["thread"] = self.thread.to_json()
        if self.webhook_id:
            data["webhook_id"] = str(self.webhook_id)
        if self.thread is not None:
            data["thread"] = self.thread.to_json()
        return data


def iter_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flatten action rows, containers, sections and labels into their interactive parts."""
    out: list[dict[str, Any]] = []
    for component in components or []:
        out.append(component)
        for key in ("components",):
            out.extend(iter_components(component.get(key) or []))
        if isinstance(component.get("component"), dict):
            out.extend(iter_components([component["component"]]))
        if isinstance(component.get("accessory"), dict):
            out.extend(iter_components([component["accessory"]]))
    return out


def message_text(payload: dict[str, Any]) -> str:
    """Everything a member can read in a message, as plain text (for assertions)."""
    parts: list[str] = []
    if payload.get("content"):
        parts.append(payload["content"])
    for embed in payload.get("embeds") or []:
        for key in ("title", "description"):
            if embed.get(key):
                parts.append(str(embed[key]))
        if (embed.get("author") or {}).get("name"):
            parts.append(embed["author"]["name"])
        for item in embed.get("fields") or []:
            parts.append(f"{item.get('name', '')}\n{item.get('value', '')}")
        if (embed.get("footer") or {}).get("text"):
            parts.append(embed["footer"]["text"])
    for component in iter_components(payload.get("components") or []):
        if component.get("type") == 2 and component.get("label"):
            parts.append(f"[{component['label']}]")
        if component.get("type") == 10 and component.get("content"):
            parts.append(component["content"])
        if component.get("type") == 3:
            parts.extend(f"<{o.get('label')}>" for o in component.get("options") or [])
    return "\n".join(parts)
