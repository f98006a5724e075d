"""Community buttons and forms: Approve / Edit / Edit hints / Reject on each suggestion, the suggestion and review
forms, and the deck menu.

The review buttons are persistent (custom id ``studybot:review:<action>:<suggestion>``), so a queue
message works after restarts. The id only names the suggestion: the server and the person
acting come from the interaction, and authority is checked on every click and every form.

Text inputs carry Discord's hard maximum lengths only; every other rule (minimum lengths,
how many lines, tag shapes) is the pack validator's, so its message is what a person reads.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord

from bot.community import (
    TOPIC_LIMIT,
    WRONG_ANSWERS_LIMIT,
    Decision,
    ServerItem,
    Status,
    Suggestion,
    SuggestionService,
    form_fields,
    item_summary,
)
from bot.content.models import Prompt
from bot.errors import Conflict
from cogs._common import BaseView, RoutedItem, no_pings, one_line, truncate
from cogs._common.access import service_of
from cogs._common.authority import Audience
from cogs._common.forms import Field, FormRoute, ModeratorForm, text_input
from cogs._common.ids import NUMBER, SLUG, CustomId
from cogs.community.authority import require_moderator
from cogs.community.embeds import decks_saved_text, item_label, suggestion_embed
from cogs.community.messages import update_queue_message

log = logging.getLogger(__name__)

def card_inputs(values: dict[str, str] | None = None) -> list[Field]:
    v = values or {}
    return [
        text_input("Front (the question)", "front", max_length=300, default=v.get("front"),
               placeholder="What does a reranker add after vector search?"),
        text_input("Back (the answer)", "back", max_length=900, default=v.get("back")),
        text_input("Topic (comma-separated)", "topic", max_length=TOPIC_LIMIT, paragraph=False, required=False,
               default=v.get("topic"), placeholder="retrieval, evals"),
        text_input("Wrong options for the quiz (one per line)", "wrong_answers",
               max_length=WRONG_ANSWERS_LIMIT, required=False, default=v.get("wrong_answers"),
               placeholder="Three plausible but wrong answers make a good quiz."),
    ]


def prompt_inputs(values: dict[str, str] | None = None, *, with_title: bool = False) -> list[Field]:
    """Five inputs (Discord's most): the suggestion form names the title in the command instead of
    asking for hints twice; a moderator's edit form swaps the hints for the title."""
    v = values or {}
    inputs = [
        text_input("Scenario", "scenario", max_length=1800, default=v.get("scenario"),
               placeholder="The system to design or the problem to solve, with concrete numbers."),
        text_input("Scale and constraints (one per line)", "constraints", max_length=1700, default=v.get("constraints")),
        text_input("Follow-up questions (2-4, one per line)", "follow_ups", max_length=1000,
               default=v.get("follow_ups")),
        text_input("What a strong answer covers (one per line)", "rubric", max_length=2000, default=v.get("rubric")),
    ]
    if with_title:
        inputs.insert(0, text_input("Title", "title", max_length=246, paragraph=False, default=v.get("title")))
    else:
        inputs.insert(3, text_input("Hints (one per line)", "hints", max_length=1250, default=v.get("hints")))
    return inputs


def edit_inputs(item_fields: dict[str, str], item: object) -> list[Field]:
    return prompt_inputs(item_fields, with_title=True) if isinstance(item, Prompt) else card_inputs(item_fields)


def hints_inputs(values: dict[str, str]) -> list[Field]:
    """The hints of a prompt alone: the edit form holds the title in their place (five inputs at most)."""
    return [text_input("Hints (one per line)", "hints", max_length=1250, default=values.get("hints"),
                   placeholder="Nudges a member can open before answering, from gentle to specific.")]


def reason_inputs() -> list[Field]:
    return [text_input("Reason (sent to the author)", "reason", max_length=500,
                   placeholder="What would make it acceptable?")]


APPROVE = CustomId("studybot:review:approve", id=NUMBER)
EDIT = CustomId("studybot:review:edit", id=NUMBER)
REJECT = CustomId("studybot:review:reject", id=NUMBER)
HINTS = CustomId("studybot:review:hints", id=NUMBER)
EDIT_FORM = CustomId("studybot:review:editform", id=NUMBER)
HINTS_FORM = CustomId("studybot:review:hintsform", id=NUMBER)
REJECT_FORM = CustomId("studybot:review:rejectform", id=NUMBER)
ITEM_FORM = CustomId("studybot:content:editform", item=SLUG)  # one of the server's own items
UNKNOWN_MESSAGE = 10008  # topics/opcodes-and-status-codes: the message was deleted


def suggestions_of(interaction: discord.Interaction) -> SuggestionService:
    return service_of(interaction, SuggestionService)


def _still_pending(suggestion: Suggestion) -> None:
    if suggestion.status is not Status.PENDING:
        who = f" by <@{suggestion.reviewer_id}>" if suggestion.reviewer_id else ""
        raise Conflict(f"Suggestion #{suggestion.id} was already {suggestion.status}{who}.",
                       hint="A suggestion is decided once; nothing was changed.")


class _ReviewButton(RoutedItem):
    audience = Audience.MODERATOR
    label = ""
    style = discord.ButtonStyle.secondary

    def __init__(self, suggestion_id: int) -> None:
        super().__init__(discord.ui.Button(label=self.label, style=self.style,  # type: ignore[call-arg]  # a mixin: DynamicItem, next in the MRO, takes the button
                                           custom_id=self.custom_ids(suggestion_id)))
        self.suggestion_id = suggestion_id

    async def _waiting(self, interaction: discord.Interaction) -> Suggestion:
        """The suggestion, checked at this click: the clicker moderates this server, and it is still undecided."""
        guild_id = await require_moderator(interaction)
        suggestion = await suggestions_of(interaction).get(guild_id, self.suggestion_id)
        _still_pending(suggestion)
        return suggestion


class ApproveButton(_ReviewButton, discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=APPROVE.template):
    custom_ids, label, style = APPROVE, "Approve", discord.ButtonStyle.success

    async def handle(self, interaction: discord.Interaction) -> None:
        guild_id = await require_moderator(interaction)
        decision = await suggestions_of(interaction).approve(guild_id, self.suggestion_id, interaction.user.id)
        await show_decision(interaction, decision, edited=False)


class EditButton(_ReviewButton, discord.ui.DynamicItem[discord.ui.Button[Any]],
                 template=EDIT.template):
    custom_ids, label, style = EDIT, "Edit", discord.ButtonStyle.primary

    async def handle(self, interaction: discord.Interaction) -> None:
        suggestion = await self._waiting(interaction)
        await ModeratorForm(f"Edit and approve #{suggestion.id}", edit_inputs(form_fields(suggestion.item),
                            suggestion.item), EDIT_FORM(suggestion.id)).show(interaction)


class ReviewHintsButton(_ReviewButton, discord.ui.DynamicItem[discord.ui.Button[Any]],
                        template=HINTS.template):
    """A prompt's hints, which the Edit form has no room for; changed without deciding the suggestion."""

    custom_ids, label, style = HINTS, "Edit hints", discord.ButtonStyle.secondary

    async def handle(self, interaction: discord.Interaction) -> None:
        suggestion = await self._waiting(interaction)
        await ModeratorForm(f"Hints of suggestion #{suggestion.id}", hints_inputs(form_fields(suggestion.item)),
                            HINTS_FORM(suggestion.id)).show(interaction)


class RejectButton(_ReviewButton, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=REJECT.template):
    custom_ids, label, style = REJECT, "Reject", discord.ButtonStyle.danger

    async def handle(self, interaction: discord.Interaction) -> None:
        await self._waiting(interaction)
        await ModeratorForm(f"Reject suggestion #{self.suggestion_id}", reason_inputs(),
                            REJECT_FORM(self.suggestion_id)).show(interaction)


async def _edited(interaction: discord.Interaction, match: re.Match[str], fields: dict[str, str]) -> None:
    guild_id = await require_moderator(interaction)
    [suggestion_id] = EDIT_FORM.values(match)
    decision = await suggestions_of(interaction).approve(guild_id, suggestion_id, interaction.user.id, edited=fields)
    await show_decision(interaction, decision, edited=True)


async def _hints_edited(interaction: discord.Interaction, match: re.Match[str], fields: dict[str, str]) -> None:
    """The review message shows the new hints and keeps its buttons: the suggestion still waits for a decision."""
    guild_id = await require_moderator(interaction)
    [suggestion_id] = HINTS_FORM.values(match)
    suggestion = await suggestions_of(interaction).revise(guild_id, suggestion_id, interaction.user.id, fields)
    embed = suggestion_embed(suggestion, note="Hints edited; approve, edit or reject when ready.")
    if not await _update_clicked(interaction, embed, review_view(suggestion)):
        await interaction.response.send_message(embed=embed, view=review_view(suggestion), ephemeral=True)
    if suggestion.queue_message_id and (interaction.message is None
                                        or interaction.message.id != suggestion.queue_message_id):
        await update_queue_message(interaction.client, suggestion, embed, view=review_view(suggestion))


async def _rejected(interaction: discord.Interaction, match: re.Match[str], fields: dict[str, str]) -> None:
    guild_id = await require_moderator(interaction)
    [suggestion_id] = REJECT_FORM.values(match)
    decision = await suggestions_of(interaction).reject(guild_id, suggestion_id, interaction.user.id,
                                                    fields.get("reason", ""))
    await show_decision(interaction, decision, edited=False)


async def _item_edited(interaction: discord.Interaction, match: re.Match[str], fields: dict[str, str]) -> None:
    guild_id = await require_moderator(interaction)
    [item_id] = ITEM_FORM.values(match)
    entry = await suggestions_of(interaction).edit_item(guild_id, item_id, interaction.user.id, fields)
    await interaction.response.send_message(
        f"Saved {item_label(entry)}. Study, the quiz, the daily rotation and practice use the new text at once; "
        "members keep their history of it.", ephemeral=True, allowed_mentions=no_pings())


def edit_item_form(entry: ServerItem, part: str) -> ModeratorForm:
    """``/content edit``'s form, pre-filled: a card's fields, a prompt's text (with its title) or its hints."""
    values = form_fields(entry.item)
    if not isinstance(entry.item, Prompt):
        inputs = card_inputs(values)
    elif part == "hints":
        inputs = hints_inputs(values)
    else:
        inputs = prompt_inputs(values, with_title=True)
    title = f"Edit: {one_line(item_summary(entry.item))}"
    return ModeratorForm(title, inputs, ITEM_FORM(entry.item.id))  # shortened at a word to Discord's 45


FORMS = (FormRoute(EDIT_FORM.pattern, Audience.MODERATOR, _edited),
         FormRoute(HINTS_FORM.pattern, Audience.MODERATOR, _hints_edited),
         FormRoute(REJECT_FORM.pattern, Audience.MODERATOR, _rejected),
         FormRoute(ITEM_FORM.pattern, Audience.MODERATOR, _item_edited))


DYNAMIC_ITEMS = (ApproveButton, EditButton, ReviewHintsButton, RejectButton)


def review_view(suggestion: Suggestion) -> BaseView:
    """Approve, Edit and Reject; and Edit hints for a prompt."""
    view = BaseView(timeout=None)
    for item in DYNAMIC_ITEMS:
        if item is not ReviewHintsButton or suggestion.kind == "prompt":
            view.add_item(item(suggestion.id))
    return view


async def _update_clicked(interaction: discord.Interaction, embed: discord.Embed, view: BaseView | None) -> bool:
    """Show ``embed`` on the message whose button opened the form; False when there is none, or it was deleted
    while the form was open (Discord answers Unknown Message and the interaction stays unanswered): what was
    saved is then told in a reply of its own rather than lost behind an error."""
    if interaction.message is None:
        return False
    try:
        await interaction.response.edit_message(embed=embed, view=view)
    except discord.NotFound as error:
        if error.code != UNKNOWN_MESSAGE:
            raise
        return False
    return True


async def show_decision(interaction: discord.Interaction, decision: Decision, *, edited: bool) -> None:
    """Answer first (the clicked queue message shows the decision), then tidy up and tell the author."""
    suggestion = decision.suggestion
    note = f"Added to the server's content as `{decision.item_id}`." if decision.item_id else None
    embed = suggestion_embed(suggestion, note=note)
    clicked = interaction.message
    if not await _update_clicked(interaction, embed, None):
        await interaction.response.send_message(embed=embed, ephemeral=True)
    if suggestion.queue_message_id and (clicked is None or clicked.id != suggestion.queue_message_id):
        await update_queue_message(interaction.client, suggestion, embed)
    # Whether a DM Discord could not take counts as told is the service's rule (bot/community/decisions.py).
    if await suggestions_of(interaction).tell_author(suggestion, edited=edited) is False:
        if await _left(interaction, suggestion.author_id):
            text = "I could not DM the author: they are no longer in this server, so they will not hear of it."
        else:
            text = "I could not DM the author (their DMs are closed); they can see the outcome with `/suggest mine`."
        await interaction.followup.send(text, ephemeral=True)


ASK_WITHIN = 2.0  # seconds the gateway is given to say whether the author is still a member


async def _left(interaction: discord.Interaction, user_id: int) -> bool:
    """Whether the author has left the server, asked of the gateway (Request Guild Members by id needs no
    privileged intent and, unlike fetching a member who is gone, is never refused). The refused DM does not tell:
    one who left but shares another server with the bot is refused as closed DMs are, and either way `/suggest
    mine` cannot help someone no longer here. Unknown (the gateway did not answer) means no."""
    guild = interaction.guild
    if guild is None:
        return False
    try:
        found = await asyncio.wait_for(guild.query_members(user_ids=[user_id], limit=1, cache=False), ASK_WITHIN)
    except (TimeoutError, discord.ClientException):
        return False
    return not found


class DecksView(BaseView):
    """A menu of every deck the server could use; the ones chosen are on, the rest off."""

    audience = Audience.MODERATOR

    def __init__(self, owner_id: int, decks: list[tuple[str, str, bool]]) -> None:
        super().__init__(owner_id=owner_id, timeout=300)
        self.select: discord.ui.Select[DecksView] = discord.ui.Select(
            placeholder="Decks this server uses", min_values=0, max_values=len(decks),
            custom_id="studybot:content:decks",
            options=[discord.SelectOption(label=truncate(title, 100), value=key, default=on)
                     for key, title, on in decks])
        self.select.callback = self._chosen  # type: ignore[method-assign]  # a Select built at run time gets its callback so
        self.add_item(self.select)

    async def _chosen(self, interaction: discord.Interaction) -> None:
        guild_id = await require_moderator(interaction)
        shown = [option.value for option in self.select.options]
        decks = await suggestions_of(interaction).choose_decks(guild_id, shown, set(self.select.values),
                                                               interaction.user.id, interaction.created_at)
        await interaction.response.edit_message(content=decks_saved_text(decks), view=None)
        self.stop()
