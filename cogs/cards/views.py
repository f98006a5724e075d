"""Study-session buttons. Their custom ids carry the card and repetition, so they work after restarts
and long pauses, and a second click on the same repetition records nothing. When only cards still being
learned remain, due within minutes, the session offers Continue (study them now) and Finish (a summary)
instead of ending on a countdown. A card the member keeps forgetting offers Set aside on its back, and
``/cards set-aside`` brings such cards back (a menu whose id survives restarts too). The screen after a grade
offers Undo grade, which takes the member's last grade back and shows the card's back to grade again."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import discord

from bot.cards import Grade, NothingToStudy, SetAsideCard, StudyCard, StudyService, Undone, forgotten
from cogs._common import BaseView, RoutedItem, item_text, one_line, truncate
from cogs._common.access import payload_of, service_of
from cogs._common.authority import Audience
from cogs._common.ids import NUMBER, SLUG, CustomId, digit
from cogs.cards.embeds import (
    GRADE_LABELS,
    back_embed,
    done_embed,
    finished_embed,
    front_embed,
    interval,
    waiting_embed,
)

GRADE_STYLES = {Grade.AGAIN: discord.ButtonStyle.danger, Grade.HARD: discord.ButtonStyle.secondary,
                Grade.GOOD: discord.ButtonStyle.success, Grade.EASY: discord.ButtonStyle.primary}


REVEAL = CustomId("studybot:cards:reveal", card=SLUG, rep=NUMBER)
GRADE = CustomId("studybot:cards:grade", card=SLUG, rep=NUMBER, grade=digit(1, 4, Grade))
CONTINUE = CustomId("studybot:cards:continue")
EYES = discord.PartialEmoji(name="👀")  # parsed once: every card shown in a session builds the Reveal button
FINISH = CustomId("studybot:cards:finish")
SET_ASIDE = CustomId("studybot:cards:aside", card=SLUG)
BRING_BACK = CustomId("studybot:cards:bring-back")
UNDO = CustomId("studybot:cards:undo", card=SLUG, rep=NUMBER)
DRILL = CustomId("studybot:cards:drill", topic=SLUG)
DRILL_IN = CustomId("studybot:cards:drill-in", deck=SLUG, topic=SLUG)
MENU_LIMIT = 25  # options Discord allows in one select menu
# Discord allows 100 characters in a custom id and a topic (a card tag) has up to 30: what is left is the deck's.
DECK_ROOM = 100 - len(DRILL_IN("", "")) - 30


GONE = "That card is no longer in this server's decks (a moderator removed it or switched its deck off)."
CAPPED = ("Today's new cards are used up, so that new card waits for another day (`/cards settings new-per-day` "
          "sets how many a day)")


def _service(interaction: discord.Interaction) -> StudyService:
    return service_of(interaction, StudyService)


class RevealButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=REVEAL.template):
    audience = Audience.MEMBER
    custom_ids = REVEAL

    def __init__(self, card_id: str, rep: int) -> None:
        super().__init__(discord.ui.Button(label="Reveal", style=discord.ButtonStyle.primary, emoji=EYES,
                                           custom_id=REVEAL(card_id, rep)))
        self.card_id, self.rep = card_id, rep


    async def handle(self, interaction: discord.Interaction) -> None:
        service = _service(interaction)
        study = await service.shown_card(interaction.guild_id, interaction.user.id, self.card_id, self.rep)
        if study is None:
            await show_next(interaction, await self._why_not_shown(service, interaction))
            return
        previews = service.preview_of(study, interaction.user.id)
        await interaction.response.edit_message(embed=back_embed(study), view=grade_view(study, previews))


    async def _why_not_shown(self, service: StudyService, interaction: discord.Interaction) -> str:
        """Why an older session message's card is not revealed: gone from the decks, outside the deck or topic
        the member chose since, a new card past the day's new cards, or already reviewed (or set aside) from
        another message."""
        if not await service.in_play(interaction.guild_id, self.card_id):
            return GONE
        focus = await service.focus(interaction.guild_id, interaction.user.id)
        if self.card_id not in focus.cards:
            chosen = " and ".join([*([f"the deck `{focus.deck}`"] if focus.deck else []),
                                   *([f"the topic **{focus.topic}**"] if focus.topic else [])])
            return f"That card is not in what you study now ({chosen or 'every deck'}); here is where you are now."
        if await service.never_studied(interaction.user.id, self.card_id):  # in play, new: the day's cap is reached
            return CAPPED + "; here is where you are now."
        return "That card was already reviewed or set aside; here is where you are now."


class GradeButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                  template=GRADE.template):
    audience = Audience.MEMBER
    custom_ids = GRADE

    def __init__(self, card_id: str, rep: int, grade: Grade, label: str | None = None) -> None:
        super().__init__(discord.ui.Button(label=label or GRADE_LABELS[grade], style=GRADE_STYLES[grade],
                                           custom_id=GRADE(card_id, rep, grade)))
        self.card_id, self.rep, self.grade = card_id, rep, grade


    async def handle(self, interaction: discord.Interaction) -> None:
        graded = await _service(interaction).grade(interaction.guild_id, interaction.user.id, self.card_id,
                                                   self.rep, self.grade)
        if not graded.recorded and graded.card is None:
            await show_next(interaction, GONE + " Nothing was recorded.")
            return
        if not graded.recorded and graded.memory is not None and graded.memory.set_aside_at is not None:
            await show_next(interaction, "That card is set aside, so nothing was recorded. Bring it back with "
                                         "`/cards set-aside`.")
            return
        if graded.capped:
            await show_next(interaction, CAPPED + ". Nothing was recorded.")
            return
        if not graded.recorded:
            await show_stale(interaction, undo=UndoButton(self.card_id, self.rep + 1) if graded.undoable else None)
            return
        assert graded.memory is not None
        note = f"{GRADE_LABELS[self.grade]} · back in {interval(graded.memory.due - interaction.created_at)}"
        if self.grade is Grade.AGAIN and (times := forgotten(graded.memory)):
            note += (f" · forgotten {times} times now: re-read it at its source, or set it aside from its back "
                     "next time")
        await show_next(interaction, note, study=graded.next, undo=UndoButton(self.card_id, graded.memory.reps))


class UndoButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                 template=UNDO.template):
    """Beside the screen after a grade: take that grade back and grade the card again (a misclick)."""

    audience = Audience.MEMBER
    custom_ids = UNDO

    def __init__(self, card_id: str, rep: int) -> None:
        super().__init__(discord.ui.Button(label="Undo grade", style=discord.ButtonStyle.secondary, emoji="↩️",
                                           custom_id=UNDO(card_id, rep), row=1))
        self.card_id, self.rep = card_id, rep


    async def handle(self, interaction: discord.Interaction) -> None:
        service = _service(interaction)
        undone: Undone = await service.undo(interaction.guild_id, interaction.user.id, self.card_id, self.rep)
        if not undone.undone:
            await show_next(interaction, "Nothing to undo: only your last grade can be taken back, before the card "
                                         "is graded again or set aside.")
        elif undone.study is None:
            await show_next(interaction, "Grade undone. That card is not in your reviews here now (its deck is "
                                         "off, or today's new cards are used up), so it is not shown.")
        else:
            await interaction.response.edit_message(
                content="↩️ Grade undone: the card is as it was before. How well did you remember it?",
                embed=back_embed(undone.study),
                view=grade_view(undone.study, service.preview_of(undone.study, interaction.user.id)))


class ContinueButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                     template=CONTINUE.template):
    audience = Audience.MEMBER
    custom_ids = CONTINUE

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="Continue", style=discord.ButtonStyle.primary, emoji="▶️",
                                           custom_id=CONTINUE()))


    async def handle(self, interaction: discord.Interaction) -> None:
        await show_next(interaction, None, learn_ahead=True)


class FinishButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=FINISH.template):
    audience = Audience.MEMBER
    custom_ids = FINISH

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="Finish", style=discord.ButtonStyle.secondary, emoji="🏁",
                                           custom_id=FINISH()))


    async def handle(self, interaction: discord.Interaction) -> None:
        summary = await _service(interaction).day_summary(interaction.guild_id, interaction.user.id)
        await interaction.response.edit_message(content=None, embed=finished_embed(summary), view=None)


class SetAsideButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                     template=SET_ASIDE.template):
    """On the back of a card the member keeps forgetting: out of their reviews until they bring it back."""

    audience = Audience.MEMBER
    custom_ids = SET_ASIDE

    def __init__(self, card_id: str) -> None:
        super().__init__(discord.ui.Button(label="Set aside", style=discord.ButtonStyle.secondary, emoji="📥",
                                           custom_id=SET_ASIDE(card_id), row=1))
        self.card_id = card_id


    async def handle(self, interaction: discord.Interaction) -> None:
        card = await _service(interaction).set_aside(interaction.user.id, self.card_id)
        front = item_text(card.id, truncate(one_line(card.front), 200))
        await show_next(interaction, f"Set aside: {front} · bring it back any time "
                                     "with `/cards set-aside`.")


class BringBackSelect(RoutedItem, discord.ui.DynamicItem[discord.ui.Select[Any]],
                      template=BRING_BACK.template):
    """The menu of ``/cards set-aside``: the cards picked go back into the member's reviews."""

    audience = Audience.MEMBER
    custom_ids = BRING_BACK

    def __init__(self, options: list[discord.SelectOption] | None = None) -> None:
        options = options or [discord.SelectOption(label="…", value="-")]
        super().__init__(discord.ui.Select(custom_id=BRING_BACK(), min_values=1, max_values=len(options),
                                           options=options, placeholder="Bring back to your reviews"))


    async def handle(self, interaction: discord.Interaction) -> None:
        picked = [str(value) for value in payload_of(interaction).get("values", [])]
        back = await _service(interaction).bring_back(interaction.user.id, picked)
        text = (f"Back in your reviews: **{back}** card{'s' if back != 1 else ''}, where you left off; any that "
                "fell due meanwhile come first in `/cards study`." if back else
                "Those cards are already back in your reviews.")
        await interaction.response.edit_message(content=text, embed=None, view=None)


class DrillButton(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                  template=DRILL.template):
    """Beside a topic ``/cards stats`` says the member recalls below their aim: study that topic from now on,
    starting with a session right away (a new message: the stats stay where they are)."""

    audience = Audience.MEMBER
    custom_ids = DRILL

    deck: str | None = None  # None: the deck the member studies (stats over every deck, or theirs)

    def __init__(self, topic: str) -> None:
        super().__init__(discord.ui.Button(label=f"Drill {topic}", style=discord.ButtonStyle.secondary, emoji="🎯",
                                           custom_id=self.custom_ids(*self.id_values(topic))))
        self.topic = topic

    def id_values(self, topic: str) -> tuple[str, ...]:
        return (topic,)

    async def deck_key(self, service: StudyService, guild_id: int) -> str | None:
        return self.deck

    async def handle(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        service = _service(interaction)
        deck = await self.deck_key(service, interaction.guild_id)
        focus = await service.choose(interaction.guild_id, interaction.user.id, deck=deck, topic=self.topic)
        embed, view = await session_message(service, interaction.guild_id, interaction.user.id, None)
        where = f" in the deck `{focus.deck}`" if self.deck is not None and focus.deck is not None else ""
        text = f"You now study only cards on **{focus.topic}**{where} (`/cards study topic:all` for every topic)."
        if view is None:
            await interaction.response.send_message(text, embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(text, embed=embed, view=view, ephemeral=True)


class DeckDrillButton(DrillButton, template=DRILL_IN.template):
    """A Drill button of ``/cards stats deck:…``: the topic is one of that deck's, so drilling it studies that
    deck too (the member's own deck may not hold the topic at all)."""

    custom_ids = DRILL_IN

    def __init__(self, deck: str, topic: str) -> None:
        self.deck = deck
        super().__init__(topic)

    def id_values(self, topic: str) -> tuple[str, ...]:
        assert self.deck is not None
        return (deck_in_id(self.deck), topic)

    async def deck_key(self, service: StudyService, guild_id: int) -> str | None:
        """The deck the id stands for: itself, or the server's deck whose long name it shortens."""
        assert self.deck is not None
        if len(self.deck) < DECK_ROOM:
            return self.deck
        return next((deck.key for deck in await service.decks(guild_id) if deck_in_id(deck.key) == self.deck),
                    self.deck)


def deck_in_id(deck: str) -> str:
    """``deck`` as a Drill button's id carries it: whole when it fits, else its start and a digest of the whole
    (a pack's name may have 64 characters, more than the id has room for beside a topic)."""
    if len(deck) <= DECK_ROOM:
        return deck
    return f"{deck[:DECK_ROOM - 9]}-{hashlib.sha256(deck.encode()).hexdigest()[:8]}"


def drill_view(topics: Sequence[str], deck: str | None = None) -> BaseView | None:
    """One Drill button per weak topic ``/cards stats`` names (three at most), or None without any; with the
    ``deck`` the stats covered, when they covered one."""
    if not topics:
        return None
    view = BaseView(timeout=None)
    for topic in topics:
        view.add_item(DrillButton(topic) if deck is None else DeckDrillButton(deck, topic))
    return view


DYNAMIC_ITEMS = (RevealButton, GradeButton, ContinueButton, FinishButton, SetAsideButton, BringBackSelect,
                 UndoButton, DrillButton, DeckDrillButton)


def front_view(study: StudyCard) -> BaseView:
    view = BaseView(timeout=None)
    view.add_item(RevealButton(study.card.id, study.rep))
    return view


def grade_view(study: StudyCard, previews: dict[Grade, Any]) -> BaseView:
    view = BaseView(timeout=None)
    for grade in Grade:
        label = f"{GRADE_LABELS[grade]} · {interval(previews[grade])}"
        view.add_item(GradeButton(study.card.id, study.rep, grade, label))
    if study.forgotten:
        view.add_item(SetAsideButton(study.card.id))
    return view


def bring_back_view(cards: list[SetAsideCard]) -> BaseView:
    """The menu of set-aside cards (the first :data:`MENU_LIMIT`, longest aside first)."""
    view = BaseView(timeout=None)
    view.add_item(BringBackSelect([
        discord.SelectOption(label=truncate(one_line(aside.card.front), 100), value=aside.card.id,
                             description=f"forgotten {aside.lapses} times" if aside.lapses else None)
        for aside in cards[:MENU_LIMIT]]))
    return view


def continue_view(*, finish: bool = False) -> BaseView:
    view = BaseView(timeout=None)
    view.add_item(ContinueButton())
    if finish:
        view.add_item(FinishButton())
    return view


async def session_message(service: StudyService, guild_id: int | None, user_id: int, note: str | None, *,
                          learn_ahead: bool = False,
                          study: StudyCard | NothingToStudy | None = None) -> tuple[discord.Embed, BaseView | None]:
    """The session's next screen; ``study`` when the caller already read what comes next (a grade does)."""
    if study is None:
        study = await service.next_card(guild_id, user_id, learn_ahead=learn_ahead)
    if isinstance(study, NothingToStudy):
        if study.coming_soon:
            return waiting_embed(study, note), continue_view(finish=True)
        return done_embed(study, await service.day_summary(guild_id, user_id), note), None
    return front_embed(study, note), front_view(study)


async def show_next(interaction: discord.Interaction, note: str | None, *, learn_ahead: bool = False,
                    study: StudyCard | NothingToStudy | None = None, undo: UndoButton | None = None) -> None:
    """Edit the session message in place to the next card, the keep-going choice, or the day's summary; after a
    grade, with ``undo`` to take it back."""
    embed, view = await session_message(_service(interaction), interaction.guild_id, interaction.user.id, note,
                                        learn_ahead=learn_ahead, study=study)
    if undo is not None:
        view = view or BaseView(timeout=None)
        view.add_item(undo)
    await interaction.response.edit_message(content=None, embed=embed, view=view)


async def show_stale(interaction: discord.Interaction, undo: UndoButton | None = None) -> None:
    """A grade already recorded; with ``undo`` while it is the member's last (a double click must not take away
    the Undo the first click's screen offered)."""
    view = continue_view()
    if undo is not None:
        view.add_item(undo)
    await interaction.response.edit_message(
        content="That card was already graded (a second click, or an old session). Nothing was recorded twice.",
        embed=None, view=view)
