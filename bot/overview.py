"""One feature's section of a server's settings overview (``/studybot settings``).

Each feature that a server configures answers for itself through its service's
``settings_section``; the overview only collects the sections, so it never reads another
feature's tables or knows how a schedule is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class ConfiguredFeature:
    name: str
    enabled: bool
    channel_id: int | None
    summary: str
    next_times: list[datetime] = field(default_factory=list)
    position: int = 100  # where the section goes in the overview (smaller first)


@runtime_checkable
class SettingsSection(Protocol):
    """A service whose feature a server configures; ``None`` when this server has not."""

    async def settings_section(self, guild_id: int) -> ConfiguredFeature | None: ...
