"""Application command definitions, checked as Discord checks a bulk overwrite.

All rules come from interactions/application-commands.mdx; each names its section.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from bot.localdiscord.formbody import Errors, Path, array, choice_value, number, one_of, put, text

CHAT_INPUT, USER, MESSAGE = 1, 2, 3
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, NUMBER, CHANNEL = 1, 2, 3, 4, 10, 7
# "Registering a Command": 100 CHAT_INPUT, 15 USER and 15 MESSAGE commands per scope.
MAX_PER_TYPE = {CHAT_INPUT: 100, USER: 15, MESSAGE: 15}
MAX_COMMAND_SIZE = 8000  # "Slash Commands": names, descriptions and values of a command together
ATTACHMENT = 11
# "Application Command Option Structure", column "Valid Option Types": fields only some option types take
# (`choices` and `channel_types` are checked with their own messages below).
OPTION_FIELD_TYPES: dict[str, tuple[int, ...]] = {
    "required": tuple(range(3, 12)),  # all but SUB_COMMAND and SUB_COMMAND_GROUP
    "options": (SUB_COMMAND, SUB_COMMAND_GROUP),
    "min_value": (INTEGER, NUMBER), "max_value": (INTEGER, NUMBER),
    "min_length": (STRING,), "max_length": (STRING,),
    "autocomplete": (STRING, INTEGER, NUMBER),
    "file_types": (ATTACHMENT,),
}


def _allowed_char(ch: str) -> bool:
    """One character of ``^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`` ("Application Command Naming")."""
    if ch in "-_'":
        return True
    if unicodedata.category(ch)[0] in "LN":
        return True
    code = ord(ch)
    return 0x0900 <= code <= 0x097F or 0xA8E0 <= code <= 0xA8FF or 0x0E00 <= code <= 0x0E7F


def chat_input_name_ok(name: Any) -> bool:
    """"Application Command Naming": the regex, and the lowercase variant of any cased letter."""
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        return False
    return all(_allowed_char(ch) and ch.lower() == ch for ch in name)


def context_menu_name_ok(name: Any) -> bool:
    """"Application Command Naming": USER and MESSAGE commands may be mixed case and include spaces."""
    if not isinstance(name, str) or not 1 <= len(name) <= 32 or name != name.strip():
        return False
    return all(ch == " " or _allowed_char(ch) for ch in name)


def _name(errors: Errors, path: Path, node: dict[str, Any], *, chat_input: bool) -> None:
    ok = chat_input_name_ok(node.get("name")) if chat_input else context_menu_name_ok(node.get("name"))
    if not ok:
        put(errors, [*path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _size(node: dict[str, Any]) -> int:
    size = len(str(node.get("name") or "")) + len(str(node.get("description") or ""))
    for choice in node.get("choices") or []:
        size += len(str(choice.get("name") or "")) + len(str(choice.get("value") or ""))
    return size + sum(_size(option) for option in node.get("options") or [])


def _options(errors: Errors, path: Path, options: Any, *, parent: int | None) -> None:
    """"Application Command Option Structure" for one level of options."""
    items = array(errors, [*path, "options"], options, high=25)
    kinds = [o.get("type") for o in items if isinstance(o, dict)]
    nested = [k for k in kinds if k in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if parent == SUB_COMMAND_GROUP and len(nested) != len(kinds):
        # "Subcommands and Subcommand Groups": a group holds subcommands only.
        put(errors, [*path, "options"], "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command groups can only contain sub-commands")
    if parent == SUB_COMMAND and nested:
        put(errors, [*path, "options"], "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-commands cannot contain sub-commands")
    if parent is None and nested and len(nested) != len(kinds):
        put(errors, [*path, "options"], "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Options of a command with sub-commands must all be sub-commands or groups")
    seen: set[str] = set()
    optional_seen = False
    for i, option in enumerate(items):
        here = [*path, "options", i]
        kind = option.get("type")
        if kind is None:  # "Application Command Option Structure": `type` has no `?`, so it is required
            put(errors, [*here, "type"], "BASE_TYPE_REQUIRED", "This field is required")
        one_of(errors, [*here, "type"], kind, tuple(range(1, 12)))
        _name(errors, here, option, chat_input=True)
        text(errors, [*here, "description"], option.get("description"), low=1, high=100, required=True)
        if option.get("name") in seen:  # note * under the structure: names unique within the array
            put(errors, [*here, "name"], "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option names must be unique")
        seen.add(option.get("name"))
        for key, types in OPTION_FIELD_TYPES.items():
            value = option.get(key)  # `false` and `[]` ask for nothing; a 0 bound is still a bound
            if value is not None and value is not False and value != [] and kind in range(1, 12) \
                    and kind not in types:
                put(errors, [*here, key], "APPLICATION_COMMAND_OPTION_FIELD_INVALID",
                    f"{key} is not allowed for this option type")
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            _options(errors, here, option.get("options"), parent=kind)
            continue
        # The warning above the structure: required options must be listed before optional options.
        if option.get("required"):
            if optional_seen:
                put(errors, [*here, "required"], "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options")
        else:
            optional_seen = True
        choices = array(errors, [*here, "choices"], option.get("choices"), high=25)
        if choices and kind not in (STRING, INTEGER, NUMBER):
            put(errors, [*here, "choices"], "APPLICATION_COMMAND_OPTION_CHOICES_NOT_ALLOWED",
                "Choices are only allowed for string, integer and number options")
        if choices and option.get("autocomplete"):  # note **: not with choices
            put(errors, [*here, "autocomplete"], "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                "Autocomplete cannot be set to true if choices are present")
        for k, choice in enumerate(choices):  # "Application Command Option Choice Structure"
            text(errors, [*here, "choices", k, "name"], choice.get("name"), low=1, high=100, required=True)
            choice_value(errors, [*here, "choices", k, "value"], choice.get("value"), kind)
        if kind == INTEGER:  # "Application Command Option Type": any integer between -2^53+1 and 2^53-1
            for key in ("min_value", "max_value"):
                number(errors, [*here, key], option.get(key), low=-(2 ** 53) + 1, high=2 ** 53 - 1)
        elif kind == NUMBER:  # any double between -2^53 and 2^53
            for key in ("min_value", "max_value"):
                number(errors, [*here, key], option.get(key), low=-(2 ** 53), high=2 ** 53)
        number(errors, [*here, "min_length"], option.get("min_length"), low=0, high=6000)
        number(errors, [*here, "max_length"], option.get("max_length"), low=1, high=6000)
        if option.get("channel_types") is not None and kind != CHANNEL:
            put(errors, [*here, "channel_types"], "APPLICATION_COMMAND_OPTION_CHANNEL_TYPES_INVALID",
                "Channel types are only allowed for channel options")


def validate_command(command: dict[str, Any], path: Path) -> Errors:
    """Errors for one command of a bulk overwrite ("Application Command Structure")."""
    errors: Errors = {}
    kind = command.get("type", CHAT_INPUT)
    one_of(errors, [*path, "type"], kind, (CHAT_INPUT, USER, MESSAGE))
    _name(errors, path, command, chat_input=kind == CHAT_INPUT)
    if kind == CHAT_INPUT:
        text(errors, [*path, "description"], command.get("description"), low=1, high=100, required=True)
        _options(errors, path, command.get("options"), parent=None)
        if _size(command) > MAX_COMMAND_SIZE:
            put(errors, path, "APPLICATION_COMMAND_TOO_LARGE", f"Command exceeds maximum size ({MAX_COMMAND_SIZE})")
    elif command.get("options"):  # note *: options only for CHAT_INPUT commands
        put(errors, [*path, "options"], "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED",
            "Options are only allowed for chat input commands")
    permissions = command.get("default_member_permissions")
    valid = (isinstance(permissions, int) and not isinstance(permissions, bool) and permissions >= 0) or (
        isinstance(permissions, str) and permissions.isdigit())
    if permissions is not None and not valid:  # "Application Command Structure": a permission bit set
        put(errors, [*path, "default_member_permissions"], "BASE_TYPE_STRING", "Must be a permission bit set.")
    for i, context in enumerate(command.get("contexts") or []):  # receiving-and-responding, "Context Types"
        one_of(errors, [*path, "contexts", i], context, (0, 1, 2))
    for i, install in enumerate(command.get("integration_types") or []):
        one_of(errors, [*path, "integration_types", i], install, (0, 1))
    return errors


def validate_overwrite(commands: Any) -> tuple[Errors, int | None]:
    """The whole bulk overwrite: per-command errors, unique names per type, and the per-type maximum.

    Answers the error tree and, when a maximum is exceeded, that maximum (code 30032).
    """
    errors: Errors = {}
    if not isinstance(commands, list):
        put(errors, [], "BASE_TYPE_ARRAY", "Must be an array.")
        return errors, None
    names: dict[tuple[int, str], int] = {}
    counts: dict[int, int] = {}
    for index, command in enumerate(commands):
        errors.update(validate_command(command, [index]))
        kind = command.get("type", CHAT_INPUT)
        counts[kind] = counts.get(kind, 0) + 1
        key = (kind, str(command.get("name")))
        if key in names:  # "Registering a Command": names unique per application, per type, per scope
            put(errors, [index, "name"], "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique")
        names[key] = index
    over = next((limit for kind, limit in MAX_PER_TYPE.items() if counts.get(kind, 0) > limit), None)
    return errors, over
