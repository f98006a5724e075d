"""Daily fan-out into forum channels: one request a guild (see :mod:`benchmarks.fanout`)."""

from __future__ import annotations

from benchmarks.common import Result
from benchmarks.fanout import fan_out


async def run(quick: bool = False) -> Result:
    return await fan_out(quick, forum=True)
