"""The scheduler wrapper: APScheduler in production, the same triggers driven by a clock in tests.

Jobs are kept in memory and rebuilt by each feature from its own tables at start-up
(APScheduler's persistent stores pickle jobs and lose runs that fell in downtime); a
feature's catch-up pass and its exactly-once ledger cover what happened while the bot
was down. Jobs carry ids and plain arguments only, and call a service.

In *manual* mode (tests, the demo, benchmarks) nothing runs on its own:
:meth:`JobScheduler.advance_to` moves a :class:`~bot.clock.ManualClock` forward and runs
every job at the instant its APScheduler trigger says, so DST and cadence behave
exactly as in production, without sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from bot.clock import Clock, ManualClock
from bot.logcontext import enter_job
from bot.pacing import scheduled_lane
from bot.shards import ShardLayout, not_catching_up
from bot.storage import job_writes

log = logging.getLogger(__name__)

JobFunc = Callable[..., Awaitable[Any]]

# A job whose time passed while the process could not run it (a suspended host, a held-up loop) runs once when it
# can, however late: each feature's ledger decides what is still owed (today's post, a round's end), where
# APScheduler's grace time would drop it until a restart.
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


@dataclass
class _Job:
    id: str
    trigger: BaseTrigger
    func: JobFunc
    args: tuple[Any, ...]
    next_run: datetime | None
    last_run: datetime | None = field(default=None)


@dataclass(frozen=True)
class JobInfo:
    id: str
    next_run: datetime | None


class JobScheduler:
    """Owns every timed job of the bot."""

    def __init__(self, clock: Clock, *, manual: bool = False) -> None:
        self._clock = clock
        self.manual = manual
        self._jobs: dict[str, _Job] = {}
        self._aps: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[Any]] = set()
        self._accepting = True
        self._wake: asyncio.Event | None = None  # set while :meth:`drive` runs: wakes it when jobs change
        self.failures: list[tuple[str, BaseException]] = []
        self.shards = ShardLayout()  # which guilds' jobs this process runs; set from settings
        self._held_until: asyncio.Event | None = None  # no job runs before it is set (see hold_until)

    def owns(self, guild_id: int) -> bool:
        """Whether this process schedules and catches up ``guild_id`` (its shard is one of ours)."""
        return self.shards.owns(guild_id)

    def hold_until(self, ready: asyncio.Event) -> None:
        """Run no job before ``ready`` is set (the bot's shards are ready and their start-up work is done).

        APScheduler starts with the extensions and at once fires every timer whose time passed while the bot was
        down, before any shard is ready: the bot knew none of its servers' channels yet (a quiz's close found its
        channel "gone" and gave its reveal up) nor which servers removed it meanwhile. Such a job waits, then runs
        unless it was removed meanwhile (its server removed the bot)."""
        self._held_until = ready

    # -- registration -------------------------------------------------------------------
    def add(self, job_id: str, trigger: BaseTrigger, func: JobFunc, *args: Any) -> None:
        """Add or replace the job ``job_id``; its next run is computed from now."""
        now = self._clock.now()
        self._jobs[job_id] = _Job(job_id, trigger, func, args, trigger.get_next_fire_time(None, now))
        if self._wake is not None:
            self._wake.set()  # a driven manual scheduler looks at its jobs again
        if self._aps is not None:
            self._aps.add_job(
                self._run_job, trigger=trigger, args=(job_id,), id=job_id, replace_existing=True,
                name=job_id,
            )

    def keep(self, job_id: str, trigger: BaseTrigger | None, func: JobFunc, *args: Any) -> None:
        """Add or replace ``job_id`` when there is a ``trigger``; remove it when there is none (paused)."""
        if trigger is None:
            self.remove(job_id)
        else:
            self.add(job_id, trigger, func, *args)

    def remove(self, job_id: str) -> None:
        if self._jobs.pop(job_id, None) is not None and self._aps is not None:
            try:
                self._aps.remove_job(job_id)
            except Exception:  # already gone (e.g. a one-shot that fired)
                log.debug("job %s was not in APScheduler", job_id)

    def remove_prefix(self, prefix: str) -> None:
        for job_id in [j for j in self._jobs if j.startswith(prefix)]:
            self.remove(job_id)

    def has(self, job_id: str) -> bool:
        return job_id in self._jobs

    def next_run(self, job_id: str) -> datetime | None:
        if self._aps is not None:
            aps_job = self._aps.get_job(job_id)
            return aps_job.next_run_time.astimezone(UTC) if aps_job and aps_job.next_run_time else None
        job = self._jobs.get(job_id)
        return job.next_run if job else None

    def jobs(self) -> list[JobInfo]:
        infos = [JobInfo(job_id, self.next_run(job_id)) for job_id in self._jobs]
        far = datetime.max.replace(tzinfo=UTC)
        return sorted(infos, key=lambda info: (info.next_run or far, info.id))

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Start APScheduler (needs the running loop, so call it from ``setup_hook``)."""
        if self.manual or self._aps is not None:
            return
        self._aps = AsyncIOScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
        for job in self._jobs.values():
            self._aps.add_job(self._run_job, trigger=job.trigger, args=(job.id,), id=job.id, name=job.id)
        self._aps.start()

    async def shutdown(self, *, grace_seconds: float = 30.0) -> None:
        """Stop taking jobs, then give running ones ``grace_seconds`` to finish."""
        self._accepting = False
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        if self._running:
            _done, pending = await asyncio.wait(set(self._running), timeout=grace_seconds)
            for task in pending:  # left to the exactly-once ledgers on the next start
                task.cancel()

    # -- running ------------------------------------------------------------------------
    async def _run_job(self, job_id: str) -> None:
        job = self._jobs.get(job_id)
        if job is None or not self._accepting:
            return
        if self._held_until is not None and not self._held_until.is_set():
            await self._held_until.wait()
            if self._jobs.get(job_id) is not job or not self._accepting:
                return  # removed (or replaced) while it waited
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        job.last_run = self._clock.now()
        not_catching_up()  # whichever shard's catch-up armed APScheduler's timer, a job serves every shard here
        enter_job(job_id)
        scheduled_lane()  # a job is nobody's click: its requests and writes queue behind members'
        job_writes()
        try:
            await job.func(*job.args)
        except Exception as error:
            self.failures.append((job_id, error))
            log.exception("scheduled job %s failed", job_id)
        finally:
            if task is not None:
                self._running.discard(task)
            if self._aps is None and job_id in self._jobs and self._jobs[job_id] is job:
                fire = job.next_run or self._clock.now()
                job.next_run = job.trigger.get_next_fire_time(fire, max(fire, self._clock.now()))
                if job.next_run is not None and job.next_run <= fire:
                    job.next_run = job.trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
                if job.next_run is None:
                    self._jobs.pop(job_id, None)
            elif (self._aps is not None and self._jobs.get(job_id) is job
                  and self._aps.get_job(job_id) is None):
                # A one-shot (a quiz's close, a retry, a reminder) APScheduler has run and dropped: forgotten
                # here too, or every one ever made would stay listed (and held) for the life of the process.
                self._jobs.pop(job_id, None)

    async def run_due(self) -> int:
        """Manual mode: run every job whose time has come, earliest first; return how many ran."""
        ran = 0
        while True:
            due = self._earliest_due(self._clock.now())
            if due is None:
                return ran
            await self._run_job(due.id)
            ran += 1

    async def advance_to(self, target: datetime, *, settle: Callable[[], Awaitable[None]] | None = None) -> int:
        """Manual mode: walk a ManualClock to ``target``, running each job at its own instant."""
        if not isinstance(self._clock, ManualClock):
            raise TypeError("advance_to needs a ManualClock")
        ran = 0
        while True:
            due = self._earliest_due(target)
            if due is None or due.next_run is None:
                break
            if due.next_run > self._clock.now():
                self._clock.set(due.next_run)
            await self._run_job(due.id)
            ran += 1
            if settle is not None:
                await settle()
        if target > self._clock.now():
            self._clock.set(target)
        return ran

    async def drive(self, longest_sleep: float = 1.0) -> None:
        """Manual mode on a clock that moves by itself (the bot in its own process in fault tests and
        benchmarks, whose clock is real time shifted to a simulated date): run each job when that
        clock reaches it, jobs due together running concurrently, as APScheduler would.

        It sleeps until the earliest job falls due (or a job is added or finishes), not in a fixed
        short period: polling twenty times a second cost the idle process CPU that benchmarks then
        counted against every interaction."""
        running: dict[str, asyncio.Task[None]] = {}
        wake = self._wake = asyncio.Event()
        while self._accepting:
            wake.clear()
            now = self._clock.now()
            earliest: datetime | None = None
            for job in list(self._jobs.values()):
                if job.next_run is None or job.id in running:
                    continue
                if job.next_run <= now:
                    task = asyncio.ensure_future(self._run_job(job.id))
                    running[job.id] = task

                    def forget(_task: asyncio.Task[None], job_id: str = job.id) -> None:
                        running.pop(job_id, None)
                        wake.set()

                    task.add_done_callback(forget)
                elif earliest is None or job.next_run < earliest:
                    earliest = job.next_run
            pause = longest_sleep if earliest is None else min(longest_sleep, (earliest - now).total_seconds())
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(pause, 0.001)):
                    await wake.wait()

    def _earliest_due(self, limit: datetime) -> _Job | None:
        candidates = [j for j in self._jobs.values() if j.next_run is not None and j.next_run <= limit]
        return min(candidates, key=lambda j: (j.next_run, j.id)) if candidates else None
