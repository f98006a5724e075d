"""Log lines that say which guild and which scheduled job they belong to.

The scheduler and the command tree set these context variables for the task they run
in; a filter on the root handlers copies them onto every record, so a line reads
``guild=123 job=daily:post:123`` without each call site repeating it.
"""

from __future__ import annotations

import contextvars
import logging
import re

guild_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("studybot_guild", default=None)
job_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("studybot_job", default=None)

FORMAT = "%(asctime)s %(levelname)-8s %(name)s [guild=%(guild)s job=%(job)s]: %(message)s"
_GUILD_IN_JOB = re.compile(r"^(?:daily|quiz|mock):(?:post|round):(\d+)$")


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.guild = guild_var.get() or "-"
        record.job = job_var.get() or "-"
        return True


def enter_job(job_id: str) -> None:
    """Mark the current task as running ``job_id`` (and its guild, when the id names one)."""
    job_var.set(job_id)
    match = _GUILD_IN_JOB.match(job_id)
    if match:
        guild_var.set(int(match.group(1)))


def install(level: int | str) -> None:
    logging.basicConfig(level=level, format=FORMAT)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, ContextFilter) for f in handler.filters):
            handler.addFilter(ContextFilter())
