"""Discord's payload rules, enforced the way Discord does: 400 with code 50035 and per-field errors.

Limits from the Discord API docs (Message and Component resources, application commands).
"""

from __future__ import annotations

import re
from typing import Any

COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$", re.UNICODE)

Errors = dict[str, Any]


def _error(code: str, message: str) -> dict[str, Any]:
    return {"_errors": [{"code": code, "message": message}]}


def _put(errors: Errors, path: list[str | int], code: str, message: str) -> None:
    node = errors
    for key in path:
        node = node.setdefault(str(key), {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def _max_len(errors: Errors, path: list[str | int], value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        _put(errors, path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def validate_embeds(errors: Errors, embeds: list[dict[str, Any]], path: list[str | int]) -> None:
    if len(embeds) > 10:
        _put(errors, path, "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        here = [*path, i]
        _max_len(errors, [*here, "title"], embed.get("title"), 256)
        _max_len(errors, [*here, "description"], embed.get("description"), 4096)
        footer = (embed.get("footer") or {}).get("text")
        _max_len(errors, [*here, "footer", "text"], footer, 2048)
        author = (embed.get("author") or {}).get("name")
        _max_len(errors, [*here, "author", "name"], author, 256)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            _put(errors, [*here, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, item in enumerate(fields):
            _max_len(errors, [*here, "fields", j, "name"], item.get("name"), 256)
            _max_len(errors, [*here, "fields", j, "value"], item.get("value"), 1024)
            for key in ("name", "value"):
                if not str(item.get(key) or "").strip():
                    _put(errors, [*here, "fields", j, key], "BASE_TYPE_REQUIRED", "This field is required")
        size = sum(len(str(embed.get(k) or "")) for k in ("title", "description"))
        size += len(footer or "") + len(author or "")
        size += sum(len(str(f.get("name") or "")) + len(str(f.get("value") or "")) for f in fields)
        total += size
    if total > 6000:
        _put(errors, path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def validate_components(errors: Errors, components: list[dict[str, Any]], path: list[str | int]) -> None:
    if len(components) > 5 and all(c.get("type") == 1 for c in components):
        _put(errors, path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    custom_ids: set[str] = set()
    for i, row in enumerate(components):
        children = row.get("components") or []
        if row.get("type") == 1 and len(children) > 5:
            _put(errors, [*path, i, "components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        for j, child in enumerate(children):
            here = [*path, i, "components", j]
            _max_len(errors, [*here, "custom_id"], child.get("custom_id"), 100)
            if child.get("type") == 2:
                _max_len(errors, [*here, "label"], child.get("label"), 80)
                if child.get("style") != 5 and child.get("style") != 6 and not child.get("custom_id"):
                    _put(errors, [*here, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
            if child.get("type") == 3:
                options = child.get("options") or []
                if not 1 <= len(options) <= 25:
                    _put(errors, [*here, "options"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length.")
                for k, option in enumerate(options):
                    _max_len(errors, [*here, "options", k, "label"], option.get("label"), 100)
                    _max_len(errors, [*here, "options", k, "description"], option.get("description"), 100)
            custom_id = child.get("custom_id")
            if custom_id:
                if custom_id in custom_ids:
                    _put(errors, [*here, "custom_id"], "COMPONENT_CUSTOM_ID_DUPLICATED",
                         "Component custom id cannot be duplicated")
                custom_ids.add(custom_id)


def validate_message(payload: dict[str, Any], *, files: int = 0) -> Errors:
    """Errors for a message create/edit payload (empty dict when valid)."""
    errors: Errors = {}
    _max_len(errors, ["content"], payload.get("content"), 2000)
    validate_embeds(errors, payload.get("embeds") or [], ["embeds"])
    validate_components(errors, payload.get("components") or [], ["components"])
    is_edit = payload.get("_edit", False)
    if not is_edit and not files and not (payload.get("content") or payload.get("embeds")
                                          or payload.get("components") or payload.get("attachments")):
        errors.update(_error("50006", "Cannot send an empty message"))
    return errors


def validate_modal(data: dict[str, Any]) -> Errors:
    errors: Errors = {}
    _max_len(errors, ["data", "title"], data.get("title"), 45)
    _max_len(errors, ["data", "custom_id"], data.get("custom_id"), 100)
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        _put(errors, ["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
    for i, row in enumerate(rows):
        inner = row.get("components") or ([row["component"]] if row.get("component") else [])
        for j, item in enumerate(inner):
            here = ["data", "components", i, "components", j]
            _max_len(errors, [*here, "label"], item.get("label") or row.get("label"), 45)
            if item.get("type") == 4:
                if int(item.get("max_length") or 4000) > 4000:
                    _put(errors, [*here, "max_length"], "NUMBER_TYPE_MAX", "int value should be <= 4000.")
                _max_len(errors, [*here, "value"], item.get("value"), 4000)
                _max_len(errors, [*here, "placeholder"], item.get("placeholder"), 100)
    return errors


def validate_command(command: dict[str, Any], path: list[str | int]) -> Errors:
    errors: Errors = {}
    _check_command_node(errors, command, path, top=True)
    return errors


def _check_command_node(errors: Errors, node: dict[str, Any], path: list[str | int], *, top: bool) -> None:
    name = node.get("name", "")
    if not COMMAND_NAME.match(name) or (node.get("type", 1) == 1 and name != name.lower()):
        _put(errors, [*path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    description = node.get("description", "")
    if node.get("type", 1) == 1 or not top:
        if not 1 <= len(description) <= 100:
            _put(errors, [*path, "description"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
    options = node.get("options") or []
    if len(options) > 25:
        _put(errors, [*path, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, option in enumerate(options):
        choices = option.get("choices") or []
        if len(choices) > 25:
            _put(errors, [*path, "options", i, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        _check_command_node(errors, option, [*path, "options", i], top=False)


def form_error(errors: Errors) -> dict[str, Any]:
    if list(errors) == ["_errors"] and errors["_errors"][0]["code"] == "50006":
        return {"code": 50006, "message": "Cannot send an empty message"}
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}
