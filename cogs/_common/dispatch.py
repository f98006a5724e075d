"""Clicks on studybot's persistent buttons, answered without rebuilding the clicked message as a view.

For a click on a dynamic item, discord.py first rebuilds the whole message as a View (every button and
menu of it made into a UI item) only to find the clicked one, hands that to the item's
``from_custom_id``, and then drops the view. studybot's buttons (:class:`RoutedItem`) are made from their
custom id alone and never look at a view, so that rebuilding was work done for nothing on every grade,
quiz pick and hint (profiled, the largest single cost of a grade that studybot could avoid). This store makes
such a button straight from its id, once the id is found among the message's components (the same check
discord.py makes before it calls an item); menus and any other item take discord.py's own path.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

import discord
from discord.ui.view import ViewStore

from bot.error_handler import report_interaction_error
from cogs._common.views import RoutedItem

log = logging.getLogger(__name__)

BUTTON = discord.ComponentType.button.value


def components_of(components: Iterable[Any]) -> Iterator[Any]:
    """Every component of a message, nested ones too (action rows, containers, a section's accessory)."""
    for component in components:
        yield component
        yield from components_of(getattr(component, "children", None) or ())
        accessory = getattr(component, "accessory", None)
        if accessory is not None:
            yield accessory


def has_button(message: discord.Message | None, custom_id: str) -> bool:
    return message is not None and any(
        getattr(component, "custom_id", None) == custom_id and component.type.value == BUTTON
        for component in components_of(message.components))


class DirectDispatchStore(ViewStore):
    """discord.py's view store, but a click on a :class:`RoutedItem` button skips the view rebuild."""

    async def schedule_dynamic_item_call(self, component_type: int, factory: Any, interaction: Any,
                                         custom_id: str, match: re.Match[str]) -> None:
        if not (component_type == BUTTON and issubclass(factory, RoutedItem)
                and has_button(interaction.message, custom_id)):
            await super().schedule_dynamic_item_call(component_type, factory, interaction, custom_id, match)
            return
        try:
            item = await factory.from_custom_id(interaction, None, match)  # a RoutedItem needs no base item
        except Exception:
            log.exception("could not make the button %r from its custom id", custom_id)
            return
        try:
            allowed = await item.interaction_check(interaction)
        except Exception as error:  # refused, as discord.py refuses it, and the member is told why
            await report_interaction_error(interaction, error)
            allowed = False
        if allowed:
            await item.callback(interaction)  # RoutedItem.callback sends its errors to the bot's one handler


def install(client: discord.Client) -> None:
    """Give ``client`` the direct store before any extension registers its dynamic items.

    The store is discord.py's private attribute; a test dispatches a click through it and fails if a
    discord.py release renames it or changes how dynamic items are called."""
    state = client._connection  # noqa: SLF001 - the one way to choose discord.py's view store
    state._view_store = DirectDispatchStore(state)  # noqa: SLF001
