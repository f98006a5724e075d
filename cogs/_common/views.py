"""Base classes for every View and Modal: ownership checks, timeouts and error routing.

Every view answers three questions the same way: who may press it
(``interaction_check``), what happens when it expires (``on_timeout`` disables its
items so nobody clicks a dead button), and where errors go (the bot's one handler).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, ClassVar

import discord

from bot.error_handler import report_interaction_error
from cogs._common.authority import OTHER_SERVER, Audience, authorize, other_server, refuse
from cogs._common.ids import CustomId

log = logging.getLogger(__name__)


class BaseView(discord.ui.View):
    """A view, optionally owned by one member; persistent views pass ``timeout=None``.

    Each subclass declares its ``audience``; a view built from ``BaseView`` itself (a holder for
    dynamic items, which check their own) is open to members.
    """

    audience: ClassVar[Audience | None] = Audience.MEMBER

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "audience" not in cls.__dict__:
            cls.audience = None  # undeclared: refused at run time, and the sweep test names it

    def __init__(self, *, owner_id: int | None = None, timeout: float | None = 180.0) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.message: discord.Message | discord.InteractionMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if self.owner_id is not None and interaction.user.id != self.owner_id:
            await interaction.response.send_message("These buttons belong to someone else.", ephemeral=True)
            return False
        return await authorize(interaction, self.audience)

    async def on_timeout(self) -> None:
        for item in self.children:
            if hasattr(item, "disabled"):
                item.disabled = True
        if self.message is not None:
            try:
                await _without_token(self.message).edit(view=self)
            except discord.HTTPException:
                log.debug("could not disable an expired view", exc_info=True)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /) -> None:
        await report_interaction_error(interaction, error)


def _without_token(
        message: discord.Message | discord.InteractionMessage) -> discord.Message | discord.PartialMessage:
    """The message to edit when a view expires. A command's reply is edited through its interaction's token,
    which Discord refuses 15 minutes after the command, while a view's timeout restarts on every click and
    may end long after: a reply everyone sees is the bot's own message, edited through its channel instead.
    An ephemeral reply has no other way, so it keeps its token (it works while the token lives)."""
    if isinstance(message, discord.InteractionMessage) and not message.flags.ephemeral:
        return discord.PartialMessage(channel=message.channel, id=message.id)
    return message


class BaseModal(discord.ui.Modal):
    """A modal whose errors go through the bot's one handler, submitted only by its declared audience.

    Inputs are added with :meth:`ask`, in the current layout: a Label component wraps each text
    input (a label on the text input itself is the deprecated form).
    """

    audience: ClassVar[Audience | None] = None

    def ask(self, question: str, field: discord.ui.TextInput[Any], *,
            description: str | None = None) -> discord.ui.TextInput[Any]:
        """Add ``field`` (built without a label of its own) under ``question``; returns the field."""
        self.add_item(discord.ui.Label(text=question, component=field, description=description))
        return field

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await authorize(interaction, self.audience)

    # discord.py's Modal narrows View.on_error to (interaction, error); this matches Modal, not View
    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await report_interaction_error(interaction, error)


class RoutedItem:
    """Mixed into :class:`discord.ui.DynamicItem` buttons: ``handle`` does the work, and any error goes
    through the bot's one handler (dynamic items have no view whose ``on_error`` would catch it).
    Each class declares its ``audience``, checked before ``handle`` runs. An item whose custom id
    names a server (``guild_id``) only works in that server: the id is the member's to forge,
    the interaction's server is Discord's word."""

    audience: ClassVar[Audience | None] = None
    guild_id: int | None = None
    custom_ids: ClassVar[CustomId]  # the item's id, template and values, spelled once (cogs/_common/ids.py)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> Any:
        """The item again after a restart: its constructor takes its id's values, in order."""
        build: Callable[..., Any] = cls
        return build(*cls.custom_ids.values(match))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if other_server(interaction, self.guild_id):
            await refuse(interaction, OTHER_SERVER)
            return False
        return await authorize(interaction, self.audience)

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.handle(interaction)
        except Exception as error:
            await report_interaction_error(interaction, error)

    async def handle(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError
