"""How the settings overview, audit log and health look."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.audit import AuditEntry
from bot.bot import ShardState
from bot.overview import ConfiguredFeature
from cogs._common import BRAND_COLOUR, counted, discord_timestamp, truncate
from cogs._common.notices import FALLBACK_PERMISSIONS, missing_for_notices
from cogs._common.permissions import missing_permissions
from cogs.admin.audit_text import audit_line


def settings_embed(features: list[ConfiguredFeature], problems: dict[str, list[str]]) -> discord.Embed:
    embed = discord.Embed(title="studybot in this server", colour=BRAND_COLOUR)
    if not any(f.name != "Streak milestones" for f in features):
        embed.description = ("Nothing is scheduled yet. Start with `/daily setup`, `/quiz setup` or "
                             "`/mock-admin schedule`.")
    for feature in features:
        lines = [("✅ " if feature.enabled else "⏸️ ") + feature.summary]
        if feature.channel_id:
            lines.append(f"Channel: <#{feature.channel_id}>")
        if feature.next_times:
            lines.append("Next: " + ", ".join(discord_timestamp(t, "f") for t in feature.next_times))
        for problem in problems.get(feature.name, []):
            lines.append(f"⚠️ {problem}")
        embed.add_field(name=feature.name, value=truncate("\n".join(lines), 1024), inline=False)
    return embed


def notices_summary(guild: discord.Guild, chosen_id: int | None) -> str:
    """Where the bot tells this server's moderators things, and what keeps it from doing so."""
    fallback, _ = _without_a_choice(guild)
    if chosen_id is None:
        return f"Sent to {fallback}. Choose a channel moderators read with `/studybot settings notices-channel`."
    chosen = guild.get_channel(chosen_id)
    if chosen is None:
        return (f"⚠️ The chosen channel no longer exists, so notices are sent to {fallback}. Choose another with "
                "`/studybot settings notices-channel`.")
    missing = missing_for_notices(chosen, guild.me)
    if missing:
        return (f"⚠️ I am missing **{', '.join(missing)}** in {chosen.mention}, so notices are sent to {fallback}: "
                "Channel settings › Permissions › studybot, allow them")
    return f"Posted in {chosen.mention}."


NOTICES_INTRO = "studybot will post its notices for moderators here"  # how the introduction starts


def notices_intro_text(chosen_by: discord.abc.User | None) -> str:
    """What the chosen notices channel is told, so the moderators reading there learn what it is for."""
    by = f" (chosen by {chosen_by.mention})" if chosen_by is not None else ""
    return (f"{NOTICES_INTRO}{by}: a daily post or quiz it could not deliver, a message it could not delete "
            "for a member. Change it with `/studybot settings notices-channel`.")


def notices_chosen_text(guild: discord.Guild, channel: discord.abc.GuildChannel | None) -> str:
    if channel is None:
        fallback, reaches = _without_a_choice(guild)
        text = f"No notices channel is chosen: notices for moderators are sent to {fallback}."
        return text if reaches else text + " Choose a channel moderators read with `/studybot settings notices-channel`."
    text = f"Notices for moderators will be posted in {channel.mention}."
    if channel.permissions_for(guild.default_role).view_channel:
        text += (" Everyone in the server can read that channel: notices name no member, but a channel only "
                 "moderators see keeps them among you.")
    return text


def _without_a_choice(guild: discord.Guild) -> tuple[str, bool]:
    """Where notices are sent when no channel is chosen (or the chosen one failed), and whether that reaches
    anyone: the system channel when the bot may post there, else only the host's log and the features'
    status commands. One wording for `/studybot settings show` and for the reply to clearing the choice."""
    system = guild.system_channel
    if system is None:
        return ("no channel: this server has no system channel, so they are only in the host's log and the "
                "`status` commands", False)
    missing = missing_permissions(system, guild.me, needs=FALLBACK_PERMISSIONS)
    if missing:
        return (f"no channel: I am missing **{', '.join(missing)}** in the server's system channel "
                f"{system.mention}, so they are only in the host's log and the `status` commands", False)
    return f"the server's system channel {system.mention}", True


def audit_embed(entries: list[AuditEntry]) -> discord.Embed:
    """Newest first, one readable line each; whole lines are dropped (not cut) to fit Discord's limit."""
    lines: list[str] = []
    used = 0
    for entry in entries:
        line = audit_line(entry)
        if used + len(line) + 1 > 4000:
            lines.append(f"… and {len(entries) - len(lines)} older entries.")
            break
        lines.append(line)
        used += len(line) + 1
    return discord.Embed(title="Audit log (newest first)", colour=BRAND_COLOUR,
                         description="\n".join(lines) or "No configuration changes yet.")


def shard_lines(shards: Sequence[ShardState]) -> str:
    """One line a shard; past 20 shards, the ones that are down and a count of the rest."""
    def line(shard: ShardState) -> str:
        state = "🟢 connected" if shard.connected else "🔴 disconnected"
        latency = f"{shard.latency * 1000:.0f} ms" if shard.latency is not None else "no heartbeat yet"
        return f"#{shard.id} {state} · {latency} · {counted(shard.guilds, 'server')}"

    if len(shards) <= 20:
        return "\n".join(line(s) for s in shards)
    down = [s for s in shards if not s.connected]
    up = len(shards) - len(down)
    return "\n".join([f"{up} of {len(shards)} shards connected", *(line(s) for s in down[:15])])


def health_embed(*, latency_ms: float | None, jobs: list[tuple[str, datetime | None]], job_count: int, db_bytes: int,
                 last_backup: tuple[str, datetime] | None, content: str, failures: int,
                 shards: Sequence[ShardState] = (), layout: str = "") -> discord.Embed:
    embed = discord.Embed(title="studybot health", colour=BRAND_COLOUR)
    embed.add_field(name="Gateway latency", value=f"{latency_ms:.0f} ms (average of this process's shards)"
                    if latency_ms is not None else "no heartbeat answered yet")
    if shards:
        embed.add_field(name=truncate(f"Shards ({layout})", 256) if layout else "Shards",
                        value=truncate(shard_lines(shards), 1024), inline=False)
    embed.add_field(name="Database", value=f"{db_bytes / 1024:.0f} KiB")
    embed.add_field(name="Last backup", value=f"{last_backup[0]} ({discord_timestamp(last_backup[1], 'R')})"
                    if last_backup else "none yet")
    embed.add_field(name="Content", value=truncate(content, 1024), inline=False)
    upcoming = "\n".join(f"`{job}` {discord_timestamp(when, 'R') if when else '—'}" for job, when in jobs)
    embed.add_field(name=f"Scheduled jobs ({job_count}, {failures} failed since start)",
                    value=truncate(upcoming or "none", 1024), inline=False)
    return embed
