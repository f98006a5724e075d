"""Each feature's service, found by its type.

A feature's extension builds its service when it loads and registers it here; views, other
extensions and tests then ask for ``services.get(DailyService)``. The type names the service,
so a reader (and the type checker) can follow a click from its view to the service method it
calls, and two extensions never agree on a cog's name by string.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, cast, runtime_checkable

from bot.overview import SettingsSection

T = TypeVar("T")


@runtime_checkable
class ScheduledService(Protocol):
    """A feature that keeps jobs in the scheduler: the one lifecycle every such service has.

    ``start`` registers its jobs from the database when the extension loads; ``catch_up`` runs
    once each shard is first ready and does what fell due while the bot was down; ``stop``
    removes its jobs when the extension unloads.
    """

    async def start(self) -> None: ...

    async def catch_up(self) -> None: ...

    async def stop(self) -> None: ...


@runtime_checkable
class GuildJobs(Protocol):
    """A feature with jobs for single guilds (a guild's daily post, its quiz, its rounds)."""

    def forget_guild(self, guild_id: int) -> None:
        """The bot left the guild: remove the guild's recurring jobs; its data is kept (for now)."""

    async def resume_guild(self, guild_id: int) -> None:
        """The bot was added back while the guild's data was kept: schedule its recurring jobs again."""


class FeatureUnavailable(LookupError):
    """The feature's extension is not loaded (a deployment that left it out, or a test that did)."""


class Services:
    """The registry: one service per type, added and removed with its extension."""

    def __init__(self) -> None:
        self._by_type: dict[type[Any], object] = {}

    def add(self, service: object) -> None:
        self._by_type[type(service)] = service

    def remove(self, service: object) -> None:
        if self._by_type.get(type(service)) is service:
            del self._by_type[type(service)]

    def forget_guild(self, guild_id: int) -> None:
        """Every loaded feature removes the recurring jobs it keeps for a guild the bot left."""
        for service in list(self._by_type.values()):
            if isinstance(service, GuildJobs):
                service.forget_guild(guild_id)

    async def resume_guild(self, guild_id: int) -> None:
        """Every loaded feature schedules again the recurring jobs of a guild that added the bot back."""
        for service in list(self._by_type.values()):
            if isinstance(service, GuildJobs):
                await service.resume_guild(guild_id)

    def settings_sections(self) -> list[SettingsSection]:
        """Every loaded feature that contributes a section to the settings overview."""
        return [service for service in self._by_type.values() if isinstance(service, SettingsSection)]

    def find(self, kind: type[T]) -> T | None:
        """The service of type ``kind``, or ``None`` when its feature is not loaded."""
        return cast(T | None, self._by_type.get(kind))

    def get(self, kind: type[T]) -> T:
        """The service of type ``kind``; a feature that depends on another one uses this."""
        service = self.find(kind)
        if service is None:
            raise FeatureUnavailable(f"the {kind.__name__} is not loaded")
        return service
