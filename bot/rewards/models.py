"""What role rewards are made of: mappings, grants, the facts about a role, and how Discord refuses (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RewardRow:
    reward: str
    role_id: int
    problem: str | None


@dataclass(frozen=True)
class Grant:
    user_id: int
    reward: str
    role_id: int
    pending: bool = False  # recorded before Discord was asked; unknown whether the member holds it


class RoleRefused(Exception):
    """Discord would not change the role (missing Manage Roles, or the role is above the bot's)."""


class MemberGone(Exception):
    """The member is no longer in the server."""


@dataclass(frozen=True)
class RoleFacts:
    """What Discord says about a role and the bot, gathered by the cog at setup."""

    bot_can_manage_roles: bool
    role_position: int
    bot_top_position: int
    role_is_managed: bool
    role_is_everyone: bool
    role_name: str
    bot_top_name: str


@dataclass(frozen=True)
class RoleKept:
    """A reward role Discord would not take back from a member whose data was deleted: where, and why, so
    they can ask that server's moderators."""

    guild_id: int
    role_id: int
    why: str


@dataclass(frozen=True)
class RolesTakenBack:
    """The reward roles a member's data deletion took back, and those Discord kept."""

    taken: int = 0
    kept: tuple[RoleKept, ...] = ()
    marked: frozenset[tuple[int, str, int]] = frozenset()  # (server, reward, role) of the grants marked pending
