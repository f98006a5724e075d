"""What Discord's client lets a member send, checked before a simulated member sends it.

Discord's own client never submits a command option outside its choices or limits, nor a select pick the
menu does not offer; the API is documented for what such a client sends. A test asking a simulated member
for more fails here with the rule named, instead of exercising a request no member could make.
"""

from __future__ import annotations

from typing import Any


def check_text(option: dict[str, Any], value: Any) -> None:
    """A string option: one of its choices if it has any, within ``min_length``..``max_length``."""
    _check_choice(option, value)
    low, high = option.get("min_length", 0), option.get("max_length", 6000)
    if not low <= len(str(value)) <= high:
        raise AssertionError(f"Discord's client only sends {low}-{high} characters for {option['name']!r}")


def check_number(option: dict[str, Any], value: float) -> None:
    """An integer or number option: one of its choices if it has any, within ``min_value``..``max_value``."""
    _check_choice(option, value)
    low, high = option.get("min_value"), option.get("max_value")
    if (low is not None and value < low) or (high is not None and value > high):
        raise AssertionError(f"Discord's client only sends {low}..{high} for {option['name']!r}, not {value}")


def check_picks(menu: dict[str, Any], values: list[str]) -> None:
    """A select menu that is enabled, between ``min_values`` (default 1) and ``max_values`` (default 1) picks;
    in a string select only its options (components/reference.mdx, "String Select" and "Channel Select")."""
    if menu.get("disabled"):
        raise AssertionError(f"select menu {menu.get('custom_id')!r} is disabled")
    offered = {option["value"] for option in menu.get("options") or []}
    if menu.get("type", 3) == 3 and not set(values) <= offered:
        raise AssertionError(f"Discord's client offers only {sorted(offered)}, not {values}")
    low, high = menu.get("min_values", 1), menu.get("max_values", 1)
    if not low <= len(values) <= high:
        raise AssertionError(f"Discord's client takes {low} to {high} picks in this menu, not {len(values)}")


def _check_choice(option: dict[str, Any], value: Any) -> None:
    choices = option.get("choices")
    if choices and value not in [choice["value"] for choice in choices]:
        raise AssertionError(f"{value!r} is not one of the choices for {option['name']!r}")
