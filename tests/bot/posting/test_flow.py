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


class Notices:
    """A server's stored notice and what was posted, as the feature's repository and publisher keep them."""

    def __init__(self, *, fail: bool = False, passing: int = 0) -> None:
        self.stored: str | None = None
        self.told = True
        self.sent: list[str] = []
        self.refused: list[str] = []
        self.fail = fail  # nowhere to post: refused
        self.passing = passing  # how many attempts Discord fails for a moment

    async def remember(self, guild_id: int, reason: str) -> None:
        self.stored, self.told = reason, False

    async def mark_told(self, guild_id: int, reason: str) -> None:
        if self.stored == reason:
            self.told = True

    async def notify(self, guild_id: int, text: str, look_first: bool = False) -> bool:
        if look_first and text in self.sent:
            return True
        if self.passing:
            self.passing -= 1
            raise RuntimeError("503 Service Unavailable")
        if self.fail:
            self.refused.append(text)
            return False
        self.sent.append(text)
        return True

    async def tell(self, reason: str, text: str) -> None:
        await tell_moderators_once(5, reason=reason, already_told=self.stored, told=self.told,
                                   remember=self.remember, mark_told=self.mark_told, notify=self.notify, text=text)


async def test_moderators_hear_once_per_reason_even_when_notifying_fails() -> None:
    notices = Notices(fail=True)
    for _ in range(3):
        await notices.tell("missing Send Messages", "Grant Send Messages")
    await notices.tell("channel deleted", "Pick a new channel")
    assert notices.refused == ["Grant Send Messages", "Pick a new channel"]
    assert (notices.stored, notices.told) == ("channel deleted", True)


async def test_a_notice_discord_failed_to_take_for_a_moment_is_told_once_at_the_next_attempt() -> None:
    notices = Notices(passing=1)
    await notices.tell("missing Send Messages", "Grant Send Messages")
    assert notices.sent == [] and not notices.told
    for _ in range(2):
        await notices.tell("missing Send Messages", "Grant Send Messages")
    assert notices.sent == ["Grant Send Messages"] and notices.told


async def test_a_notice_stored_but_not_marked_told_is_looked_for_before_it_is_told_again() -> None:
    """A bot stopped after posting and before marking finds its notice; one stopped before posting tells it."""
    posted_then_stopped = Notices()
    posted_then_stopped.stored, posted_then_stopped.told = "missing Send Messages", False
    posted_then_stopped.sent = ["Grant Send Messages"]
    await posted_then_stopped.tell("missing Send Messages", "Grant Send Messages")
    assert posted_then_stopped.sent == ["Grant Send Messages"] and posted_then_stopped.told

    stored_then_stopped = Notices()
    stored_then_stopped.stored, stored_then_stopped.told = "missing Send Messages", False
    await stored_then_stopped.tell("missing Send Messages", "Grant Send Messages")
    assert stored_then_stopped.sent == ["Grant Send Messages"] and stored_then_stopped.told
