"""Role rewards for streak milestones and monthly leaders."""

from bot.rewards.service import (
    REWARDS,
    MemberGone,
    RewardService,
    RoleFacts,
    RolePublisher,
    RoleRefused,
    setup_problems,
)

__all__ = ["REWARDS", "MemberGone", "RewardService", "RoleFacts", "RolePublisher", "RoleRefused", "setup_problems"]
