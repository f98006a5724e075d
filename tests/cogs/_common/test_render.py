"""Rendering helpers shared by every cog."""

from __future__ import annotations

from cogs._common.render import counted


def test_a_count_takes_its_noun_in_the_number_it_needs() -> None:
    assert counted(1, "card") == "1 card"
    assert counted(0, "card") == "0 cards"
    assert counted(2, "server") == "2 servers"
    assert counted(3, "entry", "entries") == "3 entries"
    assert counted(1, "entry", "entries") == "1 entry"
