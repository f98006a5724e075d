"""The quiz's scheduler job ids, one place so that unloading the feature removes them all."""

from __future__ import annotations

from datetime import date

JOB_PREFIX = "quiz:"  # every quiz job id below starts with it, so unloading removes them all


def post_job(guild_id: int) -> str:
    return f"{JOB_PREFIX}post:{guild_id}"


def close_job(guild_id: int, day: date) -> str:
    return f"{close_jobs_of(guild_id)}{day:%Y%m%d}"


def close_jobs_of(guild_id: int) -> str:
    """The prefix of every close (and reveal retry) of one server's quizzes."""
    return f"{JOB_PREFIX}close:{guild_id}:"


def retry_job(guild_id: int) -> str:
    return f"{JOB_PREFIX}retry:{guild_id}"
