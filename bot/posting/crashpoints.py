"""Named points between the steps of every durable flow, where the fault tests kill the bot.

A durable flow writes to the database and talks to Discord in several steps; the
process can die between any two of them. Each boundary is marked with
:func:`crash_point`. In production the call is a dictionary lookup and nothing else.
When the environment variable ``STUDYBOT_CRASH_AT`` names a point, the process sends
itself SIGKILL the first time it reaches that point: no ``finally`` blocks, no
flushing, exactly what a power cut or an OOM kill does to the bot. The fault sweep
(tests/faults/test_crash_sweep.py) runs every point listed in :data:`FLOWS`.
"""

from __future__ import annotations

import logging
import os
import signal
import sys

log = logging.getLogger(__name__)

ENVIRONMENT_VARIABLE = "STUDYBOT_CRASH_AT"

# Every durable flow and the boundaries inside it, in the order they are reached.
FLOWS: dict[str, tuple[str, ...]] = {
    "daily-post": ("daily.claimed", "daily.message-sent", "daily.thread-started", "daily.recorded"),
    "daily-forum-post": ("daily.claimed", "daily.forum-posted", "daily.recorded"),
    "quiz-post": ("quiz.claimed", "quiz.message-sent", "quiz.recorded"),
    "quiz-close": ("quiz.closed", "quiz.revealed"),
    # A quiz whose post a moderator deleted shows its answer in a message of its own before it is marked revealed.
    "quiz-close-deleted": ("quiz.closed", "quiz.results-posted", "quiz.revealed"),
    "daily-answer": ("answer.saved", "answer.posted", "answer.shown"),
    # An answer to a post that went without its thread (Create Public Threads missing then) starts it first.
    "daily-answer-late-thread": ("answer.saved", "answer.thread-started", "answer.posted", "answer.shown"),
    "day-highlight": ("highlight.claimed", "highlight.recorded"),
    "practice-answer": ("practice.saved",),
    "card-grade": ("grade.saved",),
    "card-undo": ("grade.undone",),
    "quiz-pick": ("pick.saved",),
    "mock-announce": ("mock.round-created", "mock.group-told", "mock.announced", "mock.announce-recorded",
                      "mock.left-out-told"),
    "mock-nudge": ("nudge.claimed", "nudge.sent"),
    "mock-departure": ("mock.departure-found", "mock.departure-told", "mock.brief-refreshed"),
    "mock-checkin": ("mock.checkin-claimed", "mock.checkin-posted"),
    "mock-outcome": ("outcome.saved",),
    "mock-noshow-pause": ("mock.noshow-paused", "mock.pause-told"),
    "mock-noshow-withdrawn": ("mock.noshow-withdrawn", "mock.resume-told"),
    "mock-noshow-disputed": ("mock.noshow-disputed", "mock.dispute-asked"),
    # A member silent in their last pairings is paused with the next round, then told (its "told" step is
    # mock.pause-told, shared with the no-show pause and swept for this flow too).
    "mock-silent-pause": ("mock.silent-paused",),
    "mock-feedback": ("feedback.saved", "feedback.shared"),
    "mock-proposal": ("meeting.proposed", "meeting.proposal-told"),
    "mock-confirmation": ("meeting.agreed", "meeting.confirmation-told"),
    "mock-cancellation": ("meeting.cancelled", "meeting.cancellation-told"),
    "mock-round-cancel": ("mock.round-cancelled", "mock.round-cancel-told"),
    "mock-reminder": ("reminder.claimed", "reminder.sent"),
    "streak-milestone": ("milestone.claimed", "milestone.announced"),
    "streak-reminder": ("streak-reminder.claimed", "streak-reminder.sent"),
    "streak-repair": ("repair.saved",),
    "backup": ("backup.written",),
    # A member's data is gone in one transaction; the messages posted for them follow on Discord, and the
    # moderators are told of any the bot can no longer reach before those leave the queue.
    "privacy-deletion": ("privacy.queued", "privacy.deleted", "privacy.told"),
    # Before that, the member's reward roles are taken back on Discord, their grants marked pending first.
    "privacy-roles": ("privacy.roles-taken",),
    "reward-grant": ("reward.pending", "reward.given"),
    # A server's join is recorded with its welcome owed, then the welcome is posted and marked posted.
    "welcome": ("welcome.owed", "welcome.posted"),
    "reward-removal": ("reward.taken",),
    "review-queue-post": ("review.queue-claimed", "review.queue-posted", "review.queue-recorded"),
    # A moderator's decision commits (with the item it approves), then its author is DMed and it is marked told;
    # a restart in between looks among the author's latest DMs before telling again.
    "suggestion-decision": ("review.decided", "review.author-dmed", "review.author-told"),
    # A notice for moderators is stored (the status commands show it from then on), posted, and marked told;
    # a restart between looks among the notices posted lately before telling again. The daily post and the
    # quiz share the first flow; a mock round kept from its channel has the second.
    "moderator-notice": ("notice.remembered", "notice.told"),
    "mock-channel-notice": ("mock.channel-notice-stored", "mock.channel-notice-told"),
    # The channel chosen for notices is saved with its introduction owed, then introduced and marked.
    "notices-intro": ("notices.intro-owed", "notices.intro-posted"),
}

ALL_POINTS: frozenset[str] = frozenset(point for points in FLOWS.values() for point in points)

_target = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()


def crash_point(name: str) -> None:
    """Die here with SIGKILL when the fault sweep asked for ``name``; otherwise do nothing."""
    if name not in ALL_POINTS:  # a typo would silently never fire
        raise ValueError(f"{name!r} is not a declared crash point; add it to FLOWS")
    if _target and name == _target:
        log.warning("crash point %s reached: killing the process", name)
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)
