"""Files the bot sends (exports) within the upload limit of the server they go to.

Discord refuses a file over the server's limit (10 MiB without boosts) with 413 / 40005, and the
exports grow with the server: a participation CSV with a row per member, a member's whole history.
Text compresses well, so an export over the limit is sent zipped; one that is still too large is
refused with a message saying what to do, never a failed interaction.
"""

from __future__ import annotations

import io
import zipfile

import discord

from bot.errors import InvalidInput

DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024  # bytes a file may have where the server has no boost (and in DMs)


def upload_limit(guild: discord.Guild | None) -> int:
    return guild.filesize_limit if guild is not None else DEFAULT_UPLOAD_LIMIT


def sendable_file(data: bytes, filename: str, limit: int, *, what: str, hint: str) -> discord.File:
    """``data`` as ``filename``, or zipped as ``filename.zip`` when only that fits in ``limit`` bytes."""
    if len(data) <= limit:
        return discord.File(io.BytesIO(data), filename)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(filename, data)
    if buffer.tell() <= limit:
        buffer.seek(0)
        return discord.File(buffer, f"{filename}.zip")
    raise InvalidInput(f"{what} is {_mib(buffer.tell())} MiB even zipped, and Discord takes files of at most "
                       f"{_mib(limit)} MiB here.", hint=hint)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"
