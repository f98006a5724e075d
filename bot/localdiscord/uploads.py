"""Files a member attaches to a slash command, and the CDN that serves them back.

As documented (discord-api-docs: application command option type 11 ``ATTACHMENT``; interaction
``data.resolved.attachments``, a map of ids to attachment objects; the interaction's
``attachment_size_limit``): the client uploads the file first, refuses one larger than the
limit, and the command carries only the attachment's id, resolved to an attachment object
with ``id``, ``filename``, ``size``, ``url``, ``proxy_url`` and, when known, ``content_type``.
Files uploaded with a command are ephemeral attachments. The bytes are fetched from the URL
without the bot token, as from Discord's CDN. An option with ``file_types`` only lets the
client pick files with those extensions (the filter checks the name, never the contents).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from bot.localdiscord.server import LocalDiscord

DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024  # what a server without boosts allows
FILE_TYPE_GROUPS = {"image": (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"),
                    "video": (".mp4", ".mov", ".webm"), "audio": (".mp3", ".ogg", ".wav", ".flac", ".m4a")}


class UploadRefused(AssertionError):
    """Discord's client would not send this file (too large, or filtered out by the option)."""


@dataclass(frozen=True)
class SimUpload:
    """A file a member picks for an attachment option."""

    filename: str
    data: bytes
    content_type: str | None = "text/plain; charset=utf-8"


def _allowed(filename: str, file_types: list[str]) -> bool:
    name = filename.lower()
    for entry in file_types:
        entry = entry.lower()
        if name.endswith(FILE_TYPE_GROUPS.get(entry, (entry,))):
            return True
    return False


def upload(sim: LocalDiscord, channel_id: int, option: dict[str, Any], file: SimUpload) -> dict[str, Any]:
    """Upload ``file`` as the client does before sending the command; return the attachment object."""
    limit = sim.attachment_size_limit
    if len(file.data) > limit:
        raise UploadRefused(f"{file.filename} is {len(file.data)} bytes; Discord's client uploads at most {limit}")
    file_types = option.get("file_types")
    if file_types and not _allowed(file.filename, file_types):
        raise UploadRefused(f"{file.filename} is not one of the file types {file_types} the option accepts")
    attachment_id = sim.snowflakes.next()
    sim.uploads[attachment_id] = file.data
    url = f"http://{sim.host}:{sim.port}/attachments/{channel_id}/{attachment_id}/{file.filename}"
    attachment: dict[str, Any] = {"id": str(attachment_id), "filename": file.filename, "size": len(file.data),
                                  "url": url, "proxy_url": url.replace("/attachments/", "/media/attachments/"),
                                  "ephemeral": True}
    if file.content_type:
        attachment["content_type"] = file.content_type
    return attachment


async def serve(request: web.Request) -> web.Response:
    """``GET /attachments/{channel_id}/{attachment_id}/{filename}``: the file's bytes, or 404."""
    from bot.localdiscord.restkit import sim_of

    data = sim_of(request).uploads.get(int(request.match_info["attachment_id"]))
    if data is None:
        return web.Response(status=404, text="This content is no longer available.")
    return web.Response(body=data, content_type="application/octet-stream")
