"""Agreeing, moving and cancelling an interview time from the group's thread (or DMs).

Custom ids carry only the group (or the proposed time); who is acting and where always
comes from the interaction, and the service checks the member belongs to the group.
"""

from __future__ import annotations

import io
import re
from typing import Any

import discord

from bot.mock import Choice, MockService, local_label
from cogs._common import BaseModal, BaseView, RoutedItem, discord_timestamp, no_pings
from cogs._common.access import payload_of, service_of
from cogs._common.authority import Audience
from cogs._common.forms import FormRoute
from cogs._common.ids import NUMBER, CustomId, one_of

MEETING_FORM = CustomId("studybot:mock", kind=one_of("when", "cancelform"), group=NUMBER)


TIMES = CustomId("studybot:mock:times", group=NUMBER)
CHOOSE = CustomId("studybot:mock:choose", group=NUMBER)
PROPOSE = CustomId("studybot:mock:propose", group=NUMBER)
MOVE = CustomId("studybot:mock:move", group=NUMBER)
ACCEPT = CustomId("studybot:mock:accept", option=NUMBER)
ICS = CustomId("studybot:mock:ics", group=NUMBER)
CANCEL = CustomId("studybot:mock:cancel", group=NUMBER)


def _mock(interaction: discord.Interaction) -> MockService:
    return service_of(interaction, MockService)


def choice_text(choice: Choice, member_id: int) -> str:
    """What the member who chose or proposed is told (``member_id``: that member)."""
    if choice.agreed is not None:
        return f"Agreed: {discord_timestamp(choice.agreed.starts_at, 'F')}. Everyone in your group has been told."
    if choice.option is not None:
        waiting = ", ".join(f"<@{u}>" for u in choice.waiting_for)
        when = discord_timestamp(choice.option.starts_at, 'F')
        if choice.repeated:  # nothing new is posted: the proposal the group already has stands
            then = f" Waiting for {waiting} to accept." if waiting else ""
            if choice.option.proposed_by == member_id:
                return f"You already proposed {when}.{then}"
            return f"<@{choice.option.proposed_by}> already proposed {when}; you have accepted it.{then}"
        return f"Proposed {when}; waiting for {waiting} to accept." if waiting else "Saved."
    return "Saved. A time is agreed as soon as everyone in your group has accepted the same one."


class PickTimesButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                      template=TIMES.template):
    audience = Audience.MEMBER
    custom_ids = TIMES

    def __init__(self, group_id: int) -> None:
        super().__init__(discord.ui.Button(label="Pick times", emoji="🗓️", style=discord.ButtonStyle.primary,
                                           custom_id=TIMES(group_id)))
        self.group_id = group_id


    async def handle(self, interaction: discord.Interaction) -> None:
        picker = await _mock(interaction).meeting_picker(self.group_id, interaction.user.id, interaction.guild_id)
        if picker.meeting.status == "agreed" and picker.meeting.starts_at is not None:
            await interaction.response.send_message(
                f"Your interview is agreed for {discord_timestamp(picker.meeting.starts_at, 'F')}. "
                "Use **Reschedule** to propose another time.", ephemeral=True)
            return
        view = BaseView(owner_id=interaction.user.id, timeout=600)
        if picker.options:
            view.add_item(TimeSelect(self.group_id, [
                discord.SelectOption(label=f"{local_label(o.starts_at, picker.zone)} ({picker.zone.key})"[:100],
                                     value=str(o.id), default=o.id in picker.mine,
                                     description=("suggested" if o.proposed_by is None else "proposed")[:100])
                for o in picker.options]))
        view.add_item(ProposeButton(self.group_id))
        text = ("Tick every time that works for you (shown in your timezone). The first time everyone "
                "ticks is confirmed." if picker.options else "No times are open yet: propose one.")
        await interaction.response.send_message(text, view=view, ephemeral=True)


class TimeSelect(RoutedItem, discord.ui.DynamicItem[discord.ui.Select[Any]],
                 template=CHOOSE.template):
    audience = Audience.MEMBER
    custom_ids = CHOOSE

    def __init__(self, group_id: int, options: list[discord.SelectOption] | None = None) -> None:
        options = options or [discord.SelectOption(label="…", value="0")]
        super().__init__(discord.ui.Select(custom_id=CHOOSE(group_id), min_values=0,
                                           max_values=len(options), options=options,
                                           placeholder="Times that work for you"))
        self.group_id = group_id


    async def handle(self, interaction: discord.Interaction) -> None:
        # isdecimal, not isdigit: "²" is a digit that int() refuses
        values = [int(v) for v in payload_of(interaction).get("values", []) if str(v).isdecimal()]
        await interaction.response.defer(ephemeral=True, thinking=True)
        choice = await _mock(interaction).choose_times(self.group_id, interaction.user.id, values, interaction.guild_id)
        await interaction.followup.send(choice_text(choice, interaction.user.id), ephemeral=True,
                                        allowed_mentions=no_pings())


class ProposeButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=PROPOSE.template):
    audience = Audience.MEMBER
    custom_ids = PROPOSE

    def __init__(self, group_id: int, label: str = "Propose another time") -> None:
        super().__init__(discord.ui.Button(label=label, emoji="✍️",
                                           custom_id=PROPOSE(group_id)))
        self.group_id = group_id


    async def handle(self, interaction: discord.Interaction) -> None:
        picker = await _mock(interaction).meeting_picker(self.group_id, interaction.user.id, interaction.guild_id)
        title = "Move the interview" if picker.meeting.status == "agreed" else "Propose a time"
        modal = WhenModal(self.group_id, title, picker.zone.key)
        await interaction.response.send_modal(modal)
        modal.stop()  # answered by FORMS (the form router), which survives restarts


class RescheduleButton(ProposeButton, template=MOVE.template):
    audience = Audience.MEMBER
    custom_ids = MOVE

    def __init__(self, group_id: int) -> None:
        discord.ui.DynamicItem.__init__(self, discord.ui.Button(label="Reschedule", emoji="🔁",
                                                                custom_id=MOVE(group_id)))
        self.group_id = group_id


class AcceptButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=ACCEPT.template):
    audience = Audience.MEMBER
    custom_ids = ACCEPT

    def __init__(self, option_id: int) -> None:
        super().__init__(discord.ui.Button(label="Accept this time", emoji="✅", style=discord.ButtonStyle.success,
                                           custom_id=ACCEPT(option_id)))
        self.option_id = option_id


    async def handle(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        choice = await _mock(interaction).accept_time(self.option_id, interaction.user.id, interaction.guild_id)
        await interaction.followup.send(choice_text(choice, interaction.user.id), ephemeral=True,
                                        allowed_mentions=no_pings())


class CalendarButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                     template=ICS.template):
    audience = Audience.MEMBER
    custom_ids = ICS

    def __init__(self, group_id: int) -> None:
        super().__init__(discord.ui.Button(label="Add to calendar", emoji="📅",
                                           custom_id=ICS(group_id)))
        self.group_id = group_id


    async def handle(self, interaction: discord.Interaction) -> None:
        data, name, starts_at = await _mock(interaction).calendar_file(self.group_id, interaction.user.id, interaction.guild_id)
        await interaction.response.send_message(
            f"Your calendar file for {discord_timestamp(starts_at, 'F')}. Opening it again after a reschedule "
            "updates the same entry.", file=discord.File(io.BytesIO(data), filename=name), ephemeral=True)


class CancelButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=CANCEL.template):
    audience = Audience.MEMBER
    custom_ids = CANCEL

    def __init__(self, group_id: int) -> None:
        super().__init__(discord.ui.Button(label="Cancel interview", emoji="✖️", style=discord.ButtonStyle.danger,
                                           custom_id=CANCEL(group_id)))
        self.group_id = group_id


    async def handle(self, interaction: discord.Interaction) -> None:
        await _mock(interaction).check_cancellable(self.group_id, interaction.user.id, interaction.guild_id)
        modal = CancelModal(self.group_id)
        await interaction.response.send_modal(modal)
        modal.stop()


class WhenModal(BaseModal):
    audience = Audience.MEMBER

    def __init__(self, group_id: int, title: str, zone: str) -> None:
        super().__init__(title=title, custom_id=MEETING_FORM("when", group_id))
        self.ask(f"When? Your time ({zone})"[:45],
                 discord.ui.TextInput(custom_id="when", min_length=3, max_length=40,
                                      placeholder="Thu 18:30, Thu 6:30pm or 2026-03-05 18:30"),
                 description="A day and a time inside this round; the others accept it.")


class CancelModal(BaseModal):
    audience = Audience.MEMBER

    def __init__(self, group_id: int) -> None:
        super().__init__(title="Cancel this interview", custom_id=MEETING_FORM("cancelform", group_id))
        self.ask("Why? Your partner will see this",
                 discord.ui.TextInput(custom_id="reason", style=discord.TextStyle.paragraph, min_length=1,
                                      max_length=300))


MEETING_ITEMS = (PickTimesButton, TimeSelect, ProposeButton, RescheduleButton, AcceptButton, CalendarButton,
                 CancelButton)


def meeting_buttons(view: discord.ui.View, group_id: int) -> None:
    """The agreeing buttons added under a group's brief."""
    view.add_item(PickTimesButton(group_id))
    view.add_item(ProposeButton(group_id))


def confirmed_view(group_id: int) -> BaseView:
    view = BaseView(timeout=None)
    view.add_item(CalendarButton(group_id))
    view.add_item(RescheduleButton(group_id))
    view.add_item(CancelButton(group_id))
    return view


def cancel_view(group_id: int) -> BaseView:
    """Only **Cancel interview**: offered to a member leaving or pausing while their interview still stands."""
    view = BaseView(timeout=None)
    view.add_item(CancelButton(group_id))
    return view


def proposal_view(option_id: int) -> BaseView:
    view = BaseView(timeout=None)
    view.add_item(AcceptButton(option_id))
    return view


async def _meeting_form_submitted(interaction: discord.Interaction, match: re.Match[str],
                                  values: dict[str, str]) -> None:
    """A time or cancel form (from this process or one before a restart), routed by :data:`FORMS`."""
    kind, group_id = MEETING_FORM.values(match)
    await interaction.response.defer(ephemeral=True, thinking=True)
    service = _mock(interaction)
    if kind == "when":
        choice = await service.propose_time(group_id, interaction.user.id, values.get("when", ""), interaction.guild_id)
        await interaction.followup.send(choice_text(choice, interaction.user.id), ephemeral=True,
                                        allowed_mentions=no_pings())
    else:
        await service.cancel_meeting(group_id, interaction.user.id, values.get("reason", ""), interaction.guild_id)
        await interaction.followup.send("Cancelled; your group has been told.", ephemeral=True)


FORMS = (FormRoute(MEETING_FORM.pattern, Audience.MEMBER, _meeting_form_submitted),)
