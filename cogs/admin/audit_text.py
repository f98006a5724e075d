"""Audit entries in words a moderator reads at a glance: what happened, to what, from which value to which.

Stored values are JSON (so nothing is lost); here they become ``time 09:00 → 10:30`` and channel,
role and member mentions, which Discord shows as names to whoever reads them (and which never ping:
the audit reply allows no mentions). Nothing is cut mid-value: long lists are shortened whole. Text values
(a card's front, a prompt's title, a reason) may be a member's words: they show as typed, never as a masked
link or markdown that dresses them up as the bot's own notice.
"""

from __future__ import annotations

import json
from typing import Any

from bot.audit import AuditEntry
from cogs._common import discord_timestamp, member_text, truncate

ACTIONS = {
    "daily.setup": "set up the daily prompt", "daily.remove": "removed the daily prompt",
    "daily.pause": "paused the daily prompt", "daily.resume": "resumed the daily prompt",
    "daily.skip": "skipped a daily prompt", "daily.kinds": "chose the daily prompt kinds",
    "daily.add-prompt": "added a server prompt", "daily.post-now": "posted the daily prompt now",
    "quiz.setup": "set up the daily quiz", "quiz.remove": "removed the daily quiz",
    "quiz.pause": "paused the daily quiz", "quiz.resume": "resumed the daily quiz",
    "mock.schedule": "scheduled mock interviews", "mock.pair-now": "started a mock-interview round",
    "mock.cancel-round": "cancelled a mock-interview round", "streak.repair": "repaired a streak day for",
    "streak.announcements": "changed streak announcements", "review.channel": "chose the review channel",
    "review.edit-approve": "edited and approved a suggestion", "review.reject": "rejected a suggestion",
    "review.approve": "approved a suggestion", "review.revise": "edited a waiting suggestion",
    "settings.moderator_role": "named the moderator role", "settings.notices_channel": "chose the notices channel",
    "content.decks": "switched decks", "content.remove": "removed a server prompt or card",
    "content.edit": "edited a server prompt or card",
}
LABELS = {"close_hours": "closes after (hours)", "reveal_now": "reveal at once", "local_time": "time"}


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if "channel" in key and isinstance(value, int):
        return f"<#{value}>"
    if "role" in key and isinstance(value, int):
        return f"<@&{value}>"
    if key in ("member", "user", "user_id", "target") and isinstance(value, int):
        return f"<@{value}>"
    if isinstance(value, list):
        shown = ", ".join(str(v) for v in value[:6])
        return member_text(shown) + (f" and {len(value) - 6} more" if len(value) > 6 else "")
    return member_text(truncate(str(value), 80))


def _parse(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw  # a plain text value stored as is


def describe_change(old_raw: str | None, new_raw: str | None, subject: str = "") -> str:
    """``time 09:00 → 10:30, channel #daily``: changed keys with both values, new keys with their value."""
    old, new = _parse(old_raw), _parse(new_raw)
    if isinstance(old, dict) or isinstance(new, dict):
        old_map = old if isinstance(old, dict) else {}
        new_map = new if isinstance(new, dict) else {}
        parts = []
        for key in dict.fromkeys([*new_map, *old_map]):
            label = LABELS.get(key, key.replace("_", " "))
            before, after = old_map.get(key), new_map.get(key)
            if key not in new_map:
                if new is None:
                    parts.append(f"{label} was {_value(key, before)}")
            elif old is None or before == after:
                parts.append(f"{label} {_value(key, after)}")
            else:
                parts.append(f"{label} {_value(key, before)} → {_value(key, after)}")
        return ", ".join(parts)
    if old is None and new is None:
        return ""
    if old is None:
        return _value(subject, new)
    if new is None:
        return f"was {_value(subject, old)}"
    return f"{_value(subject, old)} → {_value(subject, new)}"


def audit_line(entry: AuditEntry) -> str:
    """One line: when, who, what (to whom), the change, and the reason given."""
    action = ACTIONS.get(entry.action, entry.action.replace(".", ": ").replace("-", " "))
    target = f" <@{entry.target_id}>" if entry.target_id else ""
    change = describe_change(entry.old_value, entry.new_value, entry.action.rsplit(".", 1)[-1])
    why = f" (reason: {member_text(truncate(entry.reason, 100))})" if entry.reason else ""
    return (f"{discord_timestamp(entry.created_at, 'f')} · <@{entry.actor_id}> {action}{target}"
            + (f": {change}" if change else "") + why)
