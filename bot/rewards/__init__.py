"""Role rewards for streak milestones and monthly leaders."""

from bot.rewards.service import REWARDS, MemberGone, RewardService, RoleFacts, RolePublisher, RoleRefused

__all__ = ["REWARDS", "MemberGone", "RewardService", "RoleFacts", "RolePublisher", "RoleRefused"]
