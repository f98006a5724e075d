"""Discord's "Invalid Form Body" answer: a tree of per-field errors under code 50035.

Shape (topics/opcodes-and-status-codes.mdx, "Example JSON Error Response"): every
field path becomes nested objects keyed by field name or array index, and the leaf
holds ``_errors``: a list of ``{"code", "message"}``. Array indexes are strings.
The wording of the codes and messages below is what Discord answers with.
"""

from __future__ import annotations

from typing import Any

Errors = dict[str, Any]
Path = list[str | int]


def put(errors: Errors, path: Path, code: str, message: str) -> None:
    node = errors
    for key in path:
        node = node.setdefault(str(key), {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def trimmed(value: Any) -> str:
    """Text as Discord measures it: leading and trailing whitespace do not count."""
    return value.strip() if isinstance(value, str) else ""


def text(errors: Errors, path: Path, value: Any, *, high: int, low: int = 0, required: bool = False,
         trim: bool = False) -> None:
    """A string field with a documented length range (``low`` is 0 when the field may be empty)."""
    if value is None:
        if required:
            put(errors, path, "BASE_TYPE_REQUIRED", "This field is required")
        return
    if not isinstance(value, str):
        put(errors, path, "BASE_TYPE_STRING", f"Could not interpret \"{value}\" as string.")
        return
    size = len(value.strip()) if trim else len(value)
    if low and size < low or size > high:
        if low:
            put(errors, path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")
        else:
            put(errors, path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")


def array(errors: Errors, path: Path, value: Any, *, high: int, low: int = 0) -> list[Any]:
    """An array field with a documented size; answers the items (empty when not an array)."""
    if value is None:
        return []
    if not isinstance(value, list):
        put(errors, path, "BASE_TYPE_ARRAY", "Must be an array.")  # never a crash on a wrong type
        return []
    if low and len(value) < low or len(value) > high:
        if low:
            put(errors, path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")
        else:
            put(errors, path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")
    return value


def number(errors: Errors, path: Path, value: Any, *, low: int | None = None, high: int | None = None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        put(errors, path, "NUMBER_TYPE_COERCE", f"Value \"{value}\" is not int.")
        return
    if low is not None and value < low:
        put(errors, path, "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {low}.")
    if high is not None and value > high:
        put(errors, path, "NUMBER_TYPE_MAX", f"int value should be less than or equal to {high}.")


OPTION_STRING, OPTION_INTEGER, OPTION_NUMBER = 3, 4, 10
SAFE_INTEGER = 2 ** 53 - 1  # "Application Command Option Type": integers between -2^53+1 and 2^53-1


def choice_value(errors: Errors, path: Path, value: Any, option_type: int | None) -> None:
    """interactions/application-commands.mdx, "Application Command Option Choice Structure": the value is
    required, and is a string (up to 100 characters), an integer or a double, as the option's type is."""
    if value is None:
        put(errors, path, "BASE_TYPE_REQUIRED", "This field is required")
    elif option_type == OPTION_INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            put(errors, path, "NUMBER_TYPE_COERCE", f"Value \"{value}\" is not int.")
        else:
            number(errors, path, value, low=-SAFE_INTEGER, high=SAFE_INTEGER)
    elif option_type == OPTION_NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            put(errors, path, "NUMBER_TYPE_COERCE", f"Value \"{value}\" is not a valid number.")
    else:  # a string option (or a type this check is not told): the documented string rules
        text(errors, path, value, high=100)


def one_of(errors: Errors, path: Path, value: Any, allowed: tuple[Any, ...]) -> None:
    if value is not None and value not in allowed:
        put(errors, path, "BASE_TYPE_CHOICES", f"Value must be one of {allowed}.")


def form_error(errors: Errors) -> dict[str, Any]:
    """The 400 body: ``{"code": 50035, "message": "Invalid Form Body", "errors": {...}}``."""
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}
