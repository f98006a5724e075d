"""The demo's transcript shows a message as a member would see it."""

from bot.demo.transcript import render_payload


def test_a_greyed_out_button_is_shown_as_disabled() -> None:
    payload = {"content": "Page 1", "components": [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Previous", "custom_id": "p", "disabled": True},
        {"type": 2, "style": 2, "label": "Next", "custom_id": "n"}]}]}
    assert render_payload(payload).splitlines()[-1] == "  [Previous (disabled)] [Next]"
