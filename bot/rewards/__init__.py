"""Role rewards for streak milestones and monthly leaders."""

from bot.rewards.models import Grant, MemberGone, RewardRow, RoleFacts, RoleKept, RoleRefused, RolesTakenBack
from bot.rewards.release import still_taken_back, take_back_rewards
from bot.rewards.service import REWARDS, RewardService, RolePublisher, setup_problems

__all__ = ["REWARDS", "Grant", "MemberGone", "RewardRow", "RewardService", "RoleFacts", "RoleKept", "RolePublisher",
           "RoleRefused", "RolesTakenBack", "setup_problems", "still_taken_back", "take_back_rewards"]
