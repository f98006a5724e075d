"""/studybot for moderators, /studybot-owner for the bot's owner, /privacy for members, and guild join/leave
bookkeeping."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.admin import Backups, GuildRetention, OverviewService, database_size
from bot.bot import StudyBot
from bot.errors import UserFacingError
from bot.posting import crash_point
from cogs._common import in_servers, missing_permissions, no_pings, passing_failure
from cogs._common.authority import Audience, declared
from cogs._common.lifecycle import load_service, unload_service
from cogs._common.notices import missing_for_notices
from cogs._common.uploads import sendable_file, upload_limit
from cogs.admin.embeds import (
    NOTICES_INTRO,
    audit_embed,
    health_embed,
    notices_chosen_text,
    notices_intro_text,
    notices_summary,
    settings_embed,
)
from cogs.community import QUEUE_NEEDS
from cogs.daily import DAILY_NEEDS
from cogs.quiz import QUIZ_NEEDS
from cogs.streaks import MILESTONE_NEEDS

log = logging.getLogger(__name__)

DAILY = "Daily prompts"  # the overview section of the one feature that posts in a forum (a post a day)
# developers/events/gateway-events.mdx, "Request Guild Members": user_ids return at most 100 members.
MEMBERS_PER_QUERY = 100
INTRO_SEARCH = 50  # latest messages of a notices channel searched for an introduction posted before a restart


@in_servers
@app_commands.default_permissions(manage_guild=True)
class StudybotAdmin(commands.GroupCog, group_name="studybot", group_description="Run studybot in this server",
                    group_extras=declared(Audience.MODERATOR)):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        core = client.core
        self.overview = OverviewService(core.db, core.clock)
        self.retention = GuildRetention(core.db, core.clock, core.scheduler)
        self.backups = Backups(core.db, core.clock, core.scheduler, core.settings.backup_dir,
                               core.settings.backup_keep)
        super().__init__()

    async def cog_load(self) -> None:
        await load_service(self.client, self.retention)
        await load_service(self.client, self.backups)
        # Before the features' catch-ups (extensions load in name order): a server gone is not caught up.
        self.client.after_first_ready(self.removed_while_offline)
        # Notices channels chosen just before a process stopped, still waiting for their introduction.
        self._intros_owed = await self.client.core.moderators.intros_owed()

    async def cog_unload(self) -> None:
        self.client.forget_ready_hook(self.removed_while_offline)
        await unload_service(self.client, self.backups)
        await unload_service(self.client, self.retention)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Added (or added back within the 30 days its data is kept: its schedules run again)."""
        await self.retention.joined(guild.id)
        crash_point("welcome.owed")
        self.client.dispatch("guild_welcome_owed", guild)
        await self.client.services.resume_guild(guild.id)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """A guild that added the bot while it was offline gets no join event, so it is treated as a join
        here: one recorded as left added it back (else its kept data would be purged under it); one never
        recorded that added it recently is new (else it would never see the welcome and its Setup button)."""
        if self.retention.recorded_as_left(guild.id):
            log.info("guild %s added the bot back while it was offline; its schedules run again", guild.id)
            await self.retention.joined(guild.id)
            crash_point("welcome.owed")
            self.client.dispatch("guild_welcome_owed", guild)  # the welcome cog says what runs again
            await self.client.services.resume_guild(guild.id)
        elif self.retention.added_while_offline(guild.id, guild.me.joined_at if guild.me else None):
            log.info("guild %s added the bot while it was offline; welcoming it", guild.id)
            await self.retention.joined(guild.id)
            crash_point("welcome.owed")
            self.client.dispatch("guild_welcome_owed", guild)
        elif self.retention.welcome_owed(guild.id):  # a process stopped between the join and its welcome
            self.client.dispatch("guild_welcome_owed", guild, True)
        if (channel_id := self._intros_owed.pop(guild.id, None)) is not None:
            channel = guild.get_channel(channel_id)
            if isinstance(channel, discord.TextChannel):
                await self._introduce_notices(channel, None, look_first=True)
            else:  # deleted since: nothing left to introduce
                await self.client.core.moderators.intro_posted(guild.id, channel_id)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        log.info("removed from guild %s; its data is kept for 30 days", guild.id)
        await self.retention.left(guild.id)
        self.client.services.forget_guild(guild.id)

    async def removed_while_offline(self) -> None:
        """Once a shard is ready, its guilds are all known (READY lists even the unavailable ones): a recorded one
        missing removed the bot while it was offline, and is treated as the removal Discord never sent."""
        for guild_id in self.retention.removed_while_offline(lambda known: self.client.get_guild(known) is not None):
            log.info("guild %s removed the bot while it was offline; its data is kept for 30 days", guild_id)
            await self.retention.left(guild_id)
            self.client.services.forget_guild(guild_id)

    settings_group = app_commands.Group(name="settings", description="What is configured here, and who moderates")

    @settings_group.command(name="show", description="Everything configured here, next runs and missing permissions")
    async def settings(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        features = await self.overview.features(interaction.guild.id,
                                                self.client.services.settings_sections())
        problems: dict[str, list[str]] = {}
        for feature in features:
            channel = interaction.guild.get_channel(feature.channel_id) if feature.channel_id else None
            if feature.channel_id and channel is None:
                problems[feature.name] = ["the channel no longer exists: choose another with the setup command"]
            elif isinstance(channel, discord.ForumChannel) and feature.name != DAILY:
                # only the daily prompt makes forum posts; milestones fall back on its channel, which may be a forum
                problems[feature.name] = [f"{channel.mention} is a forum, which takes posts, not messages, so nothing "
                                          "is posted there: choose a text channel (`/streak-admin announcements` for "
                                          "milestones)"]
            elif channel is not None:
                also = {DAILY: DAILY_NEEDS, "Daily quiz": QUIZ_NEEDS, "Mock interviews": ("create_private_threads",),
                        "Suggestion review": QUEUE_NEEDS, "Streak milestones": MILESTONE_NEEDS}.get(feature.name, ())
                missing = missing_permissions(channel, interaction.guild.me, also=also)
                if missing:
                    problems[feature.name] = [f"I am missing **{', '.join(missing)}** in {channel.mention}: "
                                              "Channel settings › Permissions › studybot, allow them"]
        embed = settings_embed(features, problems)
        role_id = await self.client.core.moderators.role_of(interaction.guild.id)
        embed.add_field(name="Moderators", inline=False,
                        value="Members with **Manage Server**" + (f" and the <@&{role_id}> role" if role_id else
                                                                  " (no moderator role named)"))
        chosen_id = await self.client.core.moderators.notices_channel_of(interaction.guild.id)
        embed.add_field(name="Notices for moderators", inline=False,
                        value=notices_summary(interaction.guild, chosen_id))
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=no_pings())

    @settings_group.command(name="notices-channel",
                            description="Choose where studybot tells moderators what only they can fix")
    @app_commands.describe(channel="A channel moderators read (leave empty to use the server's system channel)")
    async def notices_channel(self, interaction: discord.Interaction,
                              channel: discord.TextChannel | None = None) -> None:
        assert interaction.guild is not None
        if channel is not None:
            missing = missing_for_notices(channel, interaction.guild.me)
            if missing:
                raise UserFacingError(f"I cannot post notices in {channel.mention}: I am missing "
                                      f"**{', '.join(missing)}** there.",
                                      hint="Channel settings › Permissions › studybot, allow them, then choose "
                                           "the channel again. Nothing was changed.")
        await self.client.core.moderators.set_notices_channel(interaction.guild.id, interaction.user.id,
                                                              channel.id if channel else None)
        crash_point("notices.intro-owed")
        await interaction.response.send_message(notices_chosen_text(interaction.guild, channel), ephemeral=True,
                                                allowed_mentions=no_pings())
        if channel is not None:  # after the answer: the moderators reading there learn what it is for
            await self._introduce_notices(channel, interaction.user)

    async def _introduce_notices(self, channel: discord.TextChannel, chosen_by: discord.abc.User | None,
                                 *, look_first: bool = False) -> None:
        """Post the notices channel's introduction, then mark it posted. ``look_first`` after a restart: a
        process may have posted it before it stopped, so the channel's latest messages are searched first.
        A refusal that may pass (Discord failing for a moment) leaves it owed for the next start; one that
        will not (a permission taken away since) is not tried again."""
        try:
            if not (look_first and await self._introduced(channel)):
                await self.client.core.pacer.acquire()
                await channel.send(notices_intro_text(chosen_by), allowed_mentions=no_pings())
                crash_point("notices.intro-posted")
        except discord.HTTPException as error:
            log.info("could not introduce the notices channel %s: %s", channel.id, error.text or error.status)
            if passing_failure(error):
                return
        await self.client.core.moderators.intro_posted(channel.guild.id, channel.id)

    async def _introduced(self, channel: discord.TextChannel) -> bool:
        """Whether the channel's latest messages hold the introduction; when the bot may not read them, it
        is posted rather than left out (Discord failing for a moment is left to the caller)."""
        try:
            async for message in channel.history(limit=INTRO_SEARCH):
                if message.author.id == self.client.user_id and message.content.startswith(NOTICES_INTRO):
                    return True
        except discord.HTTPException as error:
            if passing_failure(error):
                raise
            log.info("could not look for an earlier introduction in #%s: %s", channel.name, error.text)
        return False

    @settings_group.command(name="moderator-role",
                            description="Name a role whose members may run studybot's moderator commands")
    @app_commands.describe(role="The moderator role (leave empty to stop naming one)")
    async def moderator_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        assert interaction.guild is not None
        if not (interaction.permissions.manage_guild or interaction.permissions.administrator):
            raise UserFacingError("Only members with **Manage Server** can choose the moderator role.",
                                  hint="Members who moderate through the role itself cannot change it.")
        if role is not None and (role.is_default() or role.managed):
            raise UserFacingError("That role cannot be the moderator role: "
                                  + ("every member has @everyone." if role.is_default() else
                                     "it is managed by an integration."),
                                  hint="Create a role such as `Study moderators` and pick it.")
        await self.client.core.moderators.set_role(interaction.guild.id, interaction.user.id,
                                                   role.id if role else None)
        text = (f"Members with {role.mention} can now run studybot's moderator commands, buttons and forms."
                if role else "No moderator role is named now: only members with **Manage Server** moderate.")
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=no_pings())

    @app_commands.command(name="audit", description="Recent configuration changes and moderator actions")
    async def audit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        entries = await self.client.core.audit.recent(interaction.guild_id, limit=20)
        await interaction.response.send_message(embed=audit_embed(entries), ephemeral=True,
                                                allowed_mentions=no_pings())

    @app_commands.command(name="export", description="A CSV of streaks and participation in this server")
    async def export(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)  # names are looked up next
        guild = interaction.guild
        names = await member_names(guild, await self.overview.participant_ids(guild.id))
        text = await self.overview.participation_csv(guild.id, names)
        file = sendable_file(text.encode(), f"studybot-participation-{guild.id}.csv", upload_limit(guild),
                             what="The participation export", hint="Ask the bot's host: the database holds it all.")
        await interaction.followup.send("Streaks and participation, one row per member (names as shown in this "
                                        "server; members who left are marked):", file=file, ephemeral=True)



@in_servers
@app_commands.default_permissions(manage_guild=True)
class StudybotOwner(commands.GroupCog, group_name="studybot-owner", group_description="(Bot owner) Operate studybot",
                    group_extras=declared(Audience.OWNER)):
    """Operations for the person running the bot; checked against the owner ids at run time."""

    def __init__(self, client: StudyBot, admin: StudybotAdmin) -> None:
        self.client = client
        self.backups = admin.backups
        super().__init__()

    @app_commands.command(name="reload-content", description="Load the content packs again from disk")
    async def reload_content(self, interaction: discord.Interaction) -> None:
        result = self.client.core.content.reload()
        text = str(result) if result.ok else (f"The packs have errors, so I kept the content I had "
                                              f"({result.prompts} prompts, {result.flashcards} flashcards):\n"
                                              f"```\n{result.report[:1500]}\n```")
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="health", description="Gateway, jobs, database, backups and content")
    async def health(self, interaction: discord.Interaction) -> None:
        core = self.client.core
        jobs = core.scheduler.jobs()
        last = self.backups.last()
        shards = self.client.shard_states()
        # Of the shards that answered a heartbeat: discord.py's own average is infinite while one has not, which
        # read as "0 ms", the best-looking value exactly when a shard is in trouble.
        answered = [shard.latency for shard in shards if shard.latency is not None]
        embed = health_embed(latency_ms=sum(answered) / len(answered) * 1000 if answered else None,
                             shards=shards, layout=core.settings.shard_layout.describe(),
                             jobs=[(j.id, j.next_run) for j in jobs[:10]], job_count=len(jobs),
                             db_bytes=database_size(core.settings.database_path),
                             last_backup=(last[0].name, last[1]) if last else None,
                             content=core.content.library.version, failures=len(core.scheduler.failures))
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def member_names(guild: discord.Guild, user_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(Display name, username) per id: from the cache, else asked of the gateway by id, a hundred at a time (no
    member intent is needed; one REST request a member could outlast the 15 minutes a reply may take)."""
    names: dict[int, tuple[str, str]] = {}
    unknown: list[int] = []
    for user_id in user_ids:
        member = guild.get_member(user_id)
        if member is None:
            unknown.append(user_id)
        else:
            names[user_id] = (member.display_name, member.name)
    for start in range(0, len(unknown), MEMBERS_PER_QUERY):
        chunk = unknown[start:start + MEMBERS_PER_QUERY]
        try:
            found = {m.id: m for m in await guild.query_members(user_ids=chunk, limit=MEMBERS_PER_QUERY, cache=False)}
        except (TimeoutError, discord.ClientException):
            log.warning("could not look up %d members for the export; they are listed without names", len(chunk))
            continue
        for user_id in chunk:
            member = found.get(user_id)
            names[user_id] = (member.display_name, member.name) if member else ("(left the server)", "")
    return names
