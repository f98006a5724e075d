"""The request pacer keeps any one second under Discord's global limit."""

from __future__ import annotations

import asyncio

import pytest

from bot.pacing import RequestPacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


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
        in_window = sum(1 for s in stamps[index:] if s < start + 1.0)
        assert in_window <= 50
    assert stamps[-1] == pytest.approx((200 - pacer.burst) / 48, rel=1e-6)


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RequestPacer(0)
