"""Start-up against a Discord that is down, slow or refusing: retries with growing pauses, then one line.

Pauses are recorded by a fake ``sleep`` and time is a counter, so no test waits; the attempts themselves
are real HTTP requests (a closed port, a server answering 503, the local Discord).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from discord.http import Route

from bot.cli.common import Status
from bot.cli.run import serve
from bot.cli.startup import DiscordUnreachable, TokenRejected, describe, probe, wait_for_discord
from bot.localdiscord import LocalDiscord
from bot.localdiscord.patch import pointed_at
from bot.settings import Settings


class FakeTime:
    """``sleep`` that only moves a counter forward, and the counter as ``monotonic``."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def closed_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield port


async def test_an_unreachable_discord_is_retried_with_growing_pauses_then_given_up(
        closed_port: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(Route, "BASE", f"http://127.0.0.1:{closed_port}/api/v10")
    time = FakeTime()
    with pytest.raises(DiscordUnreachable) as caught:
        await wait_for_discord("token", budget=60, sleep=time.sleep, monotonic=time.monotonic)
    assert time.pauses == [1, 2, 4, 8, 16]  # the next pause (30 s) would end past the 60 s budget
    assert f"cannot connect to 127.0.0.1:{closed_port}" in str(caught.value)
    assert "gave up after 6 attempts" in str(caught.value)
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 5 and all("\n" not in line for line in retries)


async def test_discord_5xx_is_retried_until_it_answers(closed_port: int) -> None:
    unused_tcp_port = closed_port
    answers = iter([503, 502, 200])

    async def me(request: web.Request) -> web.Response:
        status = next(answers)
        return web.json_response({"id": "1", "username": "studybot"} if status == 200 else {}, status=status)

    app = web.Application()
    app.router.add_get("/api/v10/users/@me", me)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    saved = Route.BASE
    Route.BASE = f"http://127.0.0.1:{unused_tcp_port}/api/v10"
    try:
        time = FakeTime()
        tries = await wait_for_discord("token", budget=60, sleep=time.sleep, monotonic=time.monotonic)
    finally:
        Route.BASE = saved
        await runner.cleanup()
    assert tries == 3 and time.pauses == [1, 2]


async def test_dns_failures_and_timeouts_are_described_and_retried() -> None:
    failures = iter([
        aiohttp.ClientConnectorError(aiohttp.client_reqrep.ConnectionKey(  # type: ignore[attr-defined]
            "discord.com", 443, True, True, None, None, None),
            socket.gaierror(-2, "Name or service not known")),
        TimeoutError(),
    ])
    reasons: list[str] = []

    async def attempt(token: str) -> None:
        failure = next(failures, None)
        if failure is not None:
            reasons.append(describe(failure))
            raise failure

    time = FakeTime()
    assert await wait_for_discord("token", budget=60, attempt=attempt, sleep=time.sleep,
                                  monotonic=time.monotonic) == 3
    assert reasons == ["DNS lookup failed for discord.com", "no answer within 10 s"]


async def test_a_rejected_token_is_not_retried() -> None:
    async with LocalDiscord() as sim:
        with pointed_at(sim):
            time = FakeTime()
            with pytest.raises(TokenRejected):
                await wait_for_discord("not-the-token", budget=60, sleep=time.sleep, monotonic=time.monotonic)
            assert time.pauses == []
            await probe(sim.token)  # the right token passes


async def test_a_dev_guild_the_bot_is_not_in_stops_with_one_line(
        in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async with LocalDiscord() as sim:
        elsewhere = sim.create_guild("Elsewhere", with_bot=False)
        with pointed_at(sim):
            settings = Settings(discord_token=sim.token, dev_guild_id=elsewhere.id)
            with pytest.raises(SystemExit) as caught:
                await serve(settings, sync_only=True)
    assert caught.value.code == Status.CONFIGURATION
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "STUDYBOT_DEV_GUILD_ID" in lines[0], err
