"""Bringing a feature's service up and down: the same steps for every extension.

An extension's ``cog_load`` calls :func:`load_service` and its ``cog_unload`` calls
:func:`unload_service`. The service is registered so views and other features find it by
type; a service with jobs (:class:`bot.services.ScheduledService`) also starts them, catches up
once each shard is ready, and removes them again.
"""

from __future__ import annotations

from bot.bot import StudyBot
from bot.services import ScheduledService


async def load_service(client: StudyBot, service: object) -> None:
    client.services.add(service)
    if isinstance(service, ScheduledService):
        await service.start()
        client.after_first_ready(service.catch_up)


async def unload_service(client: StudyBot, service: object) -> None:
    if isinstance(service, ScheduledService):
        client.forget_ready_hook(service.catch_up)
        await service.stop()
    client.services.remove(service)
