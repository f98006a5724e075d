"""/rewards set|clear|status: which roles streak milestones and last month's leaders earn."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.errors import UserFacingError
from bot.rewards import REWARDS, RewardService, setup_problems
from cogs._common import in_servers, no_pings
from cogs._common.authority import Audience, declared
from cogs._common.confirm import ask_before_removing
from cogs._common.lifecycle import load_service, unload_service
from cogs.rewards.embeds import reward_line, status_embed
from cogs.rewards.publisher import DiscordRolePublisher, role_facts

REWARD_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in REWARDS.items()]


def channels_opened(role: discord.Role, member: discord.Member) -> list[discord.abc.GuildChannel]:
    """The channels where ``role``'s overwrite allows what ``member`` may not do there: a role with no permission
    of its own may still be the key to a private channel, and as a reward it would hand that key out."""
    return [channel for channel in role.guild.channels
            if _granted(channel, role) & ~channel.permissions_for(member).value]


def _granted(channel: discord.abc.GuildChannel, role: discord.Role) -> int:
    """What ``role``'s overwrite allows in ``channel`` that can mean anything there. A text or forum channel synced
    to a category with voice rooms carries its Connect and Speak, yet gives them to nobody (no member has them in
    it): counted, they would refuse every such role to a moderator who may do everything the role opens."""
    allowed = channel.overwrites_for(role).pair()[0].value
    if isinstance(channel, discord.TextChannel | discord.ForumChannel):
        return allowed & ~discord.Permissions.voice().value
    return allowed


@in_servers
@app_commands.default_permissions(manage_guild=True)
class Rewards(commands.GroupCog, group_name="rewards", group_description="Roles for streak milestones and leaders",
              group_extras=declared(Audience.MODERATOR)):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        core = client.core
        self.service = RewardService(core.db, core.clock, core.timezones, core.scheduler, core.audit,
                                     DiscordRolePublisher(client))
        super().__init__()

    async def cog_load(self) -> None:
        await load_service(self.client, self.service)

    async def cog_unload(self) -> None:
        await unload_service(self.client, self.service)

    @app_commands.command(name="set", description="Give members a role when they earn a reward")
    @app_commands.describe(reward="The milestone or monthly title", role="The role it earns")
    @app_commands.choices(reward=REWARD_CHOICES)
    async def set(self, interaction: discord.Interaction, reward: app_commands.Choice[str], role: discord.Role) -> None:
        assert interaction.guild is not None
        # Server-wide, not in this channel (what interaction.permissions says): a role's permissions hold in every
        # channel, so an overwrite letting the moderator mention everyone here must not let them hand that out.
        member = interaction.user
        mine = member.guild_permissions if isinstance(member, discord.Member) else interaction.permissions
        beyond = discord.Permissions(role.permissions.value & ~mine.value)
        if not mine.administrator and not mine.manage_roles:
            # Discord lets only members with Manage Roles give roles: Manage Server, or the moderator role, must
            # not let a moderator have the bot hand out, for ever after, roles they could not give themselves.
            raise UserFacingError(f"You may not give {role.mention} yourself: giving roles needs the "
                                  "**Manage Roles** permission.",
                                  hint="Ask a server admin to map this reward, or to give you Manage Roles.")
        by_role = not mine.manage_guild  # a moderator through the moderator role alone
        moderators = by_role and role.id == await self.client.core.moderators.role_of(interaction.guild.id)
        # A role without permissions can still open channels to its holders: as Discord lets a member give
        # only roles beneath their highest one, no moderator may have the bot give one at or above it.
        above = isinstance(member, discord.Member) and role >= member.top_role
        opened = [] if mine.administrator or not isinstance(member, discord.Member) else channels_opened(role, member)
        if not mine.administrator and (beyond.value or opened or moderators or above):
            carried = [n for n, on in beyond if on] + [f"more than you may do in {c.mention}" for c in opened[:5]]
            what = ", ".join(carried) or (
                "the moderator role" if moderators else "a place at or above your own highest role")
            raise UserFacingError(f"{role.mention} carries more than you may give: {what}.",
                                  hint="Pick a role without those permissions, or ask a server admin.")
        await self.service.set_reward(interaction.guild.id, interaction.user.id, reward.value, role.id,
                                      role_facts(interaction.guild, role))
        await interaction.response.send_message(
            f"Members who earn the **{reward.name}** now get {role.mention}; they lose it when it is no longer "
            "earned. I bring everyone's roles up to date now and every quarter hour.", ephemeral=True,
            allowed_mentions=no_pings())
        # In the background, as /rewards clear does: a failure while giving roles is the pass's to log and retry,
        # not an error shown to the moderator just told it worked.
        self.client.spawn(self.service.reconcile(interaction.guild.id), name="studybot-rewards-set")

    @app_commands.command(name="clear", description="Stop giving a role for a reward (holders lose it)")
    @app_commands.describe(reward="The milestone or monthly title")
    @app_commands.choices(reward=REWARD_CHOICES)
    async def clear(self, interaction: discord.Interaction, reward: app_commands.Choice[str]) -> None:
        """Ask first: clearing takes the role from every member who holds it."""
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        rewards = await self.service.rewards(guild_id)
        row = next((r for r in rewards if r.reward == reward.value), None)
        if row is None:
            await interaction.response.send_message(f"The **{reward.name}** earns no role; there is nothing to clear.",
                                                    ephemeral=True)
            return
        # A role that is also another reward stays with those who hold it for that one: they are not counted.
        shared = any(r.role_id == row.role_id and r.reward != row.reward for r in rewards)
        # A role deleted in Discord is held by nobody, whatever grants are still recorded for it.
        losing = await self.service.losing(guild_id, reward.value) if interaction.guild.get_role(row.role_id) else 0
        held = f"{losing} member{'s' if losing != 1 else ''} hold{'s' if losing == 1 else ''} it and will lose it"
        if shared:
            held += " (it is also the reward for something else, which keeps it for those who earn that)"

        async def clear_it(actor_id: int) -> str:
            cleared = await self.service.clear_reward(guild_id, actor_id, reward.value)
            if not cleared:
                return f"The **{reward.name}** already earns no role; nothing changed."
            # after answering: taking the role back is one Discord request per holder
            self.client.spawn(self.service.reconcile(guild_id), name="studybot-rewards-clear")
            who = "members holding it for nothing else" if shared else "members holding it"
            return f"The **{reward.name}** no longer earns <@&{row.role_id}>; {who} lose it now."

        await ask_before_removing(
            interaction, f"Stop giving <@&{row.role_id}> for the **{reward.name}**? {held}.", remove=clear_it,
            kept=f"Kept: the **{reward.name}** still earns <@&{row.role_id}>.", confirm_label="Stop giving the role")

    @app_commands.command(name="status", description="Which rewards earn which roles, and any problem")
    async def status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        guild = interaction.guild
        lines = []
        for row in await self.service.rewards(guild.id):
            role = guild.get_role(row.role_id)
            holders = await self.service.holders(guild.id, row.reward) if role is not None else 0  # deleted: nobody
            problems = ["the role was deleted"] if role is None else setup_problems(role_facts(guild, role))
            # The problem stored when giving the role failed is often the one seen now: it is said once.
            if row.problem and row.problem not in " ".join(problems):
                problems.append(row.problem)
            lines.append(reward_line(row, holders, problems))
        await interaction.response.send_message(embed=status_embed(lines), ephemeral=True, allowed_mentions=no_pings())
