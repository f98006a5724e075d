"""The request pacer keeps any one second under Discord's global limit."""

from __future__ import annotations

import asyncio

import pytest

from bot.pacing import RequestPacer, members_first


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    """A clock that moves only when the pacer sleeps, by exactly the time it sleeps."""
    clock = FakeTime()

    async def fake_sleep(seconds: float) -> None:
        clock.now += seconds

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    return clock


async def test_a_burst_then_a_steady_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTime()
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        fake.now += seconds

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    pacer = RequestPacer(48, monotonic=fake)
    stamps = []
    for _ in range(200):
        await pacer.acquire()
        stamps.append(fake.now)
    assert stamps[: int(pacer.burst)] == [0.0] * int(pacer.burst)
    for index, start in enumerate(stamps):
        in_window = sum(1 for s in stamps[index:] if s < start + 1.0 - 1e-6)
        assert in_window <= 48
    assert stamps[-1] == pytest.approx((200 - pacer.burst) / 48, rel=1e-6)


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RequestPacer(0)


async def _granted_order(pacer: RequestPacer, lanes: list[str]) -> list[str]:
    """Queue one request per entry of ``lanes`` ("member" or "scheduled"), in that order; the order served."""
    served: list[str] = []

    async def request(name: str, member: bool) -> None:
        if member:
            members_first()  # as an interaction handler does; each task has its own context
        await pacer.acquire()
        served.append(name)

    tasks = [asyncio.create_task(request(f"{lane}{i}", lane == "member")) for i, lane in enumerate(lanes)]
    await asyncio.gather(*tasks)
    return served


async def test_a_members_request_goes_ahead_of_the_queued_fan_out(fake: FakeTime) -> None:
    pacer = RequestPacer(48, burst=1, monotonic=fake)
    served = await _granted_order(pacer, ["scheduled"] * 6 + ["member", "scheduled", "member"])
    # The first scheduled request takes the saved token; the members' then go before the five still queued,
    # at once: the second has room, and only scheduled traffic waits for the bucket.
    assert served == ["scheduled0", "member6", "member8", "scheduled1", "scheduled2", "scheduled3", "scheduled4",
                      "scheduled5", "scheduled7"]
    assert fake.now == pytest.approx(6 / 48)


async def test_members_answers_go_together_but_no_second_holds_more_than_the_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTime()
    real_sleep = asyncio.sleep

    async def fake_sleep(seconds: float) -> None:
        await real_sleep(0)  # those granted before the wait note the time they were granted
        fake.now += seconds

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    pacer = RequestPacer(48, monotonic=fake)
    stamps: list[float] = []

    async def request(member: bool) -> None:
        if member:
            members_first()
        await pacer.acquire()
        stamps.append(fake.now)

    ten = [asyncio.create_task(request(True)) for _ in range(10)]
    await asyncio.gather(*ten)
    assert stamps == [0.0] * 10  # ten members answering together are not spread out
    # Then a fan-out and more members, together far past the limit.
    lanes = [False] * 100 + [True] * 60
    await asyncio.gather(*(asyncio.create_task(request(m)) for m in lanes))
    assert len(stamps) == 170
    for index, start in enumerate(stamps):
        assert sum(1 for s in stamps[index:] if s < start + 1.0 - 1e-6) <= 48


async def test_a_member_waits_for_room_ahead_of_the_scheduled_queue(fake: FakeTime) -> None:
    pacer = RequestPacer(5, burst=5, monotonic=fake)
    served = await _granted_order(pacer, ["scheduled"] * 8 + ["member"])
    # The second is full after five; the member takes the first free place, before scheduled5..7, which
    # follow in the same next second (the bucket has refilled by then).
    assert served[:5] == [f"scheduled{i}" for i in range(5)]
    assert served[5] == "member8"
    assert fake.now == pytest.approx(1.0)


async def test_a_cancelled_wait_gives_up_its_place() -> None:
    pacer = RequestPacer(1000, burst=1)
    await pacer.acquire()  # the saved token
    first = asyncio.create_task(pacer.acquire())
    second = asyncio.create_task(pacer.acquire())
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.wait_for(second, 5)
    assert first.cancelled() and second.done() and second.exception() is None
