"""The one scheduled-post flow: claim, send, record, tell moderators once.

Every feature that posts on a timer (the daily prompt, the quiz and its reveal, mock
round announcements) keeps a ledger row per occurrence and claims it in a
``BEGIN IMMEDIATE`` transaction, so only one claim can ever exist. What follows the
claim is the same for all of them and lives here:

* the post is sent after the claim commits;
* when the claim is not fresh (an earlier attempt may have sent it before the process
  died), or is fresh but the scheduled time has long passed (a database restored from
  a backup taken before the post was made), the channel is searched first and an
  earlier copy is adopted instead of sending a second one; the re-send also carries
  the same nonce, so Discord itself answers with the earlier message;
* moderators hear about a failure once per distinct reason, not on every retry, and
  not twice after a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from bot.posting.crashpoints import crash_point

log = logging.getLogger(__name__)

T = TypeVar("T")

# A fresh claim made this long after its scheduled time may be a repeat of a post made
# before a restore (or by a process whose ledger write was lost): look before sending.
OVERDUE_AFTER = timedelta(minutes=1)


def overdue(scheduled_at: datetime, now: datetime) -> bool:
    """Whether a claim made at ``now`` for ``scheduled_at`` is late enough to search for an earlier copy."""
    return now - scheduled_at > OVERDUE_AFTER


async def publish_once(*, fresh: bool, find_earlier: Callable[[], Awaitable[T | None]],
                       publish: Callable[[], Awaitable[T]], late: bool = False) -> T:
    """Send a claimed occurrence's post, or adopt the copy an earlier attempt already sent.

    ``fresh`` claims were made just now, so no earlier copy can exist and the search is
    skipped, unless the claim is ``late`` (see :func:`overdue`).
    """
    if not fresh or late:
        earlier = await find_earlier()
        if earlier is not None:
            return earlier
    return await publish()


class Notify(Protocol):
    async def __call__(self, guild_id: int, text: str, look_first: bool = False) -> bool: ...


async def tell_moderators_once(guild_id: int, *, reason: str, already_told: str | None, told: bool,
                               remember: Callable[[int, str], Awaitable[None]],
                               mark_told: Callable[[int, str], Awaitable[None]], notify: Notify, text: str) -> None:
    """Tell the guild's moderators ``text`` once per ``reason``, even across a crash.

    The reason is stored first (the feature's status command shows it from then on), then
    told, then marked told. A notice with nowhere to go (``notify`` answers False) is marked
    told all the same, so it is not retried on every attempt; the status command still holds
    it. One that failed (``notify`` raised: Discord failing for a moment) stays untold, as does
    one a bot stopped before marking: the next attempt, or the feature's catch-up, comes back
    here with ``told`` false and looks among the notices it posted before telling again.
    """
    if already_told == reason and told:
        return
    fresh = already_told != reason
    if fresh:
        await remember(guild_id, reason)
        crash_point("notice.remembered")
    try:
        await notify(guild_id, text, look_first=not fresh)
    except Exception:
        log.exception("could not notify the moderators of guild %s; told at the next attempt", guild_id)
        return
    crash_point("notice.told")
    await mark_told(guild_id, reason)
