"""Audit values read as words and mentions, never raw JSON; CSV names are safe in a spreadsheet."""

from __future__ import annotations

import json

from bot.admin import spreadsheet_safe
from cogs.admin.audit_text import describe_change


def test_changed_settings_read_as_before_and_after_with_channel_mentions() -> None:
    old = json.dumps({"channel": 11, "time": "09:00", "timezone": "Europe/Berlin", "role": None})
    new = json.dumps({"channel": 12, "time": "10:30", "timezone": "Europe/Berlin", "role": 5})
    assert describe_change(old, new) == ("channel <#11> → <#12>, time 09:00 → 10:30, timezone Europe/Berlin, "
                                         "role none → <@&5>")


def test_first_setup_removal_and_plain_values() -> None:
    assert describe_change(None, json.dumps({"time": "09:00", "enabled": True})) == "time 09:00, enabled on"
    assert describe_change(json.dumps({"time": "09:00"}), None) == "time was 09:00"
    assert describe_change("true", "false") == "on → off"
    assert describe_change(None, json.dumps(list(range(10)))) == "0, 1, 2, 3, 4, 5 and 4 more"


def test_names_that_look_like_formulas_are_quoted() -> None:
    assert spreadsheet_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert spreadsheet_safe("ada") == "ada"
