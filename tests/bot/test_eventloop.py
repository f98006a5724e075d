"""The bot's event loop: uvloop when installed, asyncio's own when asked for."""

from __future__ import annotations

import asyncio

import pytest

from bot import eventloop


async def _loop_class() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_the_bot_runs_on_uvloop_when_it_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("uvloop")
    monkeypatch.delenv("STUDYBOT_EVENT_LOOP", raising=False)
    assert eventloop.run(_loop_class()).startswith("uvloop")


def test_asyncio_loop_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYBOT_EVENT_LOOP", "asyncio")
    assert eventloop.loop_factory() is None
    assert eventloop.run(_loop_class()).startswith("asyncio")
