"""Exactly-once posting of scheduled content, shared by the daily prompt and the daily quiz.

Each feature keeps its own ledger table keyed on (guild, local date) and claims the
day's row in a ``BEGIN IMMEDIATE`` transaction, so only one claim can ever exist. What
follows the claim is the same for both and lives here: the post is sent after the
commit, and a row left claimed by a crash is retried by first looking for the copy the
interrupted attempt may already have sent (and re-sending with the same nonce, which
Discord answers with the earlier message). Moderators hear about a failure once per
distinct reason, not on every retry.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


async def publish_once(*, fresh: bool, find_earlier: Callable[[], Awaitable[T | None]],
                       publish: Callable[[], Awaitable[T]]) -> T:
    """Send a claimed day's post, or adopt the copy an earlier, interrupted attempt already sent.

    ``fresh`` claims were made just now, so no earlier copy can exist and the search is skipped.
    """
    if not fresh:
        earlier = await find_earlier()
        if earlier is not None:
            return earlier
    return await publish()


async def tell_moderators_once(guild_id: int, *, reason: str, already_told: str | None,
                               remember: Callable[[int, str], Awaitable[None]],
                               notify: Callable[[int, str], Awaitable[bool]] | None, text: str) -> None:
    """Tell the guild's moderators ``text`` unless they were already told about this ``reason``.

    The reason is remembered before sending, so a notification that fails is not retried
    on every attempt either; the feature's status command still shows it.
    """
    if already_told == reason or notify is None:
        return
    await remember(guild_id, reason)
    try:
        await notify(guild_id, text)
    except Exception:
        log.exception("could not notify the moderators of guild %s", guild_id)
