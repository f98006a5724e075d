"""How streaks look: the member's card, the leaderboard and the help text."""

from __future__ import annotations

import discord

from bot.quiz import QuizRecord
from bot.streaks import FREEZE_EVERY, MAX_FREEZES, LeaderboardPage, Repaired, StreakProfile
from cogs._common import BRAND_COLOUR, truncate

BOARD_TITLES = {"current": "Current streaks", "best": "Best streaks", "month": "Active days this month",
                "helpful": "Contributors: Helpful marks this month"}
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def today_line(profile: StreakProfile, own: bool) -> str:
    state = profile.state
    if state.today_active:
        return "✅ Active today."
    if state.pending_freeze is not None:
        who = "Study" if own else "They can study"
        return (f"⏳ Not yet today. Yesterday is covered by a freeze. {who} today to keep the streak; "
                "otherwise it ends tonight.")
    if state.current > 0:
        who = "Study" if own else "They can study"
        return f"⏳ Not yet today. {who} today to make it {_days(state.current + 1)}."
    return "Not active today yet." + (" Answer today's prompt, review cards or take the quiz to start a streak."
                                      if own else "")


def quiz_record_text(record: QuizRecord) -> str:
    """The member's quizzes in this server whose answer they have seen: how many right, and their latest
    answers (oldest first)."""
    share = round(100 * record.right / record.answered)
    marks = "".join("✅" if right else "❌" for right in record.latest)
    return f"{record.right} of {record.answered} right ({share}%) · latest: {marks}"


def profile_embed(profile: StreakProfile, name: str, own: bool,
                  helpful: tuple[int, int] | None = None, quiz: QuizRecord | None = None) -> discord.Embed:
    state = profile.state
    embed = discord.Embed(title=truncate(f"{name}'s streak", 256), colour=BRAND_COLOUR)
    embed.add_field(name="Current", value=f"🔥 {_days(state.current)}")
    embed.add_field(name="Best", value=_days(state.best))
    embed.add_field(name="Freezes", value=f"🧊 {state.freezes} of {MAX_FREEZES}")
    embed.add_field(name="Today", value=today_line(profile, own), inline=False)
    if helpful is not None:
        ever, month = helpful
        embed.add_field(name="Helpful marks received", inline=False,
                        value=f"👍 {month} this month · {ever} in all" if ever else
                        "None yet: answers that teach others something get marked Helpful in the day's thread.")
    if quiz is not None and quiz.answered:
        embed.add_field(name="Daily quiz", inline=False, value=quiz_record_text(quiz))
    embed.set_image(url="attachment://heatmap.png")
    # The zone is the member's own setting, and says roughly where they live: someone else's profile is posted in
    # the channel, so it is named only to the member themselves.
    counted_in = f"Days are counted in {profile.zone.key} · " if own else ""
    footer = f"{counted_in}{profile.total_days} active days in all"
    reminder = profile.reminder
    if own and reminder is not None:
        if reminder.off_reason == "dms_closed":
            embed.add_field(name="Reminders", inline=False, value=(
                "Switched off: I could not DM you (your DMs are closed for this server). Allow direct messages "
                "from server members, then turn them back on with `/streak remind on`."))
        elif reminder.enabled:
            footer += f" · reminder at {reminder.hour:02d}:00"
    embed.set_footer(text=footer)
    return embed


def leaderboard_embed(page: LeaderboardPage, guild_name: str) -> discord.Embed:
    title = BOARD_TITLES[page.board]
    if page.board in ("month", "helpful"):
        title += f" ({page.month})"
    lines = [f"{MEDALS.get(e.rank, f'`#{e.rank}`')} <@{e.user_id}> · **{e.score}**" for e in page.entries]
    embed = discord.Embed(title=truncate(f"{title} · {guild_name}", 256), colour=BRAND_COLOUR,
                          description="\n".join(lines) or "Nobody yet. Be the first: answer today's prompt.")
    if page.caller_rank is not None:
        embed.add_field(name="You", value=f"#{page.caller_rank} with **{page.caller_score}**")
    else:
        embed.add_field(name="You", value="Not on this board yet.")
    embed.set_footer(text=f"Page {page.page + 1} of {page.pages}")
    return embed


def help_embed() -> discord.Embed:
    embed = discord.Embed(title="How streaks work", colour=BRAND_COLOUR)
    embed.description = "\n".join([
        "**A day counts** when you submit a daily-prompt answer, review flashcards, answer the quiz or "
        "complete a mock interview.",
        "**Your day** runs midnight to midnight in your timezone (`/streak timezone`), else the server's. "
        "Changing it never adds or removes a day you already have; after a move west, a day you were "
        "already active on counts as today until your clock reaches it.",
        "**Current streak**: active days in a row up to today or yesterday. Today not done yet never breaks it.",
        f"**Freezes** 🧊: every {FREEZE_EVERY} active days in a streak earn one; you hold at most {MAX_FREEZES}. "
        "A single missed day between active days is covered automatically (shown blue on the heatmap). "
        "Two missed days in a row end the streak; freezes you hold stay with you.",
        "**Milestones** at 7, 30, 100 and 365 days are celebrated once in the server.",
        "**Reminders**: `/streak remind on 20` sends one DM at 20:00 your time on days you have not studied, "
        "when your streak is at least 2.",
        "**Leaderboards**: `/leaderboard current|best|month|contributors`; *month* counts your active days in the "
        "server's current month, each on your own calendar, so anyone can top it; *contributors* counts the "
        "Helpful marks your answers got this month.",
    ])
    return embed


def repair_text(day: str, member: discord.abc.User, repaired: Repaired) -> str:
    """The moderator's answer to a repair, naming any freeze it spent: the member held it, and loses it to a
    missed day the repaired one turned into a single gap, which neither of them would otherwise notice."""
    state = repaired.state
    text = f"Marked {day} active for {member.mention}. Their streak is now **{state.current}** (best {state.best})."
    if repaired.freezes_spent_on:
        spent = ", ".join(d.isoformat() for d in repaired.freezes_spent_on)
        plural = "s" if len(repaired.freezes_spent_on) > 1 else ""
        text += (f" This spent a freeze{plural} on {spent}, the missed day{plural} beside it; "
                 f"they now hold {state.freezes} of {MAX_FREEZES}.")
    return f"{text} Recorded in the audit log."
