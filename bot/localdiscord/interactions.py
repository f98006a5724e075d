"""Interaction callbacks and the webhook routes for follow-ups, as Discord answers them.

The three-second rule is timed on the real monotonic clock (it is about the bot's
responsiveness); the fifteen-minute token lifetime follows the simulator's clock so
tests can expire it by moving a ManualClock.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.localdiscord.rest_messages import (
    apply_edit,
    dispatch_message,
    edit_from_request,
    new_attachments,
    resolve_pings,
    validate_payload,
)
from bot.localdiscord.restkit import EPHEMERAL, LOADING, Rejected, fail, json_reply, read_body, sim_of
from bot.localdiscord.validation import form_error, validate_modal

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
    if sim.ack_too_late(interaction):
        raise fail(404, 10062, "Unknown interaction")
    body, files = await read_body(request)
    kind = int(body.get("type", 0))
    data = body.get("data") or {}
    resource: dict[str, Any] = {"type": kind}
    message: SimMessage | None = None
    if kind == CHANNEL_MESSAGE:
        validate_payload(data, files)
        message = _create_response_message(sim, interaction, data, files)
        resource["message"] = message.to_json()
    elif kind == DEFERRED_MESSAGE:
        flags = (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
        message = _create_response_message(sim, interaction, {"content": "", "flags": flags}, [])
        resource["message"] = message.to_json()
    elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
        if interaction.source_message is None:
            raise fail(400, 40004, "Interaction response type is not valid for this interaction")
        message = interaction.source_message
        if kind == UPDATE_MESSAGE:
            apply_edit(sim, message, data, files)
            dispatch_message(sim, "MESSAGE_UPDATE", message)
        resource["message"] = message.to_json()
    elif kind == AUTOCOMPLETE:
        choices = data.get("choices") or []
        if len(choices) > 25:
            raise Rejected(400, form_error({"data": {"choices": {"_errors": [
                {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}]}}}))
        interaction.choices = choices
    elif kind == MODAL:
        if interaction.type == 5:
            raise fail(400, 40004, "A modal cannot answer a modal submit")
        errors = validate_modal(data)
        if errors:
            raise Rejected(400, form_error(errors))
        interaction.modal = data
    else:
        raise fail(400, 40004, "Interaction response type is not valid")
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


def _create_response_message(sim: LocalDiscord, interaction: SimInteraction, data: dict[str, Any],
                             files: list[dict[str, Any]]) -> SimMessage:
    ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
    resolve_pings(sim, interaction.channel, data)
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
    validate_payload(payload, files)
    loading = interaction.response_message
    if interaction.response_type == DEFERRED_MESSAGE and loading is not None and loading.flags & LOADING:
        # Discord turns the first follow-up after a "thinking" defer into the original response.
        apply_edit(sim, loading, payload, files)
        dispatch_message(sim, "MESSAGE_UPDATE", loading)
        return json_reply(loading.to_json()) if _asked(request, "wait") else web.Response(status=204)
    ephemeral = bool(int(payload.get("flags") or 0) & EPHEMERAL)
    resolve_pings(sim, interaction.channel, payload)
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
    else:
        message = sim.messages.get(int(message_id))
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
    return await edit_from_request(sim, message, request)


async def delete_webhook_message(request: web.Request) -> web.Response:
    sim = sim_of(request)
    interaction = _webhook_interaction(sim, request)
    message = _webhook_message(sim, interaction, request.match_info["message_id"])
    message.deleted = True
    return web.Response(status=204)
