"""The event loop the bot runs on: uvloop when it is installed, else asyncio's own.

uvloop's loop does the same work with less CPU per socket read, write and wake-up, and an
interaction is mostly such plumbing (see BENCHMARKS.md for the measured difference).
``STUDYBOT_EVENT_LOOP=asyncio`` keeps asyncio's loop, e.g. to compare the two.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop constructor, or None for asyncio's default loop."""
    if os.environ.get("STUDYBOT_EVENT_LOOP", "").strip().lower() == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on the chosen loop."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
