"""Buttons in a group's thread (or DMs) and the feedback form; ids carry the group so they outlive restarts."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from typing import Any

import discord

from bot.errors import NotFound
from bot.mock import Group, MockService, Report
from cogs._common import BaseModal, BaseView, RoutedItem, no_pings
from cogs._common.access import client_of, payload_of, service_of
from cogs._common.authority import Audience
from cogs._common.forms import FormRoute
from cogs._common.ids import NUMBER, CustomId, one_of
from cogs._common.prompts import RUBRIC_FOR_INTERVIEWER, rubric_embed
from cogs.mock.meeting_views import meeting_buttons

REPORT_LABELS = {"met": ("We met", discord.ButtonStyle.success),
                 "noshow": ("They didn't show", discord.ButtonStyle.danger),
                 "missed": ("We couldn't make it", discord.ButtonStyle.secondary)}
log = logging.getLogger(__name__)


def _mentions(user_ids: list[int]) -> str:
    """Who a pause (or its lifting) is about, by name: in a trio it need not be every member reported."""
    return ", ".join(f"<@{u}>" for u in user_ids)


FEEDBACK_FORM = CustomId("studybot:mock:form", group=NUMBER, to=NUMBER)


RUBRIC = CustomId("studybot:mock:rubric", group=NUMBER)
REPORT = CustomId("studybot:mock:report", group=NUMBER, outcome=one_of("met", "noshow", "missed"))
FEEDBACK = CustomId("studybot:mock:feedback", group=NUMBER, to=NUMBER)
ABSENT = CustomId("studybot:mock:absent", group=NUMBER)


def _service(interaction: discord.Interaction) -> MockService:
    return service_of(interaction, MockService)


class RubricButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=RUBRIC.template):
    audience = Audience.MEMBER
    custom_ids = RUBRIC

    def __init__(self, group_id: int) -> None:
        super().__init__(discord.ui.Button(label="Rubric (interviewer)", emoji="📋",
                                           custom_id=RUBRIC(group_id)))
        self.group_id = group_id


    async def handle(self, interaction: discord.Interaction) -> None:
        prompt = await _service(interaction).rubric_for(self.group_id, interaction.user.id, interaction.guild_id)
        await interaction.response.send_message(embed=rubric_embed(prompt, footer=RUBRIC_FOR_INTERVIEWER), ephemeral=True)


def _withdrawn_text(report: Report) -> str:
    """What a **We met** or **We couldn't make it** withdrew: an earlier "didn't show" report and its pause."""
    # Never the viewer's own report: a member reported absent cannot withdraw it (the service refuses).
    if not report.withdrawn:
        return ""
    names = ", ".join(f"<@{u}>" for u in report.withdrawn)
    text = (f" The earlier \"didn't show\" report about {names} is withdrawn: it no longer counts against "
            "them in their status or the server's statistics.")
    if report.resumed:
        text += (f" {_mentions(report.resumed)} had been paused for missing twice; that pause is lifted and "
                 "they have been told.")
    return text


def met_text(report: Report) -> str:
    """The answer to **We met**, saying plainly when it withdrew an earlier "didn't show" report."""
    counted = "Great, it counts for everyone's streak." if not report.absent else \
        f"Great, it counts for the streak of everyone who came, not {_mentions(report.absent)}, reported absent."
    return counted + _withdrawn_text(report) + " Leave feedback for your partner:"


def disputed_text(report: Report) -> str:
    """The answer to **We met** from a member others reported absent: their word against the reporters', so the
    meeting is not recorded; only a "didn't show" the member reported themselves is taken back."""
    names = ", ".join(f"<@{u}>" for u in report.disputed_by)
    if not report.withdrawn:
        return (f"{names} reported that you did not show, and only they can withdraw that report, so nothing was "
                "recorded. I have asked them to press **We met** if you did meet.")
    mine = ", ".join(f"<@{u}>" for u in report.withdrawn)
    text = (f"Your own \"didn't show\" report about {mine} is withdrawn. {names} reported that you did not show, "
            "and only they can withdraw that, so the meeting is not recorded yet. I have asked them to press "
            "**We met** if you did meet.")
    if report.resumed:
        text += (f" {_mentions(report.resumed)} had been paused for missing twice; that pause is lifted and "
                 "they have been told.")
    return text


class ReportButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=REPORT.template):
    audience = Audience.MEMBER
    custom_ids = REPORT

    def __init__(self, group_id: int, outcome: str) -> None:
        label, style = REPORT_LABELS[outcome]
        super().__init__(discord.ui.Button(label=label, style=style,
                                           custom_id=REPORT(group_id, outcome)))
        self.group_id, self.outcome = group_id, outcome


    async def handle(self, interaction: discord.Interaction) -> None:
        service = _service(interaction)
        if self.outcome == "noshow" and await self._ask_who(interaction, service):
            return
        report = await service.report(self.group_id, interaction.user.id, self.outcome, interaction.guild_id)
        group = await service.group(self.group_id)
        assert group is not None
        if report.disputed_by:
            await interaction.response.send_message(disputed_text(report), ephemeral=True, allowed_mentions=no_pings())
            if report.to_ask:
                client_of(interaction).spawn(service.ask_reporters(group.id, interaction.user.id, report.to_ask),
                                             name="studybot-mock-ask-reporters")
            if report.resumed:
                client_of(interaction).spawn(service.tell_resumed(group.guild_id, report.resumed),
                                             name="studybot-mock-resumed")
            return
        # "We met" or "We couldn't make it" withdrew the report that paused them; the presser reads it in the answer.
        others = [u for u in report.resumed if u != interaction.user.id]
        if self.outcome == "met":
            view = feedback_view(group, interaction.user.id, report.absent)
            await interaction.response.send_message(met_text(report), view=view,
                                                    ephemeral=True, allowed_mentions=no_pings())
            if others:
                client_of(interaction).spawn(service.tell_resumed(group.guild_id, others),
                                             name="studybot-mock-resumed")
            return
        text = noshow_text(report) if self.outcome == "noshow" else \
            "Noted: you could not make it this round. See you next round." + _withdrawn_text(report)
        await _answer_report(interaction, service, group, report, text, others)

    async def _ask_who(self, interaction: discord.Interaction, service: MockService) -> bool:
        """In a trio, "They didn't show" first asks who was missing (the third may well have come); whether it
        asked. A pair's partner is the only one it can be about, so a pair keeps its one press."""
        group = await service.member_group(self.group_id, interaction.user.id, interaction.guild_id)
        others = [m for m in group.members if m.user_id != interaction.user.id]
        if len(others) < 2:
            return False
        view = BaseView(owner_id=interaction.user.id, timeout=600)
        view.add_item(AbsentSelect(group.id, [discord.SelectOption(label=f"The {m.role}", value=str(m.user_id))
                                              for m in others]))
        who = ", ".join(f"<@{m.user_id}> ({m.role})" for m in others)
        await interaction.response.send_message(f"Who did not show? Pick only who was missing: {who}.", view=view,
                                                ephemeral=True, allowed_mentions=no_pings())
        return True


def noshow_text(report: Report, absent: list[int] | None = None) -> str:
    """The answer to a "didn't show": whom it reported (a trio's reporter named them), and any pause it brought."""
    text = f"Thanks, noted. Sorry {_mentions(absent)} did not show." if absent else \
        "Thanks, noted. Sorry your partner did not show."
    if report.paused:
        one = len(report.paused) == 1
        text += (f" {_mentions(report.paused)} {'has' if one else 'have'} missed twice in a row and "
                 f"{'is' if one else 'are'} paused until they rejoin.")
    if report.disputing:
        text += (f" {_mentions(report.disputing)} pressed **We met**, so the report is disputed: if you did meet, "
                 "press **We met** yourself and it is withdrawn.")
    return text


async def _answer_report(interaction: discord.Interaction, service: MockService, group: Group, report: Report,
                         text: str, resumed: list[int]) -> None:
    """Answer a report, then tell those it paused, and those whose pause it lifted, by DM."""
    if not report.changed:
        text = "This interview was already reported as met."
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=no_pings())
    if report.paused:  # the DMs wait behind paced traffic: only after the member has their answer
        client_of(interaction).spawn(service.tell_paused(group.guild_id, report.paused),
                                     name="studybot-mock-paused")
    if resumed:
        client_of(interaction).spawn(service.tell_resumed(group.guild_id, resumed), name="studybot-mock-resumed")


class AbsentSelect(RoutedItem, discord.ui.DynamicItem[discord.ui.Select[Any]],
                   template=ABSENT.template):
    """A trio member's answer to "Who did not show?": only the members picked are reported absent."""

    audience = Audience.MEMBER
    custom_ids = ABSENT

    def __init__(self, group_id: int, options: list[discord.SelectOption] | None = None) -> None:
        options = options or [discord.SelectOption(label="…", value="0")]
        super().__init__(discord.ui.Select(custom_id=ABSENT(group_id), min_values=1, max_values=len(options),
                                           options=options, placeholder="Who did not show?"))
        self.group_id = group_id

    async def handle(self, interaction: discord.Interaction) -> None:
        # isdecimal, not isdigit: "²" is a digit that int() refuses
        absent = [int(v) for v in payload_of(interaction).get("values", []) if str(v).isdecimal()]
        service = _service(interaction)
        report = await service.report(self.group_id, interaction.user.id, "noshow", interaction.guild_id, absent)
        group = await service.group(self.group_id)
        assert group is not None
        text = noshow_text(report, sorted(set(absent)))
        came = [m for m in group.members if m.user_id not in absent]
        if report.changed and group.outcome != "met" and len(came) >= 2:
            # A report names who was missing; only "We met" says the others met and credits their streaks.
            text += " If the two of you who came met, press **We met** too, so it counts for your streaks."
        await _answer_report(interaction, service, group, report, text, [])


class FeedbackButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                     template=FEEDBACK.template):
    audience = Audience.MEMBER
    custom_ids = FEEDBACK

    def __init__(self, group_id: int, to_id: int, label: str = "Give feedback") -> None:
        super().__init__(discord.ui.Button(label=label[:80], emoji="📝",
                                           custom_id=FEEDBACK(group_id, to_id)))
        self.group_id, self.to_id = group_id, to_id


    async def handle(self, interaction: discord.Interaction) -> None:
        group = await _service(interaction).member_group(self.group_id, interaction.user.id, interaction.guild_id)
        if not group.has(self.to_id) or interaction.user.id == self.to_id:
            raise NotFound("This feedback form is for your partner in your own interview.")
        modal = FeedbackModal(self.group_id, self.to_id)
        await interaction.response.send_modal(modal)
        modal.stop()  # answered by the form router (FORMS), which survives restarts


DYNAMIC_ITEMS = (RubricButton, ReportButton, AbsentSelect, FeedbackButton)


def brief_view(group_id: int) -> BaseView:
    view = BaseView(timeout=None)
    meeting_buttons(view, group_id)
    view.add_item(RubricButton(group_id))
    view.add_item(ReportButton(group_id, "met"))
    return view


def met_brief_view(group_id: int) -> BaseView:
    """The brief of a group that met before its round was cancelled: no times left, but the rubric and
    **We met** (which answers with the feedback forms) stay."""
    view = BaseView(timeout=None)
    view.add_item(RubricButton(group_id))
    view.add_item(ReportButton(group_id, "met"))
    return view


def checkin_view(group_id: int, status: str = "agreed") -> BaseView:
    """After a round without an agreed time only **We met** is offered: nobody can have failed to show."""
    view = BaseView(timeout=None)
    for outcome in REPORT_LABELS if status != "no-time" else ("met",):
        view.add_item(ReportButton(group_id, outcome))
    return view


def feedback_view(group: Any, from_id: int, absent: Collection[int] = ()) -> BaseView:
    """A feedback button for each partner who came: a trio member reported absent was not there to be rated."""
    view = BaseView(timeout=None)
    for member in group.members:
        if member.user_id != from_id and member.user_id not in absent:
            view.add_item(FeedbackButton(group.id, member.user_id, f"Feedback for your {member.role}"))
    return view


class FeedbackModal(BaseModal):
    audience = Audience.MEMBER
    def __init__(self, group_id: int, to_id: int) -> None:
        super().__init__(title="Feedback for your partner", custom_id=FEEDBACK_FORM(group_id, to_id))
        for key, label in (("communication", "Communication (1-5)"), ("depth", "Technical depth (1-5)"),
                           ("tradeoffs", "Tradeoff reasoning (1-5)")):
            self.ask(label, discord.ui.TextInput(custom_id=key, min_length=1, max_length=1,
                                                 placeholder="1 = weak … 5 = excellent"))
        self.ask("A short note for them", discord.ui.TextInput(custom_id="note", required=False,
                                                               style=discord.TextStyle.paragraph, max_length=500))


async def _feedback_submitted(interaction: discord.Interaction, match: re.Match[str], values: dict[str, str]) -> None:
    """A feedback form (from this process or one before a restart), routed by :data:`FORMS`."""
    service = _service(interaction)
    group_id, to_id = FEEDBACK_FORM.values(match)
    group, scores, note = await service.feedback(
        group_id, interaction.user.id, to_id,
        [values.get("communication", ""), values.get("depth", ""), values.get("tradeoffs", "")],
        values.get("note", ""), guild_id=interaction.guild_id)
    # Answer first: the public message waits its turn behind scheduled posts, which can take
    # longer than Discord's 3 seconds; the feedback itself is already stored.
    await interaction.response.send_message("Thanks, your feedback was saved and is being shared with your "
                                            "partner.", ephemeral=True, allowed_mentions=no_pings())
    client_of(interaction).spawn(
        _share_feedback(service, group, interaction.user.id, to_id, scores, note),
        name="studybot-mock-feedback")


FORMS = (FormRoute(FEEDBACK_FORM.pattern, Audience.MEMBER, _feedback_submitted),)


async def _share_feedback(service: MockService, group: Group, from_id: int, to_id: int,
                          scores: tuple[int, int, int], note: str | None) -> None:
    """The public part of a feedback form, after the member has been answered."""
    try:
        await service.share_feedback(group, from_id, to_id, scores, note)
    except discord.HTTPException:
        log.warning("could not share feedback in group %s", group.id, exc_info=True)
