"""/review, /suggest and /content: members suggest prompts and cards, moderators review them, import
study documents, export the server's content as a pack and switch decks on or off (one service shared)."""

from __future__ import annotations

import logging
import re
import secrets

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.community import (
    DocumentImporter,
    Status,
    Suggestion,
    SuggestionService,
    check_upload,
    export_pack,
    item_summary,
)
from bot.content.items import ItemKind
from bot.errors import InvalidInput
from cogs._common import counted, in_servers, one_line, truncate
from cogs._common.authority import Audience, declared
from cogs._common.confirm import ask_before_removing
from cogs._common.forms import FormRoute, MemberForm
from cogs._common.ids import TEXT, WORD, CustomId
from cogs._common.lifecycle import load_service, unload_service
from cogs._common.prompts import KIND_CHOICES
from cogs._common.render import EMBED_TOTAL, fit_embed
from cogs._common.uploads import sendable_file, upload_limit
from cogs.community.authority import require_moderator
from cogs.community.embeds import decks_saved_text, item_label, mine_embed, queue_embed, suggestion_embed
from cogs.community.messages import warnings
from cogs.community.publisher import missing_for_queue
from cogs.community.views import (
    DYNAMIC_ITEMS,
    FORMS,
    DecksView,
    card_inputs,
    edit_item_form,
    prompt_inputs,
    review_view,
)

log = logging.getLogger(__name__)

SELECT_OPTIONS = 25  # a select menu (and an autocomplete answer) holds at most 25 options
MESSAGE_LIMIT = 2000  # characters in a message's content


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
QUEUE_POSTS_PER_UPLOAD = 25  # the rest wait in /review queue rather than flooding the channel
DIFFICULTY_CHOICES = [app_commands.Choice(name=d, value=d) for d in ("easy", "medium", "hard")]


CUSTOM_ID_LIMIT = 100
CARD_FORM = CustomId("studybot:suggest:card")
PROMPT_FORM = CustomId("studybot:suggest:prompt", kind=WORD, level=WORD, title=TEXT)
LONG_TITLE = "~"


def prompt_form_id(kind: str, difficulty: str, title: str, long_titles: dict[str, str]) -> str:
    """The prompt form's custom id carries the title when it fits (most do); a longer one is kept in
    memory under a token, so only a long title is lost if the bot restarts while the form is open."""
    head = PROMPT_FORM(kind, difficulty, "")
    if len(head) + len(title) <= CUSTOM_ID_LIMIT and not title.startswith(LONG_TITLE):
        return head + title
    token = secrets.token_hex(8)
    if len(long_titles) > 1000:
        long_titles.pop(next(iter(long_titles)))
    long_titles[token] = title
    return head + LONG_TITLE + token


@in_servers
@app_commands.default_permissions(manage_guild=True)
class Review(commands.GroupCog, group_name="review", group_description="Review members' suggestions",
             group_extras=declared(Audience.MODERATOR)):
    def __init__(self, client: StudyBot, service: SuggestionService) -> None:
        self.client = client
        self.service = service
        super().__init__()

    async def cog_load(self) -> None:
        await load_service(self.client, self.service)  # its catch-up finishes what a stopped process cut off
        self.client.add_dynamic_items(*DYNAMIC_ITEMS)
        self.client.forms.add(*FORMS)

    async def cog_unload(self) -> None:
        await unload_service(self.client, self.service)
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
        shown = suggestion_embed(chosen, note=warnings(await self.service.alike(chosen)))
        embeds.append(fit_embed(shown, limit=EMBED_TOTAL - len(embeds[0])))  # one message: one 6,000 total
        if chosen.status is Status.PENDING:
            await interaction.response.send_message(embeds=embeds, view=review_view(chosen), ephemeral=True)
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
        missing = missing_for_queue(channel, interaction.guild.me)
        if missing:
            text += (f"\n⚠️ I am missing **{', '.join(missing)}** there: grant them, or new suggestions only wait in "
                     "`/review queue`.")
        await interaction.response.send_message(text, ephemeral=True)


@in_servers
class Suggest(commands.GroupCog, group_name="suggest", group_description="Suggest a prompt or a flashcard",
              group_extras=declared(Audience.MEMBER)):
    def __init__(self, client: StudyBot, service: SuggestionService) -> None:
        self.client = client
        self.service = service
        self.long_titles: dict[str, str] = {}
        self.forms = (
            FormRoute(CARD_FORM.pattern, Audience.MEMBER, self._card_form),
            FormRoute(PROMPT_FORM.pattern, Audience.MEMBER, self._prompt_form))
        super().__init__()

    async def cog_load(self) -> None:
        self.client.forms.add(*self.forms)

    async def cog_unload(self) -> None:
        self.client.forms.remove(*self.forms)

    async def _queue(self, interaction: discord.Interaction, kind: ItemKind, fields: dict[str, str]) -> None:
        assert interaction.guild_id is not None
        suggestion = await self.service.suggest(interaction.guild_id, interaction.user.id, kind, fields)
        await interaction.response.send_message(
            f"Thanks! Your {kind} is suggestion **#{suggestion.id}** and waits for a moderator's review. "
            "You will get a DM when it is decided; `/suggest mine` shows where it is.", ephemeral=True)
        await self.service.post_to_queue(suggestion)

    async def _card_form(self, interaction: discord.Interaction, match: re.Match[str], fields: dict[str, str]) -> None:
        await self._queue(interaction, "card", fields)

    async def _prompt_form(self, interaction: discord.Interaction, match: re.Match[str],
                           fields: dict[str, str]) -> None:
        kind, level, title = PROMPT_FORM.values(match)
        if title.startswith(LONG_TITLE):
            title = self.long_titles.pop(title[len(LONG_TITLE):], "")
            if not title:
                raise InvalidInput("That form was opened before studybot restarted, and its long title was not "
                                   "kept; nothing was saved.",
                                   hint="Run `/suggest prompt` again (copy your text out of the form first).")
        await self._queue(interaction, "prompt", {**fields, "kind": kind, "difficulty": level,
                                                  "title": title})

    @app_commands.command(name="card", description="Suggest a flashcard for this server's deck and quiz")
    async def card(self, interaction: discord.Interaction) -> None:
        await MemberForm("Suggest a flashcard", card_inputs(), CARD_FORM()).show(interaction)

    @app_commands.command(name="prompt", description="Suggest a daily design prompt for this server")
    @app_commands.describe(kind="What kind of prompt it is", difficulty="How hard it is",
                           title="A short title, e.g. 'Rate-limit an LLM gateway'")
    @app_commands.choices(kind=KIND_CHOICES, difficulty=DIFFICULTY_CHOICES)
    async def prompt(self, interaction: discord.Interaction, kind: app_commands.Choice[str],
                     difficulty: app_commands.Choice[str], title: app_commands.Range[str, 3, 246]) -> None:
        # The pack's limits on a title (3 to 246 characters): the form has no title field, so a title refused only
        # once the form is submitted would lose everything typed in it, with nothing there to correct.
        custom_id = prompt_form_id(kind.value, difficulty.value, title, self.long_titles)
        await MemberForm(f"Suggest: {title}", prompt_inputs(), custom_id).show(interaction)

    @app_commands.command(name="mine", description="Your suggestions here and what became of them")
    async def mine(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        suggestions = await self.service.mine(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(embed=mine_embed(suggestions), ephemeral=True)


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
        queued = len(result.queued)
        lines = [f"Read **{truncate(result.document, 80)}**: {counted(queued, 'card')} {'is' if queued == 1 else 'are'} "
                 f"waiting for review in "
                 f"the deck `{result.deck}`, each citing its section and heading."]
        if result.skipped:
            lines.append(f"{len(result.skipped)} drafted card(s) did not pass the pack checks and were left out:")
            lines += [f"• {truncate(str(p), 180)}" for p in result.skipped[:5]]
        lines.append("Approve, edit or reject them with `/review queue` (or in the review channel).")
        await interaction.followup.send("\n".join(lines), ephemeral=True)
        for suggestion_id in result.queued[:QUEUE_POSTS_PER_UPLOAD]:
            if not await self.service.post_to_queue(await self.service.get(guild_id, suggestion_id)):
                break

    @app_commands.command(name="export", description="This server's own prompts and cards as a content pack")
    async def export(self, interaction: discord.Interaction) -> None:
        guild_id = await require_moderator(interaction)
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)  # up to 2,000 items are read and zipped next
        name, data = await export_pack(self.service.content, guild_id, interaction.guild.name,
                                       self.client.core.clock.now())
        await interaction.followup.send(
            "Here is this server's content as a pack. Unzip it into a content folder and check it with "
            "`studybot content validate`; it can then ship with the bot or serve another installation.",
            file=sendable_file(data, name, upload_limit(interaction.guild), what="This server's pack",
                               hint="Remove items the server no longer uses (`/content remove`), then export again."),
            ephemeral=True)

    @app_commands.command(name="decks", description="Switch shipped packs and this server's decks on or off")
    @app_commands.describe(deck="One deck to switch directly (leave both empty for the menu)",
                           on="Whether that deck is on")
    async def decks(self, interaction: discord.Interaction, deck: str | None = None, on: bool | None = None) -> None:
        guild_id = await require_moderator(interaction)
        if deck is not None or on is not None:
            if deck is None or on is None:
                raise InvalidInput("To switch one deck, name the deck and say whether it is on.",
                                   hint="For example `/content decks deck:server on:False`; with neither you get "
                                        "the menu.")
            switched = await self.service.switch_deck(guild_id, deck, on, interaction.user.id,
                                                      interaction.created_at)
            decks_now = await self.service.decks(guild_id)
            await interaction.response.send_message(
                f"`{switched.key}` is now {'on' if switched.enabled else 'off'}. " + decks_saved_text(decks_now),
                ephemeral=True)
            return
        decks = await self.service.decks(guild_id)
        more = ""
        if len(decks) > SELECT_OPTIONS:
            more = (f"\n{len(decks) - SELECT_OPTIONS} more decks do not fit in the menu; switch them with "
                    "`/content decks deck:<name> on:<True/False>`.")
            decks = decks[:SELECT_OPTIONS]
        lines = [f"{'✅' if d.enabled else '⛔'} **{d.title}** (`{d.key}`): {_count(len(d.prompts), 'prompt')}, "
                 f"{_count(len(d.cards), 'card')}" for d in decks]
        view = DecksView(interaction.user.id, [(d.key, d.title, d.enabled) for d in decks])
        tail = more + "\n\nChoose the decks to keep on:"
        await interaction.response.send_message(truncate("\n".join(lines), MESSAGE_LIMIT - len(tail)) + tail,
                                                view=view, ephemeral=True)
        view.message = await interaction.original_response()

    @app_commands.command(name="remove", description="Remove one of this server's own prompts or cards for good")
    @app_commands.describe(item="The prompt or card (start typing its title or front)")
    async def remove(self, interaction: discord.Interaction, item: str) -> None:
        guild_id = await require_moderator(interaction)
        found = await self.service.own_item(guild_id, item)
        what = item_label(found)

        async def removed(actor_id: int) -> str:
            await self.service.remove_item(guild_id, item, actor_id)
            return (f"Removed {what}. It is no longer studied, quizzed, posted or practised here; posts already "
                    "made stay, and members keep their review history.")

        await ask_before_removing(
            interaction, f"Remove {what} (deck `{found.deck}`) from this server's content for good?",
            remove=removed, kept=f"Kept {what}.", confirm_label="Remove it")

    @app_commands.command(name="edit", description="Edit one of this server's own prompts or cards")
    @app_commands.describe(item="The prompt or card (start typing its title or front)",
                           part="For a prompt: its text and title (default) or its hints")
    @app_commands.choices(part=[app_commands.Choice(name="Text and title", value="text"),
                                app_commands.Choice(name="Hints", value="hints")])
    async def edit(self, interaction: discord.Interaction, item: str,
                   part: app_commands.Choice[str] | None = None) -> None:
        guild_id = await require_moderator(interaction)
        entry = await self.service.own_item(guild_id, item)
        await edit_item_form(entry, part.value if part else "text").show(interaction)

    @remove.autocomplete("item")
    @edit.autocomplete("item")
    async def _own_item(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """The server's own prompts and cards matching what the moderator typed, newest first."""
        if interaction.guild_id is None:
            return []
        typed = current.lower()
        entries = [e for e in reversed(await self.service.own_items(interaction.guild_id))
                   if typed in item_summary(e.item).lower() or typed in e.item.id.lower()]
        return [app_commands.Choice(name=truncate(f"{'Prompt' if e.kind == 'prompt' else 'Card'}: "
                                                  f"{one_line(item_summary(e.item))}", 100), value=e.item.id)
                for e in entries[:SELECT_OPTIONS]]

    @decks.autocomplete("deck")
    async def _decks_deck(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Every deck of the server, on or off, matching what the moderator typed (Discord shows 25)."""
        if interaction.guild_id is None:
            return []
        typed = current.lower()
        return [app_commands.Choice(name=truncate(f"{d.title} ({'on' if d.enabled else 'off'})", 100), value=d.key)
                for d in await self.service.decks(interaction.guild_id)
                if typed in d.key.lower() or typed in d.title.lower()][:SELECT_OPTIONS]
