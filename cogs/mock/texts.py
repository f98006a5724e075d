"""What the mock-interview messages say where a restart looks for them: the headings it searches a thread or
a member's DMs by, and the fixed texts sent once."""

from __future__ import annotations

from datetime import date

from bot.mock import Round
from cogs._common import quoted_member_text


def announcement_heading(round_: Round) -> str:
    return f"🎙️ **Mock interview round {round_.number}**"


def left_out_text(round_: Round) -> str:
    return (f"Round {round_.number} of mock interviews started, but nobody you can be paired with was free "
            "this time. You stay signed up and come first in the next round you take part in.")


def alone_text(day: date) -> str:
    return (f"No mock-interview round started on {day:%a} {day.day} {day:%b}: you were the only member taking part, "
            "so there was nobody to pair you with. You stay signed up for the next round.")


def nudge_heading(round_: Round) -> str:
    """How every mid-round nudge begins: what a restart looks for."""
    return f"⏳ Round {round_.number} ends"


def checkin_heading(round_: Round) -> str:
    """How every check-in begins: what a restart looks for in the thread."""
    return f"Round {round_.number} is ending"


PAUSED_FOR_NOSHOWS = ("You were reported absent from your last two mock interviews, so I have paused you. Rejoin "
                      "any time with `/mock join` in the server.")
PAUSED_FOR_SILENCE = ("Your last three mock-interview pairings ended without a word from you (no time picked, no "
                      "report, no feedback), so I have paused you rather than leave another partner waiting. "
                      "Rejoin any time with `/mock join` in the server.")
# Sent for a "We met" or a "We couldn't make it" alike: either takes the report back.
RESUMED_AFTER_WITHDRAWAL = ("Your partner withdrew the report that you missed your mock interview, so you are no "
                            "longer paused from mock interviews. You are paired again next round.")
NOT_MET_BEFORE_CANCEL = "No need to meet; see you next round."
MET_BEFORE_CANCEL = ("You had already met, so your interview still counts. Press **We met** on your brief for "
                     "the feedback forms.")


def round_cancelled_heading(round_: Round) -> str:
    """How the message telling a group of a cancelled round begins: what a restart looks for."""
    return f"✖️ Round {round_.number} was cancelled by a moderator."


def feedback_text(from_id: int, to_id: int, scores: tuple[int, int, int], note: str | None) -> str:
    communication, depth, tradeoffs = scores
    text = (f"📝 Feedback for <@{to_id}> from <@{from_id}>: communication {communication}/5, technical depth "
            f"{depth}/5, tradeoff reasoning {tradeoffs}/5.")
    if note:
        text += "\n" + quoted_member_text(note)
    return text
