"""Gateway closes that no reconnect can fix: one line saying what to do, and a status of its own.

Discord marks these close codes "Reconnect: false" (discord/discord-api-docs,
developers/topics/opcodes-and-status-codes.mdx, "Gateway Close Event Codes"). Restarting
on them only spends IDENTIFY calls, of which Discord allows 1,000 a day before it resets
the token, so ``studybot run`` stops with a distinct status and the systemd unit lists
these statuses in ``RestartPreventExitStatus``.
"""

from __future__ import annotations

from enum import IntEnum

import discord

from bot.cli.common import Status, fail
from bot.identify import SessionStartLimitReached


class GatewayStatus(IntEnum):
    """Exit statuses for fatal gateway closes (4004 shares the rejected-token status)."""

    INVALID_SHARD = 10  # 4010
    SHARDING_REQUIRED = 11  # 4011
    API_VERSION = 12  # 4012
    INVALID_INTENTS = 13  # 4013
    DISALLOWED_INTENTS = 14  # 4014
    SESSION_LIMIT = 15  # the day's session starts would run out


FATAL_CLOSES: dict[int, tuple[int, str]] = {
    4004: (Status.TOKEN_REJECTED,
           "Discord closed the gateway with 4004 (authentication failed): the token is no longer valid; "
           "reset it in the developer portal (Bot > Reset Token) and update STUDYBOT_DISCORD_TOKEN"),
    4010: (GatewayStatus.INVALID_SHARD,
           "Discord closed the gateway with 4010 (invalid shard): STUDYBOT_SHARD_COUNT/STUDYBOT_SHARD_IDS "
           "do not fit this bot; leave STUDYBOT_SHARD_COUNT empty to use the count Discord recommends"),
    4011: (GatewayStatus.SHARDING_REQUIRED,
           "Discord closed the gateway with 4011 (sharding required): a shard would hold more than 2,500 "
           "servers; raise STUDYBOT_SHARD_COUNT or leave it empty to use the count Discord recommends"),
    4012: (GatewayStatus.API_VERSION,
           "Discord closed the gateway with 4012 (invalid API version): this discord.py speaks a gateway "
           "version Discord no longer serves; upgrade studybot"),
    4013: (GatewayStatus.INVALID_INTENTS,
           "Discord closed the gateway with 4013 (invalid intents): this discord.py asks for intents "
           "Discord does not know; upgrade studybot"),
    4014: (GatewayStatus.DISALLOWED_INTENTS,
           "Discord closed the gateway with 4014 (disallowed intents): a privileged intent was asked for "
           "that the application has not enabled in the developer portal (Bot > Privileged Gateway Intents)"),
}


def fatal_close(error: BaseException) -> tuple[int, str] | None:
    """The exit status and line for a gateway error no restart can fix, else None."""
    if isinstance(error, SessionStartLimitReached):
        hours, minutes = divmod(int(error.reset_after_seconds // 60), 60)
        return (GatewayStatus.SESSION_LIMIT,
                f"Discord allows {error.remaining} more session start(s) today and this process needs "
                f"{error.needed}; not connecting, because going past the limit makes Discord reset the token. "
                f"The limit resets in {hours} h {minutes} min; until then look for what keeps restarting the bot")
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return FATAL_CLOSES[4014]
    if isinstance(error, discord.ConnectionClosed):
        return FATAL_CLOSES.get(error.code)
    return None


def stop_on_fatal_close(error: BaseException) -> None:
    """Exit with the line and status for ``error`` when no restart can fix it; else return."""
    fatal = fatal_close(error)
    if fatal is not None:
        status, line = fatal
        fail(line, status)
