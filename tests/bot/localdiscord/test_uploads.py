"""Conformance of files attached to slash commands: Discord's upload limit, the attachment object, the CDN."""

from __future__ import annotations

import aiohttp
import pytest

from bot.localdiscord import LocalDiscord, SimUpload, UploadRefused
from bot.localdiscord.uploads import upload

OPTION = {"name": "document", "type": 11, "required": True}


@pytest.mark.parametrize(("size", "accepted"), [(4096, True), (4097, False)])
async def test_the_client_uploads_up_to_the_interactions_attachment_size_limit(sim: LocalDiscord, size: int,
                                                                                accepted: bool) -> None:
    sim.attachment_size_limit = 4096
    file = SimUpload("notes.txt", b"x" * size)
    if not accepted:
        with pytest.raises(UploadRefused, match="uploads at most 4096"):
            upload(sim, 1, OPTION, file)
        return
    attachment = upload(sim, 1, OPTION, file)
    assert {"id", "filename", "size", "url", "proxy_url"} <= set(attachment)
    assert attachment["size"] == 4096 and attachment["filename"] == "notes.txt" and attachment["ephemeral"] is True
    assert attachment["content_type"].startswith("text/plain")


@pytest.mark.parametrize(("name", "accepted"), [("notes.md", True), ("notes.MD", True), ("notes.pdf", False)])
async def test_file_types_filter_by_extension_only(sim: LocalDiscord, name: str, accepted: bool) -> None:
    option = {**OPTION, "file_types": [".md", ".txt"]}
    if accepted:
        assert upload(sim, 1, option, SimUpload(name, b"%PDF"))["filename"] == name
    else:
        with pytest.raises(UploadRefused, match="file types"):
            upload(sim, 1, option, SimUpload(name, b"text"))


async def test_the_cdn_serves_the_bytes_without_a_token_and_404s_unknown_files(sim: LocalDiscord) -> None:
    attachment = upload(sim, 1, OPTION, SimUpload("notes.txt", b"hello \xe2\x9c\x93"))
    async with aiohttp.ClientSession() as session:
        async with session.get(attachment["url"]) as response:
            assert response.status == 200 and await response.read() == b"hello \xe2\x9c\x93"
        missing = attachment["url"].replace(attachment["id"], "1234")
        async with session.get(missing) as response:
            assert response.status == 404
