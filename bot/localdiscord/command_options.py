"""A slash command's options as Discord's client sends them: sub-command nesting, resolved channels,
members, roles and files, and the client's own checks on what a member may type or pick."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.localdiscord.client_rules import check_number, check_text
from bot.localdiscord.uploads import SimUpload, upload

if TYPE_CHECKING:
    from bot.localdiscord.members import SimMember
    from bot.localdiscord.state import SimChannel, SimRole


def command_data(member: SimMember, definition: dict[str, Any], path: list[str], options: dict[str, Any],
                 focused: str | None) -> dict[str, Any]:
    """The ``data`` of ``member``'s invocation of ``definition`` with ``path``'s sub-commands; ``options`` are
    consumed (any left over is a test's typo). With ``focused``, an autocomplete of that option."""
    resolved: dict[str, dict[str, Any]] = {}
    node_options = definition.get("options") or []
    nested: list[dict[str, Any]] = []
    container = nested
    for word in path:
        sub = next((o for o in node_options if o["name"] == word and o["type"] in (1, 2)), None)
        if sub is None:
            raise AssertionError(f"/{definition['name']} has no subcommand {word!r}")
        entry: dict[str, Any] = {"name": word, "type": sub["type"], "options": []}
        container.append(entry)
        container = entry["options"]
        node_options = sub.get("options") or []
    if any(o["type"] in (1, 2) for o in node_options):
        raise AssertionError(f"/{definition['name']} needs a subcommand")
    for option in node_options:
        name = option["name"]
        if name not in options:
            if option.get("required") and focused is None:
                raise AssertionError(f"option {name!r} is required for /{definition['name']} {' '.join(path)}")
            continue
        value = options.pop(name)
        container.append(option_value(member, option, value, resolved, focused == name))
    if options:
        raise AssertionError(f"unknown options {sorted(options)} for /{definition['name']} {' '.join(path)}")
    data: dict[str, Any] = {"id": definition["id"], "name": definition["name"], "type": 1, "options": nested}
    if resolved:
        data["resolved"] = resolved
    if definition.get("guild_id"):
        data["guild_id"] = definition["guild_id"]
    return data


def option_value(member: SimMember, option: dict[str, Any], value: Any, resolved: dict[str, dict[str, Any]],
                 focused: bool) -> dict[str, Any]:
    """One option as the client sends it, its channel, member, role or file added to ``resolved``."""
    kind = option["type"]
    entry: dict[str, Any] = {"name": option["name"], "type": kind}
    if focused:
        entry["focused"] = True
        entry["value"] = value
        return entry
    if kind == 7:
        channel: SimChannel = value
        allowed = option.get("channel_types")
        if allowed and channel.type not in allowed:  # the client's picker lists only these types
            raise AssertionError(f"Discord's client does not offer #{channel.name} (type {channel.type}) for "
                                 f"option {option['name']!r}; it offers channel types {allowed}")
        resolved.setdefault("channels", {})[str(channel.id)] = {
            **channel.to_json(), "permissions": str(member.permissions(channel))}
        entry["value"] = str(channel.id)
    elif kind == 6:
        chosen: SimMember = value
        resolved.setdefault("users", {})[str(chosen.id)] = chosen.user.to_json()
        resolved.setdefault("members", {})[str(chosen.id)] = {
            k: v for k, v in chosen.to_json(None).items() if k != "user"} | {"permissions": "0"}
        entry["value"] = str(chosen.id)
    elif kind == 8:
        role: SimRole = value
        resolved.setdefault("roles", {})[str(role.id)] = role.to_json()
        entry["value"] = str(role.id)
    elif kind == 11:
        if not isinstance(value, SimUpload):
            raise AssertionError(f"option {option['name']!r} takes a file: pass SimUpload(filename, data)")
        attachment = upload(member.sim, member._upload_channel, option, value)
        resolved.setdefault("attachments", {})[attachment["id"]] = attachment
        entry["value"] = attachment["id"]
    elif kind in (4, 10):
        entry["value"] = int(value) if kind == 4 else float(value)
        check_number(option, entry["value"])
    elif kind == 5:
        entry["value"] = bool(value)
    else:
        check_text(option, value)
        entry["value"] = value
    return entry


def focused_type(options: list[dict[str, Any]]) -> int | None:
    """The type of the focused option, inside sub-commands and groups."""
    for entry in options:
        if entry.get("focused"):
            return int(entry["type"])
        found = focused_type(entry.get("options") or [])
        if found is not None:
            return found
    return None
