"""The buttons on a daily post (persistent across restarts), the answer form, and moderator forms."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import discord

from bot.content.models import Prompt
from bot.daily import ALL_KINDS, ANSWER_LIMIT, DailyService, SavedAnswer, answer_form
from cogs._common import BaseModal, BaseView, RoutedItem, may_send_in, no_pings
from cogs._common.access import service_of
from cogs._common.authority import OTHER_SERVER, Audience, other_server, refuse
from cogs._common.forms import FormRoute, ModeratorForm, text_input
from cogs._common.ids import DAY, NUMBER, WORD, CustomId
from cogs._common.prompts import KIND_LABELS, hints_embed, rubric_embed


def _service(interaction: discord.Interaction) -> DailyService:
    """The daily service, owned by the Daily cog (views are built before and after restarts)."""
    return service_of(interaction, DailyService)


def _post_id(action: str) -> CustomId:
    """``studybot:daily:<action>:<guild>:<YYYYMMDD>``: the server and the post's local date."""
    return CustomId(f"studybot:daily:{action}", guild=NUMBER, day=DAY)


ANSWER, HINTS, RUBRIC = _post_id("answer"), _post_id("hints"), _post_id("rubric")


class _PostButton(RoutedItem):
    """A button whose custom id carries the guild and the post's local date, so it outlives restarts.

    Mixed into :class:`discord.ui.DynamicItem` subclasses (which each need their own template).
    """
    audience = Audience.MEMBER

    label = ""
    style = discord.ButtonStyle.secondary
    emoji: str | None = None
    guild_id: int  # always set: the post's server is part of the custom id

    def __init__(self, guild_id: int, day: date) -> None:
        super().__init__(discord.ui.Button(label=self.label, style=self.style, emoji=self.emoji,  # type: ignore[call-arg]  # a mixin: DynamicItem, next in the MRO, takes the button
                                           custom_id=self.custom_ids(guild_id, day)))
        self.guild_id = guild_id
        self.day = day


class SubmitAnswerButton(_PostButton, discord.ui.DynamicItem[discord.ui.Button[Any]], template=ANSWER.template):
    custom_ids, label, style, emoji = ANSWER, "Submit answer", discord.ButtonStyle.primary, "✍️"

    async def handle(self, interaction: discord.Interaction) -> None:
        service = _service(interaction)
        _record, prompt = await service.post_for(self.guild_id, self.day)
        existing = await service.answer_of(self.guild_id, self.day, interaction.user.id)
        modal = AnswerModal(self.guild_id, self.day, prompt, existing.body if existing else None)
        await interaction.response.send_modal(modal)
        modal.stop()  # the submission is answered by the form router (FORMS), which survives restarts


class HintsButton(_PostButton, discord.ui.DynamicItem[discord.ui.Button[Any]], template=HINTS.template):
    custom_ids, label, emoji = HINTS, "Hints", "💡"

    async def handle(self, interaction: discord.Interaction) -> None:
        _record, prompt = await _service(interaction).post_for(self.guild_id, self.day)
        await interaction.response.send_message(embed=hints_embed(prompt), ephemeral=True)


class RubricButton(_PostButton, discord.ui.DynamicItem[discord.ui.Button[Any]], template=RUBRIC.template):
    custom_ids, label, emoji = RUBRIC, "Rubric", "📋"

    async def handle(self, interaction: discord.Interaction) -> None:
        prompt = await _service(interaction).rubric_for(self.guild_id, self.day, interaction.user.id)
        await interaction.response.send_message(embed=rubric_embed(prompt), ephemeral=True)


DYNAMIC_ITEMS = (SubmitAnswerButton, HintsButton, RubricButton)


def post_view(guild_id: int, day: date) -> BaseView:
    view = BaseView(timeout=None)
    for item in DYNAMIC_ITEMS:
        view.add_item(item(guild_id, day))
    return view


ANSWER_FORM = CustomId("studybot:daily:form", guild=NUMBER, day=DAY)


class AnswerModal(BaseModal):
    """The answer form. Its submission is handled by :data:`FORMS`, not by this object.

    discord.py only routes a modal's submission to the process that opened it, so a form left
    open across a restart would be lost. The cog therefore stops the modal as soon as it is
    shown and the form router answers every submission whose custom id matches :data:`ANSWER_FORM`.
    """
    audience = Audience.MEMBER

    def __init__(self, guild_id: int, day: date, prompt: Prompt, previous: str | None) -> None:
        form = answer_form(prompt, replacing=previous is not None)
        super().__init__(title=form.title, timeout=None, custom_id=ANSWER_FORM(guild_id, day))
        self.answer = self.ask(form.label, discord.ui.TextInput(
            custom_id="answer", style=discord.TextStyle.paragraph, max_length=ANSWER_LIMIT, required=True,
            placeholder=form.placeholder, default=previous))


async def _answer_submitted(interaction: discord.Interaction, match: re.Match[str], fields: dict[str, str]) -> None:
    """A submitted answer form (from this process or an earlier one), routed by :data:`FORMS`."""
    guild_id, day = ANSWER_FORM.values(match)
    if other_server(interaction, guild_id) or interaction.guild_id is None:
        await refuse(interaction, OTHER_SERVER)
        return
    # Two requests: the confirmation answers the form as soon as the answer is stored (one bounded write,
    # well inside Discord's 3 seconds), naming the thread it goes to; then the answer is shown there.
    service = _service(interaction)
    saved = await service.save_answer(interaction.guild_id, day, interaction.user.id,
                                      fields.get("answer", ""))
    thread = interaction.client.get_channel(saved.thread_id) if saved.thread_id is not None else None
    if isinstance(thread, discord.Thread) and not may_send_in(thread):  # Discord would refuse it: not asked
        await interaction.response.send_message(
            f"✅ Saved, but I cannot show it in {thread.mention}: I am missing **Send Messages in Threads** in "
            "the daily channel. It still counts; a moderator can check my permissions.", ephemeral=True,
            allowed_mentions=no_pings())
        return
    await interaction.response.send_message(_saved_text(saved), ephemeral=True, allowed_mentions=no_pings())
    result = await service.show_answer(saved)
    if not result.thread_posted:
        where = f"<#{saved.thread_id}>" if saved.thread_id is not None else "the discussion thread"
        if result.retrying:  # Discord failing for a moment: no moderator needs to look
            await interaction.followup.send(
                f"Discord did not take your answer in {where} just now; I will show it there in a minute. "
                "It is saved and still counts.", ephemeral=True, allowed_mentions=no_pings())
            return
        await interaction.followup.send(
            f"I could not show your answer in {where} ({result.problem}). It is saved and still "
            "counts; a moderator can check my permissions.", ephemeral=True, allowed_mentions=no_pings())


def _saved_text(saved: SavedAnswer) -> str:
    """What the member is told once the answer is stored: where it is shown, and what it unlocked."""
    if saved.thread_id is None:  # the post went without its thread: showing the answer starts it
        text = "✅ Saved; it goes to the day's discussion thread. The **Rubric** button is open to you now."
    elif saved.edited:
        text = f"✅ Saved and updated in <#{saved.thread_id}>. The **Rubric** button is open to you now."
    else:
        text = f"✅ Saved and posted in <#{saved.thread_id}>. The **Rubric** button is open to you now."
    if not saved.edited:
        text += " It counts for today's streak."
    return text



class KindsView(BaseView):
    """A menu of the prompt kinds the server wants, saved as soon as a moderator chooses."""
    audience = Audience.MODERATOR

    def __init__(self, owner_id: int, current: frozenset[str]) -> None:
        super().__init__(owner_id=owner_id, timeout=300)
        self.select: discord.ui.Select[KindsView] = discord.ui.Select(
            placeholder="Prompt kinds to post", min_values=1, max_values=len(ALL_KINDS),
            options=[discord.SelectOption(label=KIND_LABELS[k], value=k, default=k in current) for k in ALL_KINDS],
            custom_id="studybot:daily:kinds",
        )
        self.select.callback = self._chosen  # type: ignore[method-assign]  # a Select built at run time gets its callback so
        self.add_item(self.select)

    async def _chosen(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        schedule = await _service(interaction).set_kinds(interaction.guild_id, interaction.user.id,
                                                         self.select.values)
        chosen = ", ".join(KIND_LABELS[k] for k in sorted(schedule.kinds))
        await interaction.response.edit_message(content=f"Saved. Daily prompts now come from: **{chosen}**.",
                                                view=None)
        self.stop()


ADD_FORM = CustomId("studybot:daily:addform", kind=WORD, difficulty=WORD)


def add_prompt_form(kind: str, difficulty: str) -> ModeratorForm:
    """A moderator's own prompt, checked on submit with the same model and limits as the content packs.
    Its kind and difficulty ride in the custom id, so the form still works after a restart."""
    return ModeratorForm("Add a server prompt", [
        text_input("Title", "title", max_length=240, min_length=3, paragraph=False),
        text_input("Scenario", "scenario", max_length=1800, min_length=40,
                   placeholder="The system to design or the problem to solve, with concrete numbers."),
        text_input("Scale and constraints (one per line)", "constraints", max_length=1000),
        text_input("Follow-up questions (2-4, one per line)", "follow_ups", max_length=1000),
        text_input("What a strong answer covers (one per line)", "rubric", max_length=1000),
    ], ADD_FORM(kind, difficulty))


async def _prompt_added(interaction: discord.Interaction, match: re.Match[str], fields: dict[str, str]) -> None:
    assert interaction.guild_id is not None
    kind, difficulty = ADD_FORM.values(match)
    prompt = await _service(interaction).add_prompt(
        interaction.guild_id, interaction.user.id, kind=kind, difficulty=difficulty, title=fields.get("title", ""),
        scenario=fields.get("scenario", ""), constraints=fields.get("constraints", ""),
        follow_ups=fields.get("follow_ups", ""), rubric=fields.get("rubric", ""))
    await interaction.response.send_message(
        f"Added **{prompt.title}** (`{prompt.id}`) to this server's prompts.", ephemeral=True,
        allowed_mentions=no_pings())


FORMS = (FormRoute(ANSWER_FORM.pattern, Audience.MEMBER, _answer_submitted),
         FormRoute(ADD_FORM.pattern, Audience.MODERATOR, _prompt_added))


__all__ = ["DYNAMIC_ITEMS", "add_prompt_form", "AnswerModal", "KindsView", "FORMS", "post_view"]
