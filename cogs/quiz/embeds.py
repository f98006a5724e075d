"""How the quiz post, its reveal and the status look."""

from __future__ import annotations

import discord

from bot.quiz import LETTERS, QuizOverview, QuizPost, QuizResults
from cogs._common import BRAND_COLOUR, discord_timestamp, member_text, truncate


def hours_text(hours: int) -> str:
    """How long a quiz stays open, in words: a quiz may be open for a single hour."""
    return f"{hours} hour{'s' * (hours != 1)}"


def quiz_title(post: QuizPost) -> str:
    return f"Quiz #{post.number} · {post.local_date:%a %d %b}"


def _plain(text: str, limit: int) -> str:
    """A quiz's question and options as plain text: the options beside a card's own wrong answers are other cards'
    answers, any of which a member may have suggested (and the moderators reviewed as plain text), and an option
    shown differently from the others would give the answer away."""
    return member_text(truncate(text, limit))


def quiz_embed(post: QuizPost) -> discord.Embed:
    lines = [f"**{_plain(post.question, 300)}**", ""]
    lines += [f"**{LETTERS[i]}.** {_plain(option, 900)}" for i, option in enumerate(post.options)]
    when = "You will see right or wrong as you answer." if post.reveal_now else "Answers are revealed at the close."
    lines += ["", f"One answer each; your first click counts. Closes {discord_timestamp(post.closes_at, 'R')}. {when}"]
    return discord.Embed(title=quiz_title(post), description="\n".join(lines)[:4096], colour=BRAND_COLOUR)


def results_embed(results: QuizResults) -> discord.Embed:
    post = results.post
    lines = [f"**{_plain(post.question, 300)}**", ""]
    for i, option in enumerate(post.options):
        mark = "✅" if i == post.correct else "▫️"
        lines.append(f"{mark} **{LETTERS[i]}.** {_plain(option, 800)} · **{results.counts[i]}**")
    share = f"{results.right} of {results.total} got it right." if results.total else "Nobody answered this one."
    lines += ["", f"Closed. The answer is **{LETTERS[post.correct]}**. {share}"]
    if results.source is not None:
        lines.append(f"📖 Re-read it in the study document: {truncate(results.source, 300)}.")
    embed = discord.Embed(title=quiz_title(post) + " · closed", description="\n".join(lines)[:4096],
                          colour=discord.Colour.green())
    return embed


def overview_embed(overview: QuizOverview) -> discord.Embed:
    schedule = overview.schedule
    embed = discord.Embed(title="Daily quiz", colour=BRAND_COLOUR)
    embed.add_field(name="State", value="Active" if schedule.enabled else "Paused")
    embed.add_field(name="Channel", value=f"<#{schedule.channel_id}>")
    embed.add_field(name="Time", value=f"{schedule.local_time:%H:%M} {schedule.zone.key}")
    embed.add_field(name="Open for", value=hours_text(schedule.close_hours))
    embed.add_field(name="Right or wrong", value="told at once" if schedule.reveal_now else "told at the close")
    embed.add_field(name="Cards left in this cycle", value=str(overview.left_in_cycle))
    if overview.next_posts:
        embed.add_field(name="Next quizzes", inline=False,
                        value="\n".join(discord_timestamp(m, "F") for m in overview.next_posts))
    if overview.last:
        embed.add_field(name="Last quiz", inline=False,
                        value=f"#{overview.last.number} on {overview.last.local_date:%a %d %b} ({overview.last.status})")
    if overview.hard_topics:
        embed.add_field(name="Topics members get wrong most (30 days)", inline=False, value="\n".join(
            f"• **{hard.topic}** · {hard.share:.0%} of {hard.asked} answers right" for hard in overview.hard_topics))
    if schedule.failure_notice:
        embed.add_field(name="⚠️ Problem", value=truncate(schedule.failure_notice, 1024), inline=False)
    return embed
