"""Waiting for Discord at start-up: retry what a network blip explains, give up with one line.

A bot started by systemd at boot often starts before the network, DNS or Discord itself is
answering. Each failed attempt is one log line and a growing pause; after ``budget`` seconds the
caller exits with a reason and a status of its own, so the service manager (or a person) can act.
A rejected token is never retried: waiting cannot fix it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Awaitable, Callable

import aiohttp
from discord.http import Route

log = logging.getLogger(__name__)

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 30.0
REQUEST_TIMEOUT = 10.0


class TokenRejected(Exception):
    """Discord answered 401: the token is wrong or was reset."""


class DiscordUnreachable(Exception):
    """Discord did not answer usefully within the start-up budget; ``str()`` is the last reason."""


def describe(error: BaseException) -> str:
    """One short reason for a failed attempt, in words a self-hoster can act on."""
    if isinstance(error, aiohttp.ClientConnectorError):
        if isinstance(error.os_error, socket.gaierror):
            return f"DNS lookup failed for {error.host}"
        return f"cannot connect to {error.host}:{error.port} ({error.os_error.strerror or error.os_error})"
    if isinstance(error, TimeoutError):
        return f"no answer within {REQUEST_TIMEOUT:.0f} s"
    if isinstance(error, aiohttp.ClientError | OSError):
        return f"connection failed ({type(error).__name__}: {error})"
    return str(error)


async def probe(token: str) -> None:
    """One ``GET /users/@me``: returns when Discord answers 200, raises otherwise."""
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(f"{Route.BASE}/users/@me", headers={"Authorization": f"Bot {token}"}) as response:
            if response.status == 401:
                raise TokenRejected("Discord rejected the token")
            if response.status >= 500 or response.status == 429:
                raise ConnectionError(f"Discord answered {response.status} {response.reason or ''}".strip())
            if response.status != 200:
                raise TokenRejected(f"Discord answered {response.status} to the token check")


async def wait_for_discord(token: str, *, budget: float,
                           attempt: Callable[[str], Awaitable[None]] = probe,
                           sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                           monotonic: Callable[[], float] = time.monotonic) -> int:
    """Try ``attempt`` until it succeeds; return how many tries it took.

    Raises :class:`TokenRejected` at once, or :class:`DiscordUnreachable` when the next pause would end
    after ``budget`` seconds from the first try.
    """
    began = monotonic()
    pause = FIRST_PAUSE
    tries = 0
    while True:
        tries += 1
        try:
            await attempt(token)
            if tries > 1:
                log.info("Discord answered after %d attempts", tries)
            return tries
        except TokenRejected:
            raise
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            reason = describe(error)
        elapsed = monotonic() - began
        if elapsed + pause > budget:
            raise DiscordUnreachable(f"{reason}; gave up after {tries} attempts in {elapsed:.0f} s")
        log.warning("Discord not reachable: %s; retrying in %.0f s (attempt %d)", reason, pause, tries)
        await sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE)
