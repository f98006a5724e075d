"""The scheduler wrapper in manual mode follows APScheduler's triggers exactly, DST included; a job runs as a job."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.clock import ManualClock
from bot.pacing import RequestPacer, members_first
from bot.scheduler import JobScheduler
from bot.shards import ShardLayout, catching_up

BERLIN = ZoneInfo("Europe/Berlin")


def make(start: datetime) -> tuple[ManualClock, JobScheduler, list[datetime]]:
    clock = ManualClock(start)
    return clock, JobScheduler(clock, manual=True), []


async def test_daily_job_runs_at_local_time_across_spring_forward() -> None:
    clock, scheduler, fired = make(datetime(2026, 3, 27, 12, tzinfo=UTC))

    async def job() -> None:
        fired.append(clock.now())

    scheduler.add("daily:post:1", CronTrigger(hour=9, minute=0, timezone=BERLIN), job)
    await scheduler.advance_to(datetime(2026, 3, 31, 12, tzinfo=UTC))
    local = [moment.astimezone(BERLIN) for moment in fired]
    assert [m.day for m in local] == [28, 29, 30, 31]
    assert {(m.hour, m.minute) for m in local} == {(9, 0)}
    assert fired[0].hour == 8 and fired[-1].hour == 7  # UTC offset changed on the 29th


async def test_fall_back_fires_twice_for_a_repeated_local_time() -> None:
    """Measured APScheduler behaviour that the delivery ledgers must absorb."""
    clock, scheduler, fired = make(datetime(2026, 10, 24, 12, tzinfo=UTC))

    async def job() -> None:
        fired.append(clock.now())

    scheduler.add("x", CronTrigger(hour=2, minute=30, timezone=BERLIN), job)
    await scheduler.advance_to(datetime(2026, 10, 25, 12, tzinfo=UTC))
    assert len(fired) == 2
    assert fired[1] - fired[0] == timedelta(hours=1)


async def test_one_shot_job_runs_once_and_disappears() -> None:
    clock, scheduler, fired = make(datetime(2026, 1, 1, tzinfo=UTC))

    async def job(label: str) -> None:
        fired.append(clock.now())

    scheduler.add("close", DateTrigger(run_date=datetime(2026, 1, 1, 12, tzinfo=UTC)), job, "q")
    assert scheduler.next_run("close") == datetime(2026, 1, 1, 12, tzinfo=UTC)
    await scheduler.advance_to(datetime(2026, 1, 3, tzinfo=UTC))
    assert fired == [datetime(2026, 1, 1, 12, tzinfo=UTC)]
    assert not scheduler.has("close")


async def test_failing_job_is_recorded_and_does_not_stop_others() -> None:
    clock, scheduler, fired = make(datetime(2026, 1, 1, tzinfo=UTC))

    async def broken() -> None:
        raise RuntimeError("boom")

    async def fine() -> None:
        fired.append(clock.now())

    scheduler.add("a", CronTrigger(hour=1, timezone=UTC), broken)
    scheduler.add("b", CronTrigger(hour=2, timezone=UTC), fine)
    await scheduler.advance_to(datetime(2026, 1, 1, 3, tzinfo=UTC))
    assert [job_id for job_id, _ in scheduler.failures] == ["a"]
    assert len(fired) == 1


async def test_replace_and_remove_by_prefix() -> None:
    _clock, scheduler, _ = make(datetime(2026, 1, 1, tzinfo=UTC))

    async def job() -> None:
        return None

    scheduler.add("daily:post:1", CronTrigger(hour=9, timezone=UTC), job)
    scheduler.add("daily:post:1", CronTrigger(hour=10, timezone=UTC), job)
    scheduler.add("daily:post:2", CronTrigger(hour=11, timezone=UTC), job)
    scheduler.add("quiz:post:1", CronTrigger(hour=12, timezone=UTC), job)
    assert scheduler.next_run("daily:post:1") == datetime(2026, 1, 1, 10, tzinfo=UTC)
    scheduler.remove_prefix("daily:")
    assert [info.id for info in scheduler.jobs()] == ["quiz:post:1"]


async def test_real_mode_hands_jobs_to_apscheduler_and_stops_cleanly() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    scheduler = JobScheduler(clock)

    async def job() -> None:
        return None

    scheduler.add("a", CronTrigger(hour=9, timezone=BERLIN), job)
    scheduler.start()
    try:
        next_run = scheduler.next_run("a")
        assert next_run is not None and next_run.astimezone(BERLIN).hour == 9
    finally:
        await scheduler.shutdown()


async def test_keep_adds_with_a_trigger_and_removes_without_one() -> None:
    clock, scheduler, fired = make(datetime(2026, 3, 2, 8, tzinfo=UTC))

    async def job() -> None:
        fired.append(clock.now())

    scheduler.keep("quiz:post:1", CronTrigger(hour=9, minute=0, timezone=UTC), job)
    await scheduler.advance_to(datetime(2026, 3, 2, 10, tzinfo=UTC))
    scheduler.keep("quiz:post:1", None, job)  # paused
    await scheduler.advance_to(datetime(2026, 3, 4, 10, tzinfo=UTC))
    assert fired == [datetime(2026, 3, 2, 9, tzinfo=UTC)]
    assert not scheduler.has("quiz:post:1")


async def test_a_job_started_from_a_members_context_still_queues_behind_members(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """APScheduler starts a job from whatever context last set its timer, an interaction's included."""
    async def no_wait(seconds: float) -> None:
        return None

    monkeypatch.setattr(asyncio, "sleep", no_wait)
    clock, scheduler, _fired = make(datetime(2026, 1, 1, tzinfo=UTC))
    pacer, served = RequestPacer(48, burst=1), []

    async def post() -> None:
        await pacer.acquire()
        served.append("job")

    async def members_request() -> None:
        await pacer.acquire()
        served.append("member")

    scheduler.add("post", DateTrigger(run_date=clock.now()), post)
    await pacer.acquire()  # a scheduled post takes the saved token: scheduled ones after it wait for the bucket
    members_first()  # this context is an interaction handler's; tasks started from it copy that
    job = asyncio.create_task(scheduler.run_due())  # queued first ...
    member = asyncio.create_task(members_request())  # ... but the member's request is served first
    await asyncio.gather(job, member)
    assert served == ["member", "job"]


async def test_a_job_started_from_a_shards_catch_up_still_serves_every_shard_of_the_process() -> None:
    """APScheduler starts a job from the context of whoever armed its timer, a shard's catch-up included
    (which limits ``owns`` to that shard): the quarter-hourly passes (reward roles, reminders, the feedback
    close, privacy deletions) once served only that shard's servers until something else armed the timer."""
    clock, scheduler, _fired = make(datetime(2026, 1, 1, tzinfo=UTC))
    scheduler.shards = ShardLayout(2, (0, 1))  # this process runs both shards
    on_shard_0, on_shard_1 = 0 << 22, 1 << 22
    seen: list[tuple[bool, bool]] = []

    async def reconcile_all() -> None:
        seen.append((scheduler.owns(on_shard_0), scheduler.owns(on_shard_1)))

    scheduler.add("rewards:reconcile", DateTrigger(run_date=clock.now()), reconcile_all)
    with catching_up(1, 2):  # shard 1's start-up hooks run here, and whatever they start copies this context
        assert (scheduler.owns(on_shard_0), scheduler.owns(on_shard_1)) == (False, True)
        job = asyncio.create_task(scheduler.run_due())
    await job
    assert seen == [(True, True)]


async def test_real_mode_forgets_a_one_shot_job_apscheduler_ran() -> None:
    """APScheduler drops a one-shot it has fired before the job runs; the wrapper once kept it listed (in
    /studybot-owner health) and held for the life of the process, one quiz close per server per day."""
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    scheduler = JobScheduler(clock)
    ran: list[str] = []

    async def close() -> None:
        ran.append("closed")

    scheduler.add("quiz:close:1:2026-03-02", DateTrigger(run_date=datetime(2026, 1, 2, tzinfo=UTC)), close)
    scheduler.add("ops:backup", CronTrigger(hour=3, timezone=UTC), close)
    scheduler.start()
    try:
        assert scheduler._aps is not None
        scheduler._aps.remove_job("quiz:close:1:2026-03-02")  # what APScheduler does as it fires a one-shot
        await scheduler._run_job("quiz:close:1:2026-03-02")
        await scheduler._run_job("ops:backup")  # a recurring job APScheduler keeps stays
        assert ran == ["closed", "closed"]
        assert [info.id for info in scheduler.jobs()] == ["ops:backup"]
    finally:
        await scheduler.shutdown()


async def test_real_mode_runs_a_job_whose_time_passed_while_the_host_slept() -> None:
    """A host suspended (or a loop held up) past a job's time wakes to run it late, once: a day's post or a
    round's end an hour late beats waiting for a restart that may not come."""
    now = datetime.now(UTC)
    scheduler = JobScheduler(ManualClock(now))
    ran = asyncio.Event()

    async def post() -> None:
        ran.set()

    scheduler.add("daily:1", DateTrigger(run_date=now - timedelta(minutes=40)), post)
    scheduler.start()
    try:
        await asyncio.wait_for(ran.wait(), timeout=10)
    finally:
        await scheduler.shutdown()
