"""What a member saw in answer to one interaction, as the simulator's member actions return it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.localdiscord.state import SimMessage, iter_components

if TYPE_CHECKING:
    from bot.localdiscord.server import SimInteraction


@dataclass
class Reply:
    """What a member saw in answer to one interaction."""

    interaction: SimInteraction

    @property
    def type(self) -> int | None:
        return self.interaction.response_type

    @property
    def message(self) -> SimMessage | None:
        """The interaction's response message, unless the bot deleted it (the member no longer sees it)."""
        message = self.interaction.response_message
        return None if message is not None and message.deleted else message

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.interaction.modal

    @property
    def choices(self) -> list[dict[str, Any]]:
        return self.interaction.choices or []

    @property
    def followups(self) -> list[SimMessage]:
        return self.interaction.followups

    @property
    def ephemeral(self) -> bool:
        message = self.message or (self.followups[0] if self.followups else None)
        return bool(message and message.ephemeral)

    @property
    def _shown(self) -> SimMessage | None:
        return self.message or (self.followups[-1] if self.followups else None)

    @property
    def content(self) -> str:
        shown = self._shown
        return shown.content if shown else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        shown = self._shown
        return shown.embeds if shown else []

    @property
    def components(self) -> list[dict[str, Any]]:
        shown = self._shown
        return shown.components if shown else []

    @property
    def attachments(self) -> list[dict[str, Any]]:
        shown = self._shown
        return shown.attachments if shown else []

    @property
    def button_labels(self) -> list[str]:
        shown = self._shown
        return shown.button_labels if shown else []

    @property
    def text(self) -> str:
        parts = []
        if self.message is not None:
            parts.append(self.message.text)
        parts.extend(m.text for m in self.followups)
        if self.modal is not None:
            parts.append(self.modal.get("title", ""))
            parts.extend(c.get("label", "") for c in iter_components(self.modal.get("components") or [])
                         if c.get("label"))
        return "\n".join(p for p in parts if p)

    def __repr__(self) -> str:
        return f"<Reply type={self.type} text={self.text[:200]!r}>"
