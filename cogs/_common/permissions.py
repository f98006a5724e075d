"""Which of the bot's channel permissions are missing, named as Discord's client names them."""

from __future__ import annotations

import discord

from bot.error_handler import permission_name

POSTING = ("view_channel", "send_messages", "embed_links")


def missing_permissions(channel: discord.abc.GuildChannel, me: discord.Member | None, *,
                        also: tuple[str, ...] = (), needs: tuple[str, ...] = POSTING) -> list[str]:
    """The permissions ``needs`` (posting an embed, unless said otherwise), plus ``also``, the bot lacks in
    ``channel``.

    ``me`` is None while the guild's shard is still connecting (the guild is known, the bot's own
    member in it not yet): nothing can be judged here then, so nothing is reported missing and
    Discord judges the request itself; its refusal is handled like any other."""
    if me is None:
        return []
    permissions = channel.permissions_for(me)
    missing = [name for name in (*needs, *also) if not getattr(permissions, name)]
    if "send_messages" in missing and "embed_links" in missing:
        missing.remove("embed_links")  # Discord withholds it whenever sending is denied; one fix covers both
    return [permission_name(name) for name in missing]



def may_send_in(channel: discord.abc.GuildChannel | discord.Thread, also: tuple[str, ...] = ()) -> bool:
    """Whether the bot may post in ``channel`` (Send Messages in Threads for a thread), by its own
    permissions, so that Discord is not asked for what it would refuse: refusals count against its
    invalid-request limit. Unknown (the bot's member or a thread's parent not cached) means yes, and
    Discord judges the request itself. ``also``: permissions the post needs beside sending (e.g. reading the
    channel back to find an earlier copy)."""
    me = channel.guild.me
    if me is None:
        return True
    try:
        permissions = channel.permissions_for(me)
    except discord.ClientException:  # a thread whose parent channel is not cached
        return True
    sends = permissions.send_messages_in_threads if isinstance(channel, discord.Thread) else permissions.send_messages
    return sends and all(getattr(permissions, name) for name in also)


THREAD_ARCHIVED = 50083  # topics/opcodes-and-status-codes.mdx: "an operation on an archived thread"


def locked_to_me(thread: discord.Thread) -> bool:
    """Whether moderators locked ``thread`` against the bot: topics/threads.mdx, "Locked Threads", only Manage
    Threads may write there or reopen it (Discord answers 160005 while it is active, 50083 once archived).
    Unknown (the bot's member or the thread's parent not cached) means no, and Discord judges the request."""
    me = thread.guild.me
    if not thread.locked or me is None:
        return False
    try:
        return not thread.permissions_for(me).manage_threads
    except discord.ClientException:
        return False


def passing_failure(error: discord.HTTPException) -> bool:
    """Whether ``error`` is Discord failing for a moment (a server error, a rate limit), not refusing: the same
    request may well go through later, so it is tried again rather than taken as an answer."""
    return error.status >= 500 or error.status == 429


def thread_refused(error: discord.HTTPException) -> bool:
    """Whether ``error`` says the thread no longer takes the bot's messages: gone (404), closed to it (403),
    or archived and locked since it was read (400, 50083)."""
    return isinstance(error, discord.Forbidden | discord.NotFound) or error.code == THREAD_ARCHIVED
