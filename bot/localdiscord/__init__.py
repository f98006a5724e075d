"""A local Discord for tests, the demo and benchmarks: the real discord.py client, offline."""

from bot.localdiscord.harness import BotDied, BotHarness
from bot.localdiscord.members import CommandForbidden, InteractionFailed, SimMember
from bot.localdiscord.patch import pointed_at
from bot.localdiscord.ratelimit import BucketRule
from bot.localdiscord.replies import Reply
from bot.localdiscord.server import LocalDiscord, RejectedRequest
from bot.localdiscord.state import SimChannel, SimGuild, SimMessage, SimRole
from bot.localdiscord.uploads import SimUpload, UploadRefused

__all__ = [
    "BotDied", "BotHarness", "BucketRule", "CommandForbidden", "InteractionFailed", "LocalDiscord", "RejectedRequest",
    "Reply", "SimChannel", "SimGuild", "SimMember", "SimMessage", "SimRole", "SimUpload", "UploadRefused",
    "pointed_at",
]
