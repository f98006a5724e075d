"""What mock interviews show outside an interaction; the mock extension implements it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from bot.mock.models import Delivery, Group, GroupBrief, GroupMember, Round, TimePlan


class ShareFailed(Exception):
    """Discord did not take a feedback message (or a reminder); ``transient`` when trying again later may work."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class MockPublisher(Protocol):
    async def members_present(self, guild_id: int, user_ids: Sequence[int]) -> set[int]:
        """Which of ``user_ids`` Discord says are members of the server now (the bot is never told of
        members leaving). Raises when Discord could not be asked; the caller then assumes everyone is."""
    async def deliver_group(self, round: Round, group: Group, brief: GroupBrief) -> Delivery: ...
    async def announce(self, round: Round, groups: list[Group]) -> int | None: ...
    async def channel_problem(self, round: Round) -> str | None:
        """What keeps the round from its channel (gone, or a permission the bot lacks there) and what that
        means for its members, in a moderator's words; None when nothing does or it cannot be judged here."""
    async def notify_moderators(self, guild_id: int, text: str, look_first: bool = False) -> bool:
        """Tell the server's moderators ``text`` where they read the bot's notices, unless (``look_first``) it is
        among the notices posted lately; whether it is there."""
    async def find_announcement(self, round: Round) -> int | None: ...
    async def checkin(self, round: Round, group: Group, status: str) -> int | None: ...
    async def find_checkin(self, round: Round, group: Group) -> int | None:
        """The group's check-in if an interrupted attempt already posted it in the group's thread."""
    async def tell_round_cancelled(self, round: Round, group: Group, *, fresh: bool) -> None:
        """Tell ``group`` that a moderator cancelled ``round`` and close its brief. Unless ``fresh`` (cancelled
        just now, so nothing was sent before), not again where the thread or a member's DMs already say it."""
    async def dm(self, user_id: int, text: str) -> bool: ...
    async def tell_paused(self, user_id: int, *, fresh: bool, reason: str = "no-show") -> None:
        """DM a member that two reported absences in a row (``reason`` "no-show") or pairings they never answered
        ("silent") paused them; unless ``fresh`` (paused just now), not again when their DMs already say so."""
    async def tell_resumed(self, user_id: int, *, fresh: bool) -> None:
        """DM a member that the withdrawn report lifted their pause; as :meth:`tell_paused`."""
    async def ask_to_withdraw(self, round: Round, group: Group, reporter_id: int, absent_id: int) -> None:
        """DM ``reporter_id`` that ``absent_id`` says they met, and how to withdraw the report; not again when
        their DMs already hold that request (always read: a dispute pressed before disputes were recorded
        may have asked already). Discord failing for a moment raises a transient :class:`ShareFailed`."""
    async def tell_departure(self, round: Round, group: Group, gone: Sequence[GroupMember],
                             called_off: bool, times_open: int | None = None) -> int | None:
        """Tell ``group`` (only the members still in it) that ``gone`` left the server, and, before a time is
        agreed, how many times their picker offers (``times_open``); the message's id in the group's thread,
        None when told by DM (where each member's DMs are looked through before sending)."""
    async def find_departure(self, round: Round, group: Group, called_off: bool) -> int | None:
        """That message, if an interrupted attempt already posted it in the group's thread."""
    async def refresh_brief(self, round: Round, group: Group, gone: Sequence[GroupMember], plan: TimePlan) -> None:
        """Edit the brief in the group's thread to show ``group`` (those still in it, with their parts) and
        ``plan``; nothing for a group told by DM. The same edit again changes nothing."""
    async def tell_left_out(self, round: Round, user_id: int) -> None:
        """DM a member the round could not place, unless their DMs already hold that message. Discord failing for
        a moment raises a transient :class:`ShareFailed`; a refusal (closed DMs) is logged."""
    async def tell_alone(self, user_id: int, day: date) -> None:
        """DM the only member taking part that the scheduled round of ``day`` (the server's date) did not start,
        unless their DMs already hold that message (a transient :class:`ShareFailed` as :meth:`tell_left_out`)."""
    async def post_feedback(self, group: Group, from_id: int, to_id: int, scores: tuple[int, int, int],
                            note: str | None, *, replacing: tuple[int, int] | None = None) -> tuple[int, int] | None:
        """Post the feedback (or edit the message it ``replaces``); return (channel, message), None if nowhere.

        Raises :class:`ShareFailed` when Discord refuses it."""

    async def find_feedback(self, group: Group, from_id: int, to_id: int, scores: tuple[int, int, int],
                            note: str | None) -> tuple[int, int] | None:
        """Where this very feedback was posted before a crash, if it was."""
