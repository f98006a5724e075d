"""Start and kill the real bot in its own process, talking to the test's LocalDiscord."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from bot.clock import ManualClock
from bot.localdiscord import LocalDiscord

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    def __init__(self, sim: LocalDiscord, clock: ManualClock, db_path: Path, *, rate: float = 1000.0) -> None:
        self.sim = sim
        self.clock = clock
        self.db_path = db_path
        self.rate = rate
        self.process: asyncio.subprocess.Process | None = None
        self.log_path = db_path.with_suffix(".log")

    async def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.localdiscord.child", "--api-base", self.sim.api_base,
            "--gateway", self.sim.gateway_url, "--token", self.sim.token, "--db", str(self.db_path),
            "--start", self.clock.now().isoformat(), "--rate", str(self.rate),
            cwd=ROOT, stdout=log, stderr=log, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        log.close()

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL: no clean-up of any kind

    async def stop(self) -> int:
        """SIGTERM and wait: the bot closes cleanly."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.terminate()
        return await asyncio.wait_for(self.process.wait(), 30)

    async def wait_dead(self) -> None:
        assert self.process is not None
        await asyncio.wait_for(self.process.wait(), 30)

    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


async def wait_for(predicate: Callable[[], bool], what: str, bot: BotProcess, limit_seconds: float = 20) -> None:
    """Serve the simulator until ``predicate`` holds (the bot works in another process)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_seconds
    while not predicate():
        if not bot.alive() and not predicate():
            raise AssertionError(f"the bot process died waiting for {what}:\n{bot.output()[-3000:]}")
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{bot.output()[-3000:]}")
        await asyncio.sleep(0.01)


def query(db_path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()
