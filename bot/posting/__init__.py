"""Scheduled posts made exactly once: the shared flow, occurrence keys, retries and crash points."""

from bot.posting.crashpoints import FLOWS, crash_point
from bot.posting.flow import OVERDUE_AFTER, overdue, publish_once, tell_moderators_once
from bot.posting.occurrence import day_bounds, free_label, next_times, starts_from

__all__ = ["FLOWS", "OVERDUE_AFTER", "crash_point", "day_bounds", "free_label", "next_times", "overdue", "publish_once",
           "starts_from", "tell_moderators_once"]
