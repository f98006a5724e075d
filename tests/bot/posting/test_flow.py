"""The shared exactly-once steps: adopting an earlier copy, and telling moderators once per reason."""

from __future__ import annotations

from bot.posting import publish_once, tell_moderators_once


async def test_a_fresh_claim_publishes_without_looking_for_an_earlier_copy() -> None:
    calls: list[str] = []

    async def find() -> int | None:
        calls.append("find")
        return 1

    async def publish() -> int:
        calls.append("publish")
        return 2

    assert await publish_once(fresh=True, find_earlier=find, publish=publish) == 2
    assert calls == ["publish"]


async def test_a_retried_claim_adopts_the_copy_already_sent() -> None:
    published: list[int] = []

    async def find() -> int | None:
        return 7

    async def publish() -> int:
        published.append(8)
        return 8

    assert await publish_once(fresh=False, find_earlier=find, publish=publish) == 7
    assert published == []


async def test_a_retried_claim_with_no_earlier_copy_publishes() -> None:
    async def find() -> int | None:
        return None

    async def publish() -> int:
        return 9

    assert await publish_once(fresh=False, find_earlier=find, publish=publish) == 9


async def test_moderators_hear_once_per_reason_even_when_notifying_fails() -> None:
    remembered: dict[int, str] = {}
    sent: list[str] = []

    async def remember(guild_id: int, reason: str) -> None:
        remembered[guild_id] = reason

    async def notify(guild_id: int, text: str) -> bool:
        sent.append(text)
        raise RuntimeError("no system channel")

    for _ in range(3):
        await tell_moderators_once(5, reason="missing Send Messages", already_told=remembered.get(5),
                                   remember=remember, notify=notify, text="Grant Send Messages")
    await tell_moderators_once(5, reason="channel deleted", already_told=remembered.get(5),
                               remember=remember, notify=notify, text="Pick a new channel")
    assert sent == ["Grant Send Messages", "Pick a new channel"]
    assert remembered == {5: "channel deleted"}
