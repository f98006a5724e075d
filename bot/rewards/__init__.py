"""Role rewards for streak milestones and monthly leaders."""

from bot.rewards.models import Grant, MemberGone, RewardRow, RoleFacts, RoleRefused
from bot.rewards.service import REWARDS, RewardService, RolePublisher, setup_problems

__all__ = ["REWARDS", "Grant", "MemberGone", "RewardRow", "RewardService", "RoleFacts", "RolePublisher",
           "RoleRefused", "setup_problems"]
