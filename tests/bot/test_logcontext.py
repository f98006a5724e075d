from __future__ import annotations

import asyncio
import logging

from bot.logcontext import ContextFilter, enter_job


def test_job_lines_carry_the_job_and_its_guild() -> None:
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    logger = logging.getLogger("studybot-test-context")
    handler = Keep()
    handler.addFilter(ContextFilter())
    logger.addHandler(handler)

    async def job() -> None:
        enter_job("daily:post:42")
        logger.warning("posting")

    try:
        asyncio.run(job())
        logger.warning("outside")
    finally:
        logger.removeHandler(handler)
    assert (seen[0].guild, seen[0].job) == (42, "daily:post:42")
    assert (seen[1].guild, seen[1].job) == ("-", "-")  # the job's context stayed in its task
