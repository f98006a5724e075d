"""Message bodies checked the way Discord checks them: 400 with code 50035 and a per-field tree.

Every rule names the file and section of the Discord API documentation
(github.com/discord/discord-api-docs, ``developers/...``) it comes from. Components
are checked in :mod:`bot.localdiscord.components`, application commands in
:mod:`bot.localdiscord.commands`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.localdiscord.components import validate_message_components, validate_modal
from bot.localdiscord.formbody import (
    Errors,
    Path,
    array,
    choice_value,
    form_error,
    number,
    put,
    text,
    trimmed,
)

__all__ = ["form_error", "validate_message", "validate_modal", "validate_choices", "EMPTY_MESSAGE"]

EPHEMERAL, SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS, IS_VOICE_MESSAGE, IS_COMPONENTS_V2 = (
    1 << 6, 1 << 2, 1 << 12, 1 << 13, 1 << 15)
LOADING = 1 << 7  # set by Discord on a deferred response, never by the bot
EMPTY_MESSAGE = {"code": 50006, "message": "Cannot send an empty message"}
# resources/message.mdx, "Create Message" JSON/Form Params, flags: only these can be set on a new message;
# interactions/receiving-and-responding.mdx, "Interaction Callback Data Structure": EPHEMERAL as well.
CREATE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_VOICE_MESSAGE | IS_COMPONENTS_V2
RESPONSE_FLAGS = CREATE_FLAGS | EPHEMERAL
# resources/webhook.mdx, "Execute Webhook" flags (SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2);
# interactions/receiving-and-responding.mdx, "Create Followup Message": EPHEMERAL as well.
FOLLOWUP_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2 | EPHEMERAL


def _url(errors: Errors, path: Path, value: Any, *, attachments: bool) -> None:
    """resources/message.mdx, "Embed Author/Footer/Image Structure": http(s) only, images also attachment://."""
    if value is None:
        return
    schemes = ("http", "https", "attachment") if attachments else ("http", "https")
    scheme = str(value).split("://", 1)[0] if "://" in str(value) else ""
    if scheme not in schemes:
        put(errors, path, "URL_TYPE_INVALID_SCHEME",
            f"Scheme \"{scheme}\" is not supported. Scheme must be one of {schemes}.")


def _embed(errors: Errors, embed: Any, here: Path) -> int:
    """One embed's limits; answers its size towards the 6000 shared by all embeds of a message."""
    if not isinstance(embed, dict):
        put(errors, here, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return 0
    # resources/message.mdx, "Embed Limits": measured without leading and trailing whitespace.
    text(errors, [*here, "title"], embed.get("title"), high=256, trim=True)
    text(errors, [*here, "description"], embed.get("description"), high=4096, trim=True)
    footer = embed.get("footer") or {}
    author = embed.get("author") or {}
    text(errors, [*here, "footer", "text"], footer.get("text"), high=2048, trim=True, required=bool(footer))
    text(errors, [*here, "author", "name"], author.get("name"), high=256, trim=True, required=bool(author))
    _url(errors, [*here, "url"], embed.get("url"), attachments=False)
    _url(errors, [*here, "author", "url"], author.get("url"), attachments=False)
    _url(errors, [*here, "author", "icon_url"], author.get("icon_url"), attachments=True)
    _url(errors, [*here, "footer", "icon_url"], footer.get("icon_url"), attachments=True)
    for key in ("image", "thumbnail"):
        if embed.get(key):
            _url(errors, [*here, key, "url"], embed[key].get("url"), attachments=True)
    # resources/message.mdx, "Embed Structure": color is an integer colour code (RGB).
    number(errors, [*here, "color"], embed.get("color"), low=0, high=0xFFFFFF)
    if embed.get("timestamp") is not None:  # "Embed Structure": ISO8601 timestamp
        try:
            datetime.fromisoformat(str(embed["timestamp"]))
        except ValueError:
            put(errors, [*here, "timestamp"], "DATE_TIME_TYPE_PARSE",
                f"Could not parse {embed['timestamp']}. Should be ISO8601.")
    # "Embed Limits": up to 25 fields, name 256, value 1024; "Embed Field Structure": both required.
    fields = array(errors, [*here, "fields"], embed.get("fields"), high=25)
    size = sum(len(trimmed(v)) for v in (embed.get("title"), embed.get("description"), footer.get("text"),
                                         author.get("name")))
    for j, item in enumerate(fields):
        if not isinstance(item, dict):
            continue
        for key, high in (("name", 256), ("value", 1024)):
            value = item.get(key)
            if not trimmed(value):
                put(errors, [*here, "fields", j, key], "BASE_TYPE_REQUIRED", "This field is required")
            else:
                text(errors, [*here, "fields", j, key], value, high=high, trim=True)
            size += len(trimmed(value))
    return size


def validate_embeds(errors: Errors, embeds: Any, path: Path) -> None:
    # resources/message.mdx, "Create Message" JSON/Form Params: up to 10 rich embeds.
    items = array(errors, path, embeds, high=10)
    total = sum(_embed(errors, embed, [*path, i]) for i, embed in enumerate(items))
    # resources/message.mdx, "Embed Limits": the characters of all embeds together must not exceed 6000.
    if total > 6000:
        put(errors, path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def validate_allowed_mentions(errors: Errors, allowed: Any) -> None:
    """resources/message.mdx, "Allowed Mentions Object"."""
    if allowed is None:
        return
    parse = array(errors, ["allowed_mentions", "parse"], allowed.get("parse"), high=3)
    for i, kind in enumerate(parse):
        if kind not in ("roles", "users", "everyone"):
            put(errors, ["allowed_mentions", "parse", i], "BASE_TYPE_CHOICES",
                "Value must be one of {'roles', 'users', 'everyone'}.")
    for key in ("roles", "users"):  # "Allowed Mentions Object": max 100 ids each
        ids = array(errors, ["allowed_mentions", key], allowed.get(key), high=100)
        if ids and key in parse:  # "Allowed Mentions Examples": parse and the same list are exclusive
            put(errors, ["allowed_mentions"], "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f"parse:[\"{key}\"] and {key}: [ids...] are mutually exclusive.")


def validate_message(payload: dict[str, Any], *, files: int = 0, edit: bool = False,
                     allowed_flags: int = CREATE_FLAGS, was_v2: bool = False) -> dict[str, Any] | None:
    """The error body Discord answers a message create or edit with, or None when it is valid."""
    errors: Errors = {}
    flags = payload.get("flags")
    number(errors, ["flags"], flags)
    flags = int(flags or 0) if isinstance(flags, int) else 0
    if flags & ~allowed_flags and not edit:
        # resources/message.mdx, "Create Message" JSON/Form Params, flags: only the listed flags can be set.
        put(errors, ["flags"], "MESSAGE_FLAGS_INVALID", "Invalid flags.")
    v2 = bool(flags & IS_COMPONENTS_V2) or was_v2
    if was_v2 and "flags" in payload and not flags & IS_COMPONENTS_V2:
        # resources/message.mdx, "Edit Message" JSON/Form Params: IS_COMPONENTS_V2 can only be set.
        put(errors, ["flags"], "MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG", "Cannot remove the IS_COMPONENTS_V2 flag.")
    # resources/message.mdx, "Create Message" JSON/Form Params: content up to 2000 characters.
    text(errors, ["content"], payload.get("content"), high=2000)
    validate_embeds(errors, payload.get("embeds"), ["embeds"])
    validate_message_components(errors, payload.get("components"), ["components"], v2=v2)
    validate_allowed_mentions(errors, payload.get("allowed_mentions"))
    entries = payload.get("attachments")
    for i, entry in enumerate(entries if isinstance(entries, list) else ()):
        # resources/message.mdx, "Attachment Request Structure": description (alt text) max 1024 characters.
        if isinstance(entry, dict):
            text(errors, ["attachments", i, "description"], entry.get("description"), high=1024)
    if v2:  # "Create Message", note **: with IS_COMPONENTS_V2 only components may be given
        for key in ("content", "embeds", "sticker_ids", "poll"):
            if payload.get(key):
                put(errors, [key], "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "The 'content', 'embeds', 'sticker_ids' and 'poll' fields cannot be used when using "
                    "MessageFlags.IS_COMPONENTS_V2")
    if errors:
        return form_error(errors)
    # "Create Message" note *: at least one of content, embeds, sticker_ids, components, files or poll.
    # Content that is only whitespace is trimmed to nothing, as the client shows it.
    has_body = (trimmed(payload.get("content")) or payload.get("embeds") or payload.get("components")
                or payload.get("sticker_ids") or payload.get("poll") or files or payload.get("attachments"))
    if not has_body:
        return dict(EMPTY_MESSAGE)
    return None


def validate_choices(choices: Any, option_type: int | None = None) -> Errors:
    """interactions/receiving-and-responding.mdx, "Autocomplete": max 25 choices;
    interactions/application-commands.mdx, "Application Command Option Choice Structure": name 1-100,
    a value of the focused option's type (a string up to 100 characters, an integer or a double)."""
    errors: Errors = {}
    items = array(errors, ["data", "choices"], choices, high=25)
    for i, choice in enumerate(items):
        text(errors, ["data", "choices", i, "name"], choice.get("name"), low=1, high=100, required=True)
        choice_value(errors, ["data", "choices", i, "value"], choice.get("value"), option_type)
    return errors
