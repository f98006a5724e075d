"""Exports stay within the server's upload limit: as they are, zipped, or refused with what to do."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from bot.errors import InvalidInput
from cogs._common.uploads import sendable_file

LIMIT = 10 * 1024 * 1024


def test_a_file_at_the_limit_goes_as_it_is() -> None:
    sent = sendable_file(b"x" * LIMIT, "export.csv", LIMIT, what="The export", hint="-")
    assert sent.filename == "export.csv"


def test_a_file_past_the_limit_goes_zipped_and_unzips_to_the_same_bytes() -> None:
    data = b"member,streak\n" * (LIMIT // 14 + 1)
    sent = sendable_file(data, "export.csv", LIMIT, what="The export", hint="-")
    assert sent.filename == "export.csv.zip"
    with zipfile.ZipFile(io.BytesIO(sent.fp.read())) as archive:
        assert archive.read("export.csv") == data


def test_a_file_too_large_even_zipped_is_refused_saying_what_to_do() -> None:
    with pytest.raises(InvalidInput) as refused:
        sendable_file(os.urandom(LIMIT + 1), "pack.zip", LIMIT, what="This server's pack", hint="Remove items.")
    assert "This server's pack is 10.0 MiB even zipped" in str(refused.value)
    assert "at most 10.0 MiB" in str(refused.value) and refused.value.hint == "Remove items."
