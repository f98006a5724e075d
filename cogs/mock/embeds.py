"""How a mock-interview round looks: the group brief, status, history and stats."""

from __future__ import annotations

import discord

from bot.mock import (
    RECENT_RATINGS,
    SILENT_ROUNDS,
    Group,
    GroupBrief,
    Meeting,
    MockStats,
    RatingsReceived,
    Round,
    Signup,
    StartedRound,
)
from cogs._common import BRAND_COLOUR, discord_timestamp, member_text, one_line, person, truncate
from cogs._common.prompts import prompt_embed

ROLE_ICONS = {"interviewer": "🎤 Interviewer", "candidate": "🧑‍💻 Candidate", "observer": "👀 Observer"}
OUTCOME_LABELS = {"met": "met ✅", "noshow": "no-show ❌", "missed": "could not make it", None: "not reported"}


PAUSED_LISTED = 20  # members named in the moderator's reply; more are counted (a message holds 2,000 characters)


def round_started_text(started: StartedRound, groups: int) -> str:
    """The moderator's answer to pair-now, naming whom the round paused for never answering: they no longer
    appear in rounds, and the moderator may know why they went quiet."""
    round_ = started.round
    text = (f"Round {round_.number} started: {groups} group{'s' * (groups != 1)}. It ends "
            f"{discord_timestamp(round_.ends_at, 'F')}.")
    paused = started.paused_silent
    if paused:
        named = ", ".join(f"<@{user_id}>" for user_id in paused[:PAUSED_LISTED])
        more = f" and {len(paused) - PAUSED_LISTED} more" if len(paused) > PAUSED_LISTED else ""
        text += (f"\n\nPaused for not answering their last {SILENT_ROUNDS} pairings: {named}{more}. Each was told "
                 "by DM and can rejoin with `/mock join`.")
    return text


def today_round_text(too_few: bool) -> str:
    """The schedule reply's word on today's round, moved to a time already past: it starts now, unless fewer than
    two members are free to take part (then the moderator should not wait for an announcement)."""
    if too_few:
        return ("Today's round time has already passed and today's round has not started, but fewer than two members "
                "are free to take part, so no round starts today.")
    return "Today's round time has already passed and today's round has not started, so it starts now."


def thread_name(round_: Round, group: Group) -> str:
    return one_line(f"Mock #{round_.number} · group {group.position}")


def roles_text(group: Group) -> str:
    return "\n".join(f"{ROLE_ICONS[m.role]}: <@{m.user_id}>" for m in group.members)


def brief_content(round_: Round, group: Group) -> str:
    people = " ".join(f"<@{m.user_id}>" for m in group.members)
    kind = "trio" if len(group.members) == 3 else "pair"
    return (f"{people}: you are a {kind} for mock interview round {round_.number}.\n{roles_text(group)}\n"
            f"Agree a time with **Pick times** (or propose one), meet before "
            f"{discord_timestamp(round_.ends_at, 'F')}, then press **We met**.")


def brief_embeds(round_: Round, group: Group, brief: GroupBrief) -> list[discord.Embed]:
    embeds = []
    if brief.prompt is not None:
        embed = prompt_embed(brief.prompt, title=truncate(f"Your prompt · {brief.prompt.title}", 256))
        embeds.append(embed)
    plan = discord.Embed(title="When to meet", colour=BRAND_COLOUR)
    if brief.times:
        plan.description = "Suggested times when you are all free (shown in your own timezone):\n" + "\n".join(
            f"• {discord_timestamp(start, 'F')} – {discord_timestamp(end, 't')}" for start, end in brief.times)
        plan.description += ("\n\nPress **Pick times** and tick every one that works for you; the first time "
                             "everyone ticks is confirmed, with a Discord event and reminders.")
    else:
        plan.description = ("Your availability does not overlap this round: press **Propose another time**. "
                            "Change yours with `/mock edit`.")
    if len(group.members) == 3:
        plan.add_field(name="A trio", value="Take turns: the observer watches and gives feedback, and swaps in if "
                                            "you have time for a second interview.", inline=False)
    plan.set_footer(text="The interviewer can open the rubric with the button below.")
    embeds.append(plan)
    return embeds


def agreed_plan(meeting: Meeting) -> discord.Embed:
    """The brief's "When to meet" once a time is agreed (or moved): the time itself, not the suggestions."""
    assert meeting.starts_at is not None
    plan = discord.Embed(title="When to meet", colour=BRAND_COLOUR)
    plan.description = (f"✅ Agreed: {discord_timestamp(meeting.starts_at, 'F')} "
                        f"({discord_timestamp(meeting.starts_at, 'R')}), {meeting.minutes} minutes. The Discord event "
                        "and your reminders have the time; **Reschedule** or **Cancel interview** under the "
                        "confirmation below change it.")
    plan.set_footer(text="The interviewer can open the rubric with the button below.")
    return plan


def cancelled_plan(meeting: Meeting) -> discord.Embed:
    """The brief's "When to meet" once a member cancelled: its buttons go, since nothing is left to agree."""
    plan = discord.Embed(title="When to meet", colour=BRAND_COLOUR)
    plan.description = (f"✖️ Cancelled by {person(meeting.cancelled_by)}: this interview is off, with its event and "
                        "reminders. A moderator can pair you again this round with pair-now.")
    return plan


def round_cancelled_plan(round_: Round, met: bool = False) -> discord.Embed:
    """The brief's "When to meet" once a moderator cancelled the round: nothing is left to agree, and only a
    group that had already met has anything left to report (its feedback)."""
    after = ("you had already met, so your interview still counts and your feedback stays open." if met else
             "no need to meet. Your sign-up stands for the next round.")
    return discord.Embed(title="When to meet", colour=BRAND_COLOUR,
                         description=f"✖️ Round {round_.number} was cancelled by a moderator: {after}")


def signup_embed(signup: Signup, title: str) -> discord.Embed:
    embed = discord.Embed(title=title, colour=BRAND_COLOUR)
    embed.add_field(name="Role", value=signup.role)
    embed.add_field(name="Level", value=signup.level)
    embed.add_field(name="Timezone", value=signup.timezone)
    embed.add_field(name="Availability", value=truncate(signup.availability, 1024), inline=False)
    state = signup.status
    if signup.status == "active" and signup.skip_rounds:
        state = f"active, sitting out the next {signup.skip_rounds} round(s)"
    if signup.status == "paused" and signup.pause_reason == "no-show":
        state = "paused after two missed interviews: `/mock join` to come back"
    if signup.status == "paused" and signup.pause_reason == "silent":
        state = "paused after three pairings with no answer from you: `/mock join` to come back"
    embed.add_field(name="Status", value=state, inline=False)
    return embed


RATED_ON = ("Communication", "Depth", "Tradeoffs")


def _trend(now: float, before: float) -> str:
    change = now - before
    return f"↑ {change:.1f}" if change >= 0.05 else f"↓ {-change:.1f}" if change <= -0.05 else "="


def ratings_text(ratings: RatingsReceived) -> str:
    """``/mock status``'s line on the ratings partners gave the member: averages, then the latest against the
    ones before them (each shared with the member already)."""
    plural = "s" * (ratings.count != 1)
    text = f"{ratings.count} rating{plural}, out of 5: " + " · ".join(
        f"{name} {value:.1f}" for name, value in zip(RATED_ON, ratings.average, strict=True))
    if ratings.recent is not None and ratings.earlier is not None:
        text += f"\nYour last {RECENT_RATINGS} against the ones before: " + " · ".join(
            f"{name} {now:.1f} ({_trend(now, before)})"
            for name, now, before in zip(RATED_ON, ratings.recent, ratings.earlier, strict=True))
    return text


def interview_stands_text(round_: Round, group: Group, user_id: int) -> str:
    """Told with `/mock leave` or `/mock pause`, which change only later rounds: the interview already paired
    still stands, so the others are not left waiting for a member who thinks they are out."""
    others = ", ".join(f"<@{m.user_id}>" for m in group.members if m.user_id != user_id)
    where = f" in <#{group.thread_id}>" if group.thread_id else " (see your DMs)"
    return (f"Your round {round_.number} interview with {others}{where} still stands: they are expecting you. "
            "If you will not take part, press **Cancel interview** so they are told and can be paired again.")


def current_round_text(round_: Round, group: Group, meeting: Meeting | None) -> str:
    """``/mock status``'s line on this round: the roles and where to meet, or that the interview is off."""
    where = f"<#{group.thread_id}>" if group.thread_id else "your DMs"
    if meeting is not None and meeting.status == "cancelled":
        reason = truncate(member_text(meeting.cancel_reason or ""), 200)  # none once its writer deleted it
        said = f": {reason}" if reason else "."
        return (f"Called off by {person(meeting.cancelled_by)}{said}\nSee {where}; you stay signed up for the "
                "next round.")
    text = roles_text(group)
    if meeting is not None and meeting.status == "agreed" and meeting.starts_at is not None:
        text += f"\nMeeting {discord_timestamp(meeting.starts_at, 'F')}."
    return f"{text}\nIn {where}; ends {discord_timestamp(round_.ends_at, 'R')}."


def absence_label(group: Group, viewer: int | None, absent: frozenset[int]) -> str:
    """A reported absence as ``viewer`` (None: a moderator) sees it: who did not show, not the group's outcome,
    which in a trio is no one's own. The viewer reported absent reads a no-show; one who came with another
    member (a trio's other two) reads that they met."""
    if viewer in absent:
        return OUTCOME_LABELS["noshow"]
    came = sum(m.user_id not in absent for m in group.members) >= 2
    met = "met ✅, " if group.outcome == "met" or (came and viewer is not None) else ""
    return f"{met}no-show: {', '.join(f'<@{u}>' for u in sorted(absent))} ❌"


def history_line(round_: Round, group: Group, viewer: int | None, departed: frozenset[int] = frozenset(),
                 meeting: Meeting | None = None, absent: frozenset[int] = frozenset()) -> str:
    """One past group; a member who left the server during the round is named as having left, not by a part.
    A cancelled round's group that had not met reads as cancelled, and so does an interview a member called off
    or one that found no time, not as an interview nobody reported; a reported absence names who was absent."""
    people = ", ".join(f"<@{m.user_id}> ({'left the server' if m.user_id in departed else m.role})"
                       for m in group.members if m.user_id != viewer)
    status = meeting.status if meeting is not None and group.outcome is None else None
    outcome: str | None
    if round_.status == "cancelled" and group.outcome != "met":
        outcome = "round cancelled"
    elif status == "cancelled" and meeting is not None:
        outcome = f"cancelled by {'you' if meeting.cancelled_by == viewer else person(meeting.cancelled_by)}"
    elif absent and group.outcome in ("noshow", "met"):
        outcome = absence_label(group, viewer, absent)
    else:
        outcome = "no time found" if status == "no-time" else OUTCOME_LABELS.get(group.outcome, group.outcome)
    return f"Round {round_.number} · {discord_timestamp(round_.starts_at, 'd')} · {people} · {outcome}"


def stats_embed(stats: MockStats) -> discord.Embed:
    embed = discord.Embed(title="Mock interviews", colour=BRAND_COLOUR)
    embed.add_field(name="Participants", value=str(stats.participants))
    embed.add_field(name="Rounds", value=str(stats.rounds))
    embed.add_field(name="Groups that met", value=f"{stats.met} of {stats.groups}")
    embed.add_field(name="No-shows reported", value=str(stats.noshows))
    embed.add_field(name="Agreed a time", value=str(stats.agreed))
    embed.add_field(name="Cancelled", value=str(stats.cancelled))
    embed.add_field(name="No time found", value=str(stats.no_time))
    members, total = stats.excluding
    embed.add_field(name="Never-pair exclusions", value=f"{total} set by {members} member{'s' * (members != 1)}")
    noshows, silent = stats.paused_by_bot
    embed.add_field(name="Paused by the bot", value=f"{noshows} after two no-shows · {silent} who never answered")
    if stats.ratings:
        communication, depth, tradeoffs = stats.ratings
        embed.add_field(name=f"Average ratings ({stats.feedback_count})", inline=False,
                        value=f"Communication {communication:.1f} · Depth {depth:.1f} · Tradeoffs {tradeoffs:.1f}")
    return embed
