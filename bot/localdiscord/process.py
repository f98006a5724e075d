"""The real bot in a process of its own, talking to a LocalDiscord served by this process.

Fault tests kill it with SIGKILL mid-flight and start it again on the same database;
benchmarks use it so the bot and the simulated Discord do not share one core, as
they never do in production. See :mod:`bot.localdiscord.child` for the other side.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

from bot.clock import Clock
from bot.localdiscord.server import LocalDiscord

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the ``bot`` package


class BotProcess:
    """``python -m bot.localdiscord.child`` pointed at ``sim``; its output goes to a log beside the database."""

    def __init__(self, sim: LocalDiscord, clock: Clock, db_path: Path, *, rate: float = 1000.0,
                 env: dict[str, str] | None = None, args: list[str] | None = None, name: str | None = None) -> None:
        self.sim = sim
        self.clock = clock
        self.db_path = db_path
        self.rate = rate
        self.env = env or {}
        self.args = args or []
        self.process: asyncio.subprocess.Process | None = None
        self.log_path = db_path.with_name(f"{name}.log") if name else db_path.with_suffix(".log")

    async def start(self) -> None:
        log = self.log_path.open("ab")
        pythonpath = os.pathsep.join(p for p in (str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")) if p)
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.localdiscord.child", "--api-base", self.sim.api_base,
            "--gateway", self.sim.gateway_url, "--token", self.sim.token, "--db", str(self.db_path),
            "--start", self.clock.now().isoformat(), "--rate", str(self.rate), *self.args,
            cwd=PACKAGE_ROOT, stdout=log, stderr=log, env={**os.environ, "PYTHONPATH": pythonpath, **self.env},
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

    async def wait_for(self, predicate: Callable[[], bool], what: str, limit_seconds: float = 20) -> None:
        """Serve the simulator until ``predicate`` holds, re-checking after every request the bot makes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_seconds
        while not predicate():
            if not self.alive():
                raise AssertionError(f"the bot process died waiting for {what}:\n{self.output()[-3000:]}")
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {what}:\n{self.output()[-3000:]}")
            await self.sim.next_change(min(remaining, 0.25))  # bounded, so a dead process is noticed
