"""/content for moderators: upload a study document into the review queue, export the server's
content as a pack, and switch decks (shipped packs, the server's own, uploaded documents) on or off."""

from __future__ import annotations

import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.community import DocumentImporter, ServerContent, SuggestionService, check_upload, export_pack
from bot.errors import InvalidInput
from cogs._common import BaseView, in_servers, truncate
from cogs._common.authority import Audience, declared
from cogs.community.authority import require_moderator
from cogs.community.review import post_to_queue

log = logging.getLogger(__name__)
QUEUE_POSTS_PER_UPLOAD = 25  # the rest wait in /review queue rather than flooding the channel


class DecksView(BaseView):
    """A menu of every deck the server could use; the ones chosen are on, the rest off."""

    audience = Audience.MODERATOR

    def __init__(self, owner_id: int, content: ServerContent, decks: list[tuple[str, str, bool]]) -> None:
        super().__init__(owner_id=owner_id, timeout=300)
        self.content = content
        self.select: discord.ui.Select[DecksView] = discord.ui.Select(
            placeholder="Decks this server uses", min_values=0, max_values=len(decks),
            custom_id="studybot:content:decks",
            options=[discord.SelectOption(label=truncate(title, 100), value=key, default=on)
                     for key, title, on in decks])
        self.select.callback = self._chosen  # type: ignore[method-assign]  # a Select built at run time gets its callback so
        self.add_item(self.select)

    async def _chosen(self, interaction: discord.Interaction) -> None:
        guild_id = await require_moderator(interaction)
        chosen = set(self.select.values)
        now = interaction.created_at
        for option in self.select.options:
            await self.content.switch(guild_id, option.value, option.value in chosen, interaction.user.id, now)
        on = ", ".join(f"`{o.value}`" for o in self.select.options if o.value in chosen) or "none"
        await interaction.response.edit_message(
            content=f"Saved. Decks on: {on}. Study sessions and the quiz use only the cards of these decks; a server deck that is off also leaves the daily rotation (`/daily kinds` chooses the shipped prompts).",
            view=None)
        self.stop()


@in_servers
@app_commands.default_permissions(manage_guild=True)
class Content(commands.GroupCog, group_name="content", group_description="This server's own content",
              group_extras=declared(Audience.MODERATOR)):
    def __init__(self, client: StudyBot, service: SuggestionService) -> None:
        self.client = client
        self.service = service
        self.importer = DocumentImporter(service, service.content)
        super().__init__()

    @app_commands.command(name="import", description="Upload a study document; its cards go to the review queue")
    @app_commands.describe(document="A .txt or .md study document (headings, key takeaways, FAQ), UTF-8",
                           deck="Deck name for its cards (default: from the file name)")
    async def import_(self, interaction: discord.Interaction, document: discord.Attachment,
                      deck: app_commands.Range[str, 2, 31] | None = None) -> None:
        guild_id = await require_moderator(interaction)
        check_upload(document.filename, document.size, document.content_type)  # before downloading anything
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            raw = await document.read()
        except discord.HTTPException as error:
            raise InvalidInput("I could not download that file from Discord.",
                               hint="Upload it again in a moment.") from error
        result = await self.importer.import_document(guild_id, interaction.user.id, document.filename, raw,
                                                     deck=deck)
        lines = [f"Read **{truncate(result.document, 80)}**: {len(result.queued)} cards are waiting for review in "
                 f"the deck `{result.deck}`, each citing its section and heading."]
        if result.skipped:
            lines.append(f"{len(result.skipped)} drafted card(s) did not pass the pack checks and were left out:")
            lines += [f"• {truncate(str(p), 180)}" for p in result.skipped[:5]]
        lines.append("Approve, edit or reject them with `/review queue` (or in the review channel).")
        await interaction.followup.send("\n".join(lines), ephemeral=True)
        for suggestion_id in result.queued[:QUEUE_POSTS_PER_UPLOAD]:
            if not await post_to_queue(self.client, self.service, await self.service.get(guild_id, suggestion_id)):
                break

    @app_commands.command(name="export", description="This server's own prompts and cards as a content pack")
    async def export(self, interaction: discord.Interaction) -> None:
        guild_id = await require_moderator(interaction)
        assert interaction.guild is not None
        name, data = await export_pack(self.service.content, guild_id, interaction.guild.name,
                                       self.client.core.clock.now())
        await interaction.response.send_message(
            "Here is this server's content as a pack. Unzip it into a content folder and check it with "
            "`studybot content validate`; it can then ship with the bot or serve another installation.",
            file=discord.File(io.BytesIO(data), filename=name), ephemeral=True)

    @app_commands.command(name="decks", description="Switch shipped packs and this server's decks on or off")
    async def decks(self, interaction: discord.Interaction) -> None:
        guild_id = await require_moderator(interaction)
        decks = await self.service.decks(guild_id)
        if len(decks) > 25:
            decks = decks[:25]  # a select menu holds 25 options
        lines = [f"{'✅' if d.enabled else '⛔'} **{d.title}** (`{d.key}`): {len(d.prompts)} prompts, "
                 f"{len(d.cards)} cards" for d in decks]
        view = DecksView(interaction.user.id, self.service.content, [(d.key, d.title, d.enabled) for d in decks])
        await interaction.response.send_message("\n".join(lines) + "\n\nChoose the decks to keep on:",
                                                view=view, ephemeral=True)
        view.message = await interaction.original_response()
