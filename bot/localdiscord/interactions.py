"""Interaction callbacks and the webhook routes for follow-ups, as Discord answers them.

The three-second rule is timed on the real monotonic clock (it is about the bot's
responsiveness); the fifteen-minute token lifetime follows the simulator's clock so
tests can expire it by moving a ManualClock.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.localdiscord import threads
from bot.localdiscord.formbody import form_error, put
from bot.localdiscord.rest_messages import (
    apply_edit,
    dispatch_message,
    edit_from_request,
    new_attachments,
    resolve_pings,
    validate_payload,
)
from bot.localdiscord.restkit import EPHEMERAL, LOADING, Rejected, fail, json_reply, read_body, sim_of
from bot.localdiscord.validation import EPHEMERAL as EPHEMERAL_FLAG
from bot.localdiscord.validation import FOLLOWUP_FLAGS, RESPONSE_FLAGS, validate_choices, validate_modal

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord, SimInteraction
    from bot.localdiscord.state import SimMessage

CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE, MODAL = 4, 5, 6, 7, 8, 9


def _interaction(sim: LocalDiscord, interaction_id: str, token: str) -> SimInteraction:
    interaction = sim.interactions.get(int(interaction_id))
    if interaction is None or interaction.token != token:
        raise fail(404, 10062, "Unknown interaction")
    return interaction


async def callback(request: web.Request) -> web.Response:
    sim = sim_of(request)
    interaction = _interaction(sim, request.match_info["interaction_id"], request.match_info["token"])
    if interaction.response_type is not None:
        raise fail(400, 40060, "Interaction has already been acknowledged.")
    # Late by the real 3 seconds, or past the token's 15 minutes on the simulator's clock (a test that moves
    # the clock while the bot has yet to answer): Discord no longer knows the interaction either way.
    if sim.ack_too_late(interaction) or sim.interaction_token_expired(interaction):
        raise fail(404, 10062, "Unknown interaction")
    body, files = await read_body(request)
    kind = body.get("type")
    data = body.get("data") or {}
    _check_callback_type(interaction, kind)
    resource: dict[str, Any] = {"type": kind}
    message: SimMessage | None = None
    if kind == CHANNEL_MESSAGE:
        validate_payload(data, files, allowed_flags=RESPONSE_FLAGS, under="data")
        message = _create_response_message(sim, interaction, data, files)
        resource["message"] = message.to_json()
    elif kind == DEFERRED_MESSAGE:
        # receiving-and-responding.mdx, "Interaction Callback Data Structure", note *: only EPHEMERAL.
        flags = data.get("flags") or 0
        if flags & ~EPHEMERAL_FLAG:
            errors: dict[str, Any] = {}
            put(errors, ["data", "flags"], "INTERACTION_DEFERRED_FLAGS_INVALID",
                "Only the EPHEMERAL flag can be set on a deferred response.")
            raise Rejected(400, form_error(errors))
        message = _create_response_message(sim, interaction, {"content": "", "flags": (flags & EPHEMERAL) | LOADING}, [])
        resource["message"] = message.to_json()
    elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
        message = interaction.source_message
        assert message is not None
        if kind == UPDATE_MESSAGE and message.deleted:
            # "edit the message the component was attached to": one deleted since (say, while the form it opened
            # was being filled in) is an Unknown Message, as any edit of it is, and the interaction stays
            # unanswered, so the app may still answer it another way.
            raise fail(404, 10008, "Unknown Message")
        if kind == UPDATE_MESSAGE:
            threads.before_editing_message(sim, message)
            apply_edit(sim, message, data, files, under="data")
            dispatch_message(sim, "MESSAGE_UPDATE", message)
        resource["message"] = message.to_json()
    elif kind == AUTOCOMPLETE:
        errors = validate_choices(data.get("choices"), interaction.focused_type)
        if errors:
            raise Rejected(400, form_error(errors))
        interaction.choices = data.get("choices") or []
    elif kind == MODAL:
        error = validate_modal(data)
        if error is not None:
            raise Rejected(400, error)
        interaction.modal = data
    interaction.response_type = kind
    interaction.response_data = data
    interaction.acknowledged_monotonic = time.monotonic()
    interaction.response_message = message
    interaction.acknowledged.set()
    if not _asked(request, "with_response"):
        return web.Response(status=204)  # the documented default; discord.py always asks for the body
    return json_reply({
        "interaction": {
            "id": str(interaction.id), "type": interaction.type,
            "response_message_id": str(message.id) if message else None,
            "response_message_loading": kind == DEFERRED_MESSAGE,
            "response_message_ephemeral": bool(message and message.ephemeral),
        },
        "resource": resource,
    })


# receiving-and-responding.mdx, "Interaction Callback Type" and its notes: which answers fit which interaction.
VALID_CALLBACKS = {
    2: (CHANNEL_MESSAGE, DEFERRED_MESSAGE, MODAL),  # application command
    3: (CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL),  # component
    4: (AUTOCOMPLETE,),  # autocomplete
    5: (CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE),  # modal submit: no modal
}


def _check_callback_type(interaction: SimInteraction, kind: Any) -> None:
    errors: dict[str, Any] = {}
    if kind not in (1, 4, 5, 6, 7, 8, 9, 10, 12):
        put(errors, ["type"], "BASE_TYPE_CHOICES", "Value must be one of (1, 4, 5, 6, 7, 8, 9, 10, 12).")
    elif kind not in VALID_CALLBACKS.get(interaction.type, ()) or (
            kind in (DEFERRED_UPDATE, UPDATE_MESSAGE) and interaction.source_message is None):
        # UPDATE_MESSAGE and DEFERRED_UPDATE_MESSAGE need a message: a modal opened by a slash command has none
        put(errors, ["type"], "INTERACTION_CALLBACK_TYPE_INVALID",
            "Interaction callback type is not valid for this interaction type.")
    if errors:
        raise Rejected(400, form_error(errors))


def _create_response_message(sim: LocalDiscord, interaction: SimInteraction, data: dict[str, Any],
                             files: list[dict[str, Any]]) -> SimMessage:
    ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
    threads.before_responding(sim, interaction.channel, ephemeral=ephemeral)
    resolve_pings(sim, interaction.channel, data, webhook=True)
    message = sim.new_message(
        interaction.channel, sim.bot_user, dict(data), attachments=new_attachments(sim, files),
        interaction_id=interaction.id, store_in_channel=not ephemeral,
    )
    dispatch_message(sim, "MESSAGE_CREATE", message)
    return message


def _webhook_interaction(sim: LocalDiscord, request: web.Request) -> SimInteraction:
    if request.match_info["app_id"] != str(sim.application_id):
        raise fail(404, 10015, "Unknown Webhook")
    interaction = sim.interactions_by_token.get(request.match_info["token"])
    if interaction is None:
        raise fail(404, 10015, "Unknown Webhook")
    if sim.interaction_token_expired(interaction):
        raise fail(401, 50027, "Invalid Webhook Token")
    if interaction.response_type is None:
        raise fail(404, 10015, "Unknown Webhook")
    return interaction


def _asked(request: web.Request, name: str) -> bool:
    """A boolean query parameter as Discord reads it (``true`` or ``1``)."""
    return request.query.get(name, "").lower() in ("true", "1")


async def followup(request: web.Request) -> web.Response:
    """Execute Webhook: the created message with ``?wait=true`` (as discord.py asks), else 204."""
    sim = sim_of(request)
    interaction = _webhook_interaction(sim, request)
    payload, files = await read_body(request)
    validate_payload(payload, files, allowed_flags=FOLLOWUP_FLAGS)
    loading = interaction.response_message
    if (interaction.response_type == DEFERRED_MESSAGE and loading is not None and loading.flags & LOADING
            and not loading.deleted):  # a deleted "thinking" message is gone: the follow-up is a message of its own
        # Discord turns the first follow-up after a "thinking" defer into the original response.
        threads.before_editing_message(sim, loading)
        apply_edit(sim, loading, payload, files)
        dispatch_message(sim, "MESSAGE_UPDATE", loading)
        return json_reply(loading.to_json()) if _asked(request, "wait") else web.Response(status=204)
    ephemeral = bool(int(payload.get("flags") or 0) & EPHEMERAL)
    threads.before_responding(sim, interaction.channel, ephemeral=ephemeral)
    resolve_pings(sim, interaction.channel, payload, webhook=True)
    message = sim.new_message(interaction.channel, sim.bot_user, payload, attachments=new_attachments(sim, files),
                              interaction_id=interaction.id, webhook=True, store_in_channel=not ephemeral)
    interaction.followups.append(message)
    dispatch_message(sim, "MESSAGE_CREATE", message)
    return json_reply(message.to_json()) if _asked(request, "wait") else web.Response(status=204)


def _webhook_message(sim: LocalDiscord, interaction: SimInteraction, message_id: str) -> SimMessage:
    if message_id == "@original":
        message = interaction.response_message
        if message is None and interaction.response_type in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            message = interaction.source_message
    else:  # only messages sent with this interaction's token
        message = sim.messages.get(int(message_id)) if message_id.isdigit() else None
        if message is not None and message.interaction_id != interaction.id:
            message = None
    if message is None or message.deleted:
        raise fail(404, 10008, "Unknown Message")
    return message


async def get_webhook_message(request: web.Request) -> web.Response:
    sim = sim_of(request)
    interaction = _webhook_interaction(sim, request)
    return json_reply(_webhook_message(sim, interaction, request.match_info["message_id"]).to_json())


async def edit_webhook_message(request: web.Request) -> web.Response:
    sim = sim_of(request)
    interaction = _webhook_interaction(sim, request)
    message = _webhook_message(sim, interaction, request.match_info["message_id"])
    threads.before_editing_message(sim, message)
    return await edit_from_request(sim, message, request)


async def delete_webhook_message(request: web.Request) -> web.Response:
    sim = sim_of(request)
    interaction = _webhook_interaction(sim, request)
    message = _webhook_message(sim, interaction, request.match_info["message_id"])
    message.deleted = True
    return web.Response(status=204)
