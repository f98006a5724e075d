"""Daily prompts in a forum channel: one forum post a day, tagged with the prompt's kind and difficulty.

A forum post is one request (the thread and its first message together), and the forum's
tags make it a searchable archive of past prompts. The tags are created by ``/daily setup``
when the forum lacks them and the bot may edit the channel (Manage Channels); without them
posts go out untagged. Discord allows 20 tags on a forum and 5 on a post.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import discord

from bot.daily import DailyPost
from cogs._common.prompts import KIND_LABELS
from cogs.daily.embeds import DIFFICULTY_TAGS, thread_name

log = logging.getLogger(__name__)

FORUM_TAG_LIMIT = 20  # resources/channel.mdx, Modify Channel: available_tags "limited to 20"
WANTED_TAGS = (*KIND_LABELS.values(), *DIFFICULTY_TAGS.values())


def post_tags(forum: discord.ForumChannel, post: DailyPost) -> list[discord.ForumTag]:
    """The forum's tags for the post's kind and difficulty, those that exist (matched by name, any case) and the
    bot may apply: a tag the moderators marked moderated only with Manage Threads (resources/channel.mdx, "Forum
    Tag Object"), since Discord refuses the whole post for one it may not apply; the post then goes out without it.
    """
    wanted = _wanted(post)
    return [tag for tag in forum.available_tags
            if tag.name.casefold() in wanted and _may_apply(forum, tag)][:5]


def _wanted(post: DailyPost) -> set[str]:
    return {KIND_LABELS.get(post.prompt.kind.value, "").casefold(),
            DIFFICULTY_TAGS.get(post.prompt.difficulty.value, "").casefold()}


def _may_apply(forum: discord.ForumChannel, tag: discord.ForumTag) -> bool:
    """A moderated tag needs Manage Threads to apply (resources/channel.mdx, "Forum Tag Object")."""
    me = forum.guild.me
    return not tag.moderated or (me is not None and forum.permissions_for(me).manage_threads)


def untaggable_reason(forum: discord.ForumChannel, post: DailyPost) -> str:
    """Why Discord refuses ``post`` in a forum that requires a tag, with the permission that would fix it:
    tags that exist but are for moderators only need Manage Threads; missing ones need Manage Channels."""
    wanted = _wanted(post)
    if any(tag.name.casefold() in wanted and not _may_apply(forum, tag) for tag in forum.available_tags):
        return (f"#{forum.name} requires a tag on every post and its tags for this prompt's kind and "
                "difficulty are for moderators only; grant me Manage Threads there so I can apply them")
    return (f"#{forum.name} requires a tag on every post and has no tag for this prompt's kind or "
            "difficulty; run `/daily setup` again with Manage Channels granted so I can create them")


def missing_tags(forum: discord.ForumChannel) -> list[str]:
    have = {tag.name.casefold() for tag in forum.available_tags}
    return [name for name in WANTED_TAGS if name.casefold() not in have]


def untaggable_warning(forum: discord.ForumChannel) -> str | None:
    """Why some daily posts will be refused, when the forum requires a tag and the bot's tags are missing or
    are for moderators only while the bot lacks Manage Threads.

    Discord refuses a post without a tag in a forum that requires one (error 40067). A daily post
    carries its kind's and its difficulty's tag, so it fails only when it may apply neither; warning at
    setup beats a failed post the next morning.
    """
    if not forum.flags.require_tag:
        return None
    usable = {tag.name.casefold() for tag in forum.available_tags if _may_apply(forum, tag)}
    kinds = [name for name in KIND_LABELS.values() if name.casefold() not in usable]
    levels = [name for name in DIFFICULTY_TAGS.values() if name.casefold() not in usable]
    if not kinds or not levels:
        return None
    moderated = {tag.name.casefold() for tag in forum.available_tags if not _may_apply(forum, tag)}
    locked = ", ".join(f"`{name}`" for name in (*kinds, *levels) if name.casefold() in moderated)
    absent = ", ".join(f"`{name}`" for name in (*kinds, *levels) if name.casefold() not in moderated)
    refused = f"⚠️ {forum.mention} requires a tag on every post, and"
    lines = []
    if locked:
        lines.append(f"{refused} its {locked} tags are for moderators only, so prompts of those kinds and "
                     "difficulties will be refused by Discord. Grant me **Manage Threads** there, let "
                     "members apply those tags, or turn off *Require tags*.")
    if absent:
        lines.append(f"{refused} it has no {absent} tags, so prompts of those kinds and difficulties will be "
                     "refused by Discord. Add the tags in the forum's settings (same names), grant me "
                     "**Manage Channels** there and run `/daily setup` again, or turn off *Require tags*.")
    return "\n".join(lines)


async def ensure_tags(forum: discord.ForumChannel, me: discord.Member) -> str | None:
    """Create the kind and difficulty tags the forum lacks; answer a line for the moderator, or None when all exist.

    Never raises: a forum without tags still takes the daily posts (unless it requires tags; the
    line then says which posts Discord will refuse).
    """
    line, forum = await _create_missing_tags(forum, me)
    refused = untaggable_warning(forum)
    return "\n".join(part for part in (line, refused) if part) or None


async def _create_missing_tags(forum: discord.ForumChannel,
                               me: discord.Member) -> tuple[str | None, discord.ForumChannel]:
    """The moderator's line about the tags, and the forum as it is afterwards (with any tags created)."""
    missing = missing_tags(forum)
    if not missing:
        return None, forum
    names = ", ".join(f"`{name}`" for name in missing)
    then = " Grant" if forum.flags.require_tag else " Posts go out untagged until then; grant"
    if not forum.permissions_for(me).manage_channels:
        return (f"⚠️ I cannot create the tags {names} in {forum.mention}: that needs **Manage Channels** there."
                f"{then} it and run `/daily setup` again, or add the tags "
                "yourself in the forum's settings (same names)."), forum
    room = FORUM_TAG_LIMIT - len(forum.available_tags)
    adding, left_out = missing[:max(room, 0)], missing[max(room, 0):]
    if adding:
        try:
            edited = await forum.edit(
                available_tags=[*forum.available_tags, *(discord.ForumTag(name=n) for n in adding)])
        except discord.HTTPException as error:
            log.warning("could not create forum tags in %s: %s", forum.id, error)
            return (f"⚠️ Discord refused the tags {names} in {forum.mention} ({error.text or error.status})"
                    + ("." if forum.flags.require_tag else "; posts go out untagged until they exist.")), forum
        forum = edited or forum
    created = ", ".join(f"`{name}`" for name in adding)
    line = f"Created the forum tags {created} in {forum.mention}, so past prompts can be found by kind and difficulty." \
        if adding else ""
    if left_out:
        skipped = ", ".join(f"`{name}`" for name in left_out)
        line += (f"\n⚠️ {forum.mention} already has {FORUM_TAG_LIMIT - room} tags and Discord allows "
                 f"{FORUM_TAG_LIMIT}, so {skipped} could not be added; remove unused tags and run `/daily setup` again.")
    return line.strip(), forum


async def find_forum_post(forum: discord.ForumChannel, post: DailyPost, since: datetime,
                          me: int, pace: Callable[[], Awaitable[object]]) -> discord.Thread | None:
    """The forum post an earlier attempt made for ``post``: the bot's thread of that name, made since ``since``.

    A forum post's first message carries the thread's id, so the thread is all that is needed.
    Active posts come from Discord's list of the guild's active threads, older ones from the
    forum's archived posts (newest first, so the search stops at the first archived before ``since``).
    """
    name = thread_name(post)
    earliest = since - timedelta(minutes=1)

    def ours(thread: discord.Thread) -> bool:
        return (thread.parent_id == forum.id and thread.owner_id == me and thread.name == name
                and discord.utils.snowflake_time(thread.id) >= earliest)

    await pace()
    found = next((t for t in await forum.guild.active_threads() if ours(t)), None)
    if found is not None:
        return found
    await pace()
    async for thread in forum.archived_threads(limit=100):
        if ours(thread):
            return thread
        if thread.archive_timestamp < earliest:
            break
    return None
