"""/review and the Approve / Edit / Reject buttons on each suggestion in the moderators' queue.

The buttons are persistent (custom id ``studybot:review:<action>:<suggestion>``), so a queue
message works after restarts. The id only names the suggestion: the server and the person
acting come from the interaction, and authority is checked on every click and every form.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.community import Decision, Status, Suggestion, SuggestionService, form_fields
from bot.errors import Conflict
from cogs._common import BaseView, RoutedItem, in_servers, missing_permissions, no_pings
from cogs._common.access import service_of
from cogs._common.authority import Audience, declared
from cogs._common.forms import FormRoute
from cogs.community.authority import require_moderator
from cogs.community.embeds import author_notice, queue_embed, suggestion_embed
from cogs.community.forms import ModeratorForm, edit_inputs, reason_inputs

log = logging.getLogger(__name__)


def suggestions_of(interaction: discord.Interaction) -> SuggestionService:
    return service_of(interaction, SuggestionService)


def _still_pending(suggestion: Suggestion) -> None:
    if suggestion.status is not Status.PENDING:
        who = f" by <@{suggestion.reviewer_id}>" if suggestion.reviewer_id else ""
        raise Conflict(f"Suggestion #{suggestion.id} was already {suggestion.status}{who}.",
                       hint="A suggestion is decided once; nothing was changed.")


class _ReviewButton(RoutedItem):
    audience = Audience.MODERATOR
    action = ""
    label = ""
    style = discord.ButtonStyle.secondary

    def __init__(self, suggestion_id: int) -> None:
        super().__init__(discord.ui.Button(label=self.label, style=self.style,  # type: ignore[call-arg]  # a mixin: DynamicItem, next in the MRO, takes the button
                                           custom_id=f"studybot:review:{self.action}:{suggestion_id}"))
        self.suggestion_id = suggestion_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> Any:
        return cls(int(match["id"]))


class ApproveButton(_ReviewButton, discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=r"studybot:review:approve:(?P<id>\d+)"):
    action, label, style = "approve", "Approve", discord.ButtonStyle.success

    async def handle(self, interaction: discord.Interaction) -> None:
        guild_id = await require_moderator(interaction)
        decision = await suggestions_of(interaction).approve(guild_id, self.suggestion_id, interaction.user.id)
        await show_decision(interaction, decision, edited=False)


class EditButton(_ReviewButton, discord.ui.DynamicItem[discord.ui.Button[Any]],
                 template=r"studybot:review:edit:(?P<id>\d+)"):
    action, label, style = "edit", "Edit", discord.ButtonStyle.primary

    async def handle(self, interaction: discord.Interaction) -> None:
        guild_id = await require_moderator(interaction)
        suggestion = await suggestions_of(interaction).get(guild_id, self.suggestion_id)
        _still_pending(suggestion)
        await ModeratorForm(f"Edit and approve #{suggestion.id}", edit_inputs(form_fields(suggestion.item),
                            suggestion.item), f"studybot:review:editform:{suggestion.id}").show(interaction)


class RejectButton(_ReviewButton, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=r"studybot:review:reject:(?P<id>\d+)"):
    action, label, style = "reject", "Reject", discord.ButtonStyle.danger

    async def handle(self, interaction: discord.Interaction) -> None:
        guild_id = await require_moderator(interaction)
        _still_pending(await suggestions_of(interaction).get(guild_id, self.suggestion_id))
        await ModeratorForm(f"Reject suggestion #{self.suggestion_id}", reason_inputs(),
                            f"studybot:review:rejectform:{self.suggestion_id}").show(interaction)


async def _edited(interaction: discord.Interaction, match: re.Match[str], fields: dict[str, str]) -> None:
    guild_id = await require_moderator(interaction)
    decision = await suggestions_of(interaction).approve(guild_id, int(match["id"]), interaction.user.id, edited=fields)
    await show_decision(interaction, decision, edited=True)


async def _rejected(interaction: discord.Interaction, match: re.Match[str], fields: dict[str, str]) -> None:
    guild_id = await require_moderator(interaction)
    decision = await suggestions_of(interaction).reject(guild_id, int(match["id"]), interaction.user.id,
                                                    fields.get("reason", ""))
    await show_decision(interaction, decision, edited=False)


FORMS = (FormRoute(re.compile(r"studybot:review:editform:(?P<id>\d+)"), Audience.MODERATOR, _edited),
         FormRoute(re.compile(r"studybot:review:rejectform:(?P<id>\d+)"), Audience.MODERATOR, _rejected))


DYNAMIC_ITEMS = (ApproveButton, EditButton, RejectButton)


def review_view(suggestion_id: int) -> BaseView:
    view = BaseView(timeout=None)
    for item in DYNAMIC_ITEMS:
        view.add_item(item(suggestion_id))
    return view


async def show_decision(interaction: discord.Interaction, decision: Decision, *, edited: bool) -> None:
    """Answer first (the clicked queue message shows the decision), then tidy up and tell the author."""
    suggestion = decision.suggestion
    note = f"Added to the server's content as `{decision.item_id}`." if decision.item_id else None
    embed = suggestion_embed(suggestion, note=note)
    clicked = interaction.message
    if clicked is not None:
        await interaction.response.edit_message(embed=embed, view=None)
    else:
        await interaction.response.send_message(embed=embed, ephemeral=True)
    if suggestion.queue_message_id and (clicked is None or clicked.id != suggestion.queue_message_id):
        await _update_queue_message(interaction.client, suggestion, embed)
    guild_name = interaction.guild.name if interaction.guild else "the server"
    told = await _dm(interaction.client, suggestion.author_id, author_notice(suggestion, guild_name, edited=edited))
    await suggestions_of(interaction).mark_told(suggestion.id)  # told, or told all we can: /suggest mine has it
    if not told:
        await interaction.followup.send("I could not DM the author (their DMs are closed); they can see the outcome "
                                        "with `/suggest mine`.", ephemeral=True)


async def tell_untold(client: discord.Client, service: SuggestionService) -> int:
    """After a restart: finish decisions whose queue message and author notice were cut off; each once."""
    told = 0
    for suggestion in await service.untold():
        await _update_queue_message(client, suggestion, suggestion_embed(suggestion))
        guild = client.get_guild(suggestion.guild_id)
        if await _dm(client, suggestion.author_id, author_notice(suggestion, guild.name if guild else "the server")):
            told += 1
        await service.mark_told(suggestion.id)
    return told


def _warnings(messages: list[str]) -> str | None:
    return "\n".join(f"⚠️ {m}" for m in messages[:3]) if messages else None


async def _update_queue_message(client: discord.Client, suggestion: Suggestion, embed: discord.Embed) -> None:
    channel = client.get_channel(suggestion.queue_channel_id or 0)
    if not isinstance(channel, discord.TextChannel):
        return
    try:
        await channel.get_partial_message(suggestion.queue_message_id or 0).edit(embed=embed, view=None)
    except discord.HTTPException as error:
        log.info("could not refresh the queue message of suggestion %s: %s", suggestion.id, error.text)


async def _dm(client: discord.Client, user_id: int, text: str) -> bool:
    try:
        user = client.get_user(user_id) or await client.fetch_user(user_id)
        await user.send(text, allowed_mentions=no_pings())
    except discord.HTTPException as error:
        log.info("could not DM %s: %s", user_id, error.text)
        return False
    return True


async def post_to_queue(client: discord.Client, service: SuggestionService, suggestion: Suggestion) -> bool:
    """Put a new suggestion in the moderators' channel, if the server chose one; False if it could not."""
    channel_id = await service.review_channel(suggestion.guild_id)
    channel = client.get_channel(channel_id or 0)
    if not isinstance(channel, discord.TextChannel):
        return False
    try:
        note = _warnings(await service.alike(suggestion))
        message = await channel.send(embed=suggestion_embed(suggestion, note=note), view=review_view(suggestion.id),
                                     allowed_mentions=no_pings())
    except discord.HTTPException as error:
        log.warning("could not post suggestion %s to the review channel: %s", suggestion.id, error.text)
        return False
    await service.set_queue_message(suggestion.id, channel.id, message.id)
    return True


@in_servers
@app_commands.default_permissions(manage_guild=True)
class Review(commands.GroupCog, group_name="review", group_description="Review members' suggestions",
             group_extras=declared(Audience.MODERATOR)):
    def __init__(self, client: StudyBot, service: SuggestionService) -> None:
        self.client = client
        self.service = service
        super().__init__()

    async def cog_load(self) -> None:
        self.client.services.add(self.service)
        self.client.add_dynamic_items(*DYNAMIC_ITEMS)
        self.client.forms.add(*FORMS)
        self.client.after_first_ready(self._tell_untold)

    async def _tell_untold(self) -> None:
        told = await tell_untold(self.client, self.service)
        if told:
            log.info("told %d authors about decisions made before a restart", told)

    async def cog_unload(self) -> None:
        self.client.services.remove(self.service)
        self.client.remove_dynamic_items(*DYNAMIC_ITEMS)
        self.client.forms.remove(*FORMS)

    @app_commands.command(name="queue", description="Suggestions waiting for review, with Approve / Edit / Reject")
    @app_commands.describe(suggestion="Open one suggestion by its number (default: the oldest waiting)")
    async def queue(self, interaction: discord.Interaction, suggestion: app_commands.Range[int, 1] | None = None) -> None:
        guild_id = await require_moderator(interaction)
        waiting, total = await self.service.pending(guild_id)
        if suggestion is not None:
            chosen: Suggestion | None = await self.service.get(guild_id, suggestion)
        else:
            chosen = waiting[0] if waiting else None
        embeds = [queue_embed(waiting, total)]
        if chosen is None:
            await interaction.response.send_message(embeds=embeds, ephemeral=True)
            return
        embeds.append(suggestion_embed(chosen, note=_warnings(await self.service.alike(chosen))))
        if chosen.status is Status.PENDING:
            await interaction.response.send_message(embeds=embeds, view=review_view(chosen.id), ephemeral=True)
        else:
            await interaction.response.send_message(embeds=embeds, ephemeral=True)

    @app_commands.command(name="channel", description="Where new suggestions are posted for moderators")
    @app_commands.describe(channel="The moderators' channel (leave out to stop posting; /review queue still works)")
    async def channel(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        guild_id = await require_moderator(interaction)
        await self.service.set_review_channel(guild_id, interaction.user.id, channel.id if channel else None)
        if channel is None:
            await interaction.response.send_message("New suggestions are no longer posted to a channel; "
                                                    "`/review queue` lists them.", ephemeral=True)
            return
        text = f"New suggestions will be posted in {channel.mention} with Approve, Edit and Reject buttons."
        assert interaction.guild is not None
        missing = missing_permissions(channel, interaction.guild.me)
        if missing:
            text += f"\n⚠️ I am missing **{', '.join(missing)}** there: grant them or posting will fail."
        await interaction.response.send_message(text, ephemeral=True)
