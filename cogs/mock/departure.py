"""What a group that lost a member reads: the message telling them, and their brief brought up to date.

The brief is the first thing a group opens in its thread; once a member has left, it shows who is still in
the interview with which part and when to meet, so it never sends anyone looking for a member who is gone.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.mock import PAIR_MINUTES, Group, GroupMember, Round, TimePlan
from cogs._common import BRAND_COLOUR, discord_timestamp
from cogs.mock.embeds import brief_content

TIMES_LISTED = 10  # the picker offers up to 25; the brief lists the first of them


def departure_heading(round_: Round, called_off: bool) -> str:
    """How the message about a member who left the server begins: what a restart looks for in the thread."""
    return f"👋 Round {round_.number}: " + ("your partner" if called_off else "a member of your group")


def departure_text(round_: Round, staying: Group, gone: Sequence[GroupMember], called_off: bool,
                   times_open: int | None = None) -> str:
    """Plain words for those still in the group: the interview is off (and they come first next time), or
    the others carry on as a pair, the observer taking the part of whoever left, and (no time agreed yet,
    ``times_open`` not None) what to press next."""
    heading = departure_heading(round_, called_off)
    if called_off:
        return (f"{heading}{'s' * (len(gone) > 1)} left the server, so this interview is off; its event and "
                "reminders are gone. You stay signed up and come first in the next round you take part in.")
    text = f"{heading} left the server, so you carry on as a pair, for {PAIR_MINUTES} minutes."
    # The observer already holds the part of whoever left (stored with the departure): name them.
    parts = [m.role for m in gone if m.role != "observer"]
    taker = next((m for m in staying.members if parts and m.role == parts[0]), None)
    if taker is not None:
        text += f" <@{taker.user_id}>, you take the {parts[0]}'s part."
    if times_open:
        text += f" **Pick times** now offers {times_open} time{'s' * (times_open > 1)} for the two of you."
    elif times_open == 0:
        text += " **Pick times** has no time left for the two of you: press **Propose another time** to suggest one."
    return text


def brief_after_departure(round_: Round, staying: Group, gone: Sequence[GroupMember],
                          plan: TimePlan) -> tuple[str, discord.Embed]:
    """The brief's text and its "When to meet" embed for the group as it now is (its prompt stays)."""
    named = [f"<@{m.user_id}>" for m in gone]
    left = " and ".join(named) if len(named) < 3 else ", ".join(named[:-1]) + " and " + named[-1]
    embed = discord.Embed(title="When to meet", colour=BRAND_COLOUR)
    if plan.status == "off":
        people = " ".join(f"<@{m.user_id}>" for m in staying.members)
        content = (f"{people}: mock interview round {round_.number} is off for your group, because {left} left "
                   "the server. You stay signed up and come first in the next round you take part in.")
        embed.description = "This interview is off: there is no time to agree."
        return content, embed
    lines = [f"👋 {left} left the server, so you carry on as a pair, for {PAIR_MINUTES} minutes."]
    if plan.status == "agreed" and plan.agreed_at is not None:
        lines.append(f"You meet {discord_timestamp(plan.agreed_at, 'F')} ({discord_timestamp(plan.agreed_at, 'R')}); "
                     "the Discord event and your reminders have the time.")
    elif plan.status == "open" and plan.times:
        lines.append("Times you can pick now (shown in your own timezone):")
        lines += [f"• {discord_timestamp(start, 'F')} – {discord_timestamp(end, 't')}"
                  for start, end in plan.times[:TIMES_LISTED]]
        if len(plan.times) > TIMES_LISTED:
            lines.append(f"…and {len(plan.times) - TIMES_LISTED} more under **Pick times**.")
        lines.append("\nPress **Pick times** and tick every one that works for you; the first time you both tick is "
                     "confirmed, with a Discord event and reminders.")
    elif plan.status == "open":
        lines.append("No time left in this round suits you both: press **Propose another time**. Change your "
                     "availability with `/mock edit`.")
    else:
        lines.append("The time for agreeing a meeting in this round is over.")
    embed.description = "\n".join(lines)
    embed.set_footer(text="The interviewer can open the rubric with the button below.")
    return brief_content(round_, staying), embed
