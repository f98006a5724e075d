"""How a day's post, its thread and the moderators' status look in Discord (the prompt card itself is shared)."""

from __future__ import annotations

import discord

from bot.content.models import Prompt
from bot.daily import DailyPost, DailyStatus, PostRecord
from cogs._common import (
    BRAND_COLOUR,
    counted,
    discord_timestamp,
    member_text,
    one_line,
    truncate,
    without_controls,
)
from cogs._common.prompts import KIND_LABELS, prompt_embed

DESCRIPTION_LIMIT = 4096  # an embed description's most

DIFFICULTY_TAGS = {"easy": "Easy", "medium": "Medium", "hard": "Hard"}  # forum tags: 20 characters at most
TAKE_PART = ("Press **Submit answer** below: your answer appears in this post's thread under your name and "
             "counts for your streak. Discuss the prompt in the thread.")


def post_title(day_number: int, prompt: Prompt) -> str:
    return truncate(one_line(f"Day {day_number} · {prompt.title}"), 256)


def post_embed(post: DailyPost) -> discord.Embed:
    embed = prompt_embed(post.prompt, title=post_title(post.day_number, post.prompt))
    # A pack's source heading has no length limit of its own: cut, it leaves the embed room for the prompt.
    footer = f"Day {post.day_number} · source: {truncate(str(post.prompt.source), 300)}"
    if post.low_warning:
        left = post.remaining_in_cycle
        footer += (" · the rotation starts over with the next post" if left == 0 else
                   f" · {counted(left, 'prompt')} left before the rotation starts over")
    embed.set_footer(text=truncate(footer, 2048))
    # Said in the post itself, so the thread needs no opening message of its own (one request fewer a day);
    # a prompt that already fills Discord's embed budget goes without it rather than being refused.
    if len(embed) + len("Take part") + len(TAKE_PART) <= 6000:
        embed.insert_field_at(len(embed.fields), name="Take part", value=TAKE_PART, inline=False)
    return embed


def thread_name(post: DailyPost | tuple[int, Prompt]) -> str:
    """The discussion thread's name: of a post, or of a (day number, prompt) already posted."""
    day_number, prompt = (post.day_number, post.prompt) if isinstance(post, DailyPost) else post
    return truncate(one_line(f"Day {day_number}: {prompt.title}"), 100)


def answer_message(user_id: int, *, edited: bool) -> str:
    return f"Answer from <@{user_id}>" + (" *(edited)*" if edited else "")


def answer_embed(body: str) -> discord.Embed:
    """A member's answer inside the bot's message: shown as their plain text, never as the bot's formatting.

    Escaping the markdown of a long answer can take it past the 4,096 characters of a description
    (each ``_`` of ``user_id`` becomes ``\\_``); such an answer is shown whole in a code block instead,
    where nothing is formatted and so nothing needs escaping (its backticks become look-alikes)."""
    escaped = member_text(body)
    if len(escaped) > DESCRIPTION_LIMIT:
        plain = without_controls(body).replace("`", "ˋ")
        escaped = truncate(f"```\n{plain}\n```", DESCRIPTION_LIMIT)
    return discord.Embed(description=escaped, colour=discord.Colour.dark_grey())


def _record_line(record: PostRecord) -> str:
    when = discord_timestamp(record.sent_at or record.claimed_at)
    where = f" in <#{record.channel_id}>"
    # A forum post's first message carries its thread's id; the post itself is the place to jump to.
    target = f"{record.thread_id}" if record.thread_id and record.thread_id == record.message_id \
        else f"{record.channel_id}/{record.message_id}"
    link = f" ([jump](https://discord.com/channels/{record.guild_id}/{target}))" if record.message_id else ""
    return f"Day {record.day_number}, {record.local_date:%a %d %b}{where}, {when}{link}"


def status_embed(status: DailyStatus) -> discord.Embed:
    schedule = status.schedule
    state = "Active" if schedule.enabled else "Paused (`/daily resume` to restart)"
    embed = discord.Embed(title="Daily prompts", colour=BRAND_COLOUR)
    embed.add_field(name="State", value=state)
    embed.add_field(name="Channel", value=f"<#{schedule.channel_id}>")
    embed.add_field(name="Time", value=f"{schedule.local_time:%H:%M} {schedule.zone.key}")
    embed.add_field(name="Role pinged", value=f"<@&{schedule.role_id}>" if schedule.role_id else "none")
    embed.add_field(name="Kinds", value=", ".join(KIND_LABELS[k] for k in sorted(schedule.kinds)))
    next_posts = "\n".join(f"{discord_timestamp(m, 'F')} ({discord_timestamp(m, 'R')})" for m in status.next_posts)
    embed.add_field(name="Next posts", value=next_posts or "none while paused", inline=False)
    rotation = f"{status.remaining_in_cycle} of {status.cycle_size} prompts left in this cycle"
    if status.low_warning:
        rotation += "\n⚠️ Fewer than 7 remain: the rotation then starts over with a new order."
    embed.add_field(name="Rotation", value=rotation, inline=False)
    embed.add_field(name="Last post", value=_record_line(status.last_post) if status.last_post else "none yet",
                    inline=False)
    problems = list(status.problems)
    if status.last_failure and status.last_failure.failure and status.last_failure.failure not in problems:
        problems.append(f"{status.last_failure.local_date:%a %d %b}: {status.last_failure.failure}")
    if problems:
        embed.add_field(name="⚠️ Problems", value=truncate("\n".join(f"• {p}" for p in problems), 1024),
                        inline=False)
    return embed
