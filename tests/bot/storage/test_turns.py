"""Write turns: a member's write goes ahead of queued background jobs; nobody is lost or let in twice."""

from __future__ import annotations

import asyncio

from bot.storage.turns import WriteTurns


async def _take(turns: WriteTurns, name: str, order: list[str], *, urgent: bool) -> None:
    await turns.acquire(urgent=urgent)
    order.append(name)
    await asyncio.sleep(0)
    turns.release()


async def test_interaction_writes_go_before_waiting_jobs_and_keep_arrival_order() -> None:
    turns = WriteTurns()
    order: list[str] = []
    await turns.acquire()  # a job is writing
    tasks = [asyncio.create_task(_take(turns, name, order, urgent=name.startswith("member")))
             for name in ("job1", "job2", "member1", "job3", "member2")]
    await asyncio.sleep(0)
    turns.release()
    await asyncio.gather(*tasks)
    assert order == ["member1", "member2", "job1", "job2", "job3"]
    assert not turns.locked()


async def test_a_waiter_that_gives_up_passes_its_turn_on() -> None:
    turns = WriteTurns()
    order: list[str] = []
    await turns.acquire()
    quitter = asyncio.create_task(turns.acquire(urgent=True))
    patient = asyncio.create_task(_take(turns, "job", order, urgent=False))
    await asyncio.sleep(0)
    turns.release()  # hands the turn to the quitter ...
    quitter.cancel()  # ... which is cancelled before it runs: the turn must reach the job
    await asyncio.gather(quitter, return_exceptions=True)
    await asyncio.wait_for(patient, 1)
    assert order == ["job"] and not turns.locked()


async def test_a_waiter_cancelled_in_the_queue_leaves_it() -> None:
    turns = WriteTurns()
    await turns.acquire()
    waiter = asyncio.create_task(turns.acquire())
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    turns.release()
    assert not turns.locked()
    await asyncio.wait_for(turns.acquire(urgent=True), 1)
    assert turns.locked()
