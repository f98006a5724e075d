"""Persistent buttons keep their custom ids: a message posted before an upgrade must still work after it.

Every DynamicItem builds its id and its template from one ``CustomId`` (``cogs/_common/ids.py``).
The ids below are the exact strings earlier versions posted; each must come out of the spec
unchanged, match the item's own template, and read back into an item with the same id.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date
from typing import Any

import discord
import pytest

import cogs
from bot.cards import Grade
from cogs._common.ids import DAY, NUMBER, CustomId, one_of, word_or_none
from cogs.cards.views import (
    BringBackSelect,
    ContinueButton,
    DeckDrillButton,
    DrillButton,
    FinishButton,
    GradeButton,
    RevealButton,
    SetAsideButton,
    UndoButton,
)
from cogs.community.cog import CARD_FORM, PROMPT_FORM
from cogs.community.views import (
    EDIT_FORM,
    HINTS_FORM,
    ITEM_FORM,
    REJECT_FORM,
    ApproveButton,
    EditButton,
    RejectButton,
    ReviewHintsButton,
)
from cogs.daily.views import ADD_FORM, ANSWER_FORM, SubmitAnswerButton
from cogs.daily.views import HintsButton as DailyHintsButton
from cogs.daily.views import RubricButton as DailyRubricButton
from cogs.feedback.views import HelpfulButton
from cogs.mock.meeting_views import (
    MEETING_FORM,
    AcceptButton,
    CalendarButton,
    CancelButton,
    PickTimesButton,
    ProposeButton,
    RescheduleButton,
    TimeSelect,
)
from cogs.mock.views import FEEDBACK_FORM, AbsentSelect, FeedbackButton, ReportButton
from cogs.mock.views import RubricButton as MockRubricButton
from cogs.practice.views import PRACTICE_FORM, AnotherButton, AnswerButton, ArchivePageButton
from cogs.practice.views import HintsButton as PracticeHintsButton
from cogs.practice.views import RubricButton as PracticeRubricButton
from cogs.quiz.views import OptionButton
from cogs.welcome.views import SETUP_FORM

DAY_ONE = date(2026, 3, 9)

# (item, what it is built from, the id earlier versions posted for it)
POSTED_IDS: list[tuple[type[Any], tuple[Any, ...], str]] = [
    (RevealButton, ("rag-chunking-1", 3), "studybot:cards:reveal:rag-chunking-1:3"),
    (GradeButton, ("g42-c7", 0, Grade.GOOD), "studybot:cards:grade:g42-c7:0:3"),
    (ContinueButton, (), "studybot:cards:continue"),
    (FinishButton, (), "studybot:cards:finish"),
    (SetAsideButton, ("rag-chunking-1",), "studybot:cards:aside:rag-chunking-1"),
    (BringBackSelect, (), "studybot:cards:bring-back"),
    (UndoButton, ("rag-chunking-1", 4), "studybot:cards:undo:rag-chunking-1:4"),
    (DrillButton, ("retrieval",), "studybot:cards:drill:retrieval"),
    (DeckDrillButton, ("server", "retrieval"), "studybot:cards:drill-in:server:retrieval"),
    (ApproveButton, (17,), "studybot:review:approve:17"),
    (EditButton, (17,), "studybot:review:edit:17"),
    (RejectButton, (17,), "studybot:review:reject:17"),
    (ReviewHintsButton, (17,), "studybot:review:hints:17"),
    (SubmitAnswerButton, (123456789012345678, DAY_ONE), "studybot:daily:answer:123456789012345678:20260309"),
    (DailyHintsButton, (1, DAY_ONE), "studybot:daily:hints:1:20260309"),
    (DailyRubricButton, (1, DAY_ONE), "studybot:daily:rubric:1:20260309"),
    (HelpfulButton, (DAY_ONE, 555), "studybot:helpful:20260309:555"),
    (PickTimesButton, (8,), "studybot:mock:times:8"),
    (TimeSelect, (8,), "studybot:mock:choose:8"),
    (ProposeButton, (8,), "studybot:mock:propose:8"),
    (RescheduleButton, (8,), "studybot:mock:move:8"),
    (AcceptButton, (31,), "studybot:mock:accept:31"),
    (CalendarButton, (8,), "studybot:mock:ics:8"),
    (CancelButton, (8,), "studybot:mock:cancel:8"),
    (MockRubricButton, (8,), "studybot:mock:rubric:8"),
    (ReportButton, (8, "noshow"), "studybot:mock:report:8:noshow"),
    (AbsentSelect, (8,), "studybot:mock:absent:8"),
    (FeedbackButton, (8, 99), "studybot:mock:feedback:8:99"),
    (AnswerButton, ("llm-gateway",), "studybot:practice:answer:llm-gateway"),
    (PracticeHintsButton, ("llm-gateway",), "studybot:practice:hints:llm-gateway"),
    (PracticeRubricButton, ("llm-gateway",), "studybot:practice:rubric:llm-gateway"),
    (AnotherButton, (4, "system-design", None), "studybot:practice:another:4:system-design:-"),
    (AnotherButton, (0, None, "hard"), "studybot:practice:another:0:-:hard"),
    (ArchivePageButton, (2, None, "next"), "studybot:archive:2:-:next"),
    (ArchivePageButton, (1, "ml", "prev"), "studybot:archive:1:ml:prev"),
    (OptionButton, (7, DAY_ONE, 3), "studybot:quiz:pick:7:20260309:3"),
]


def _dynamic_items() -> set[type[Any]]:
    found: set[type[Any]] = set()
    for module in pkgutil.walk_packages(cogs.__path__, "cogs."):
        for _, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if issubclass(cls, discord.ui.DynamicItem) and cls.__module__.startswith("cogs.") and (
                    "__discord_ui_compiled_template__" in vars(cls)):
                found.add(cls)
    return found


def _name(cls: type[Any]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"  # by name: other tests may load an extension's modules again


def test_every_persistent_item_is_pinned_and_built_from_one_spec() -> None:
    found = _dynamic_items()
    assert {_name(cls) for cls in found} == {_name(cls) for cls, _, _ in POSTED_IDS}
    for cls in found:
        spec = cls.custom_ids
        assert isinstance(spec, CustomId)
        assert cls.__discord_ui_compiled_template__.pattern == spec.template


@pytest.mark.parametrize(("cls", "values", "posted"), POSTED_IDS, ids=[posted for _, _, posted in POSTED_IDS])
async def test_the_id_is_the_one_posted_before_and_reads_back(cls: type[Any], values: tuple[Any, ...],
                                                              posted: str) -> None:
    item = cls(*values)
    assert item.item.custom_id == posted
    assert cls.custom_ids(*values) == posted
    assert cls.custom_ids.parse(posted) == values
    match = cls.__discord_ui_compiled_template__.fullmatch(posted)
    assert match is not None
    again = await cls.from_custom_id(None, item.item, match)
    assert again.item.custom_id == posted


def test_parts_read_back_what_they_wrote() -> None:
    spec = CustomId("studybot:test", n=NUMBER, day=DAY, pick=one_of("a", "b"), kind=word_or_none("-"))
    assert spec.template == r"studybot:test:(?P<n>\d+):(?P<day>\d{8}):(?P<pick>a|b):(?P<kind>[a-z-]+)"
    built = spec(12, DAY_ONE, "b", None)
    assert built == "studybot:test:12:20260309:b:-"
    assert spec.parse(built) == (12, DAY_ONE, "b", None)
    assert spec.parse("studybot:test:12:20260309:c:-") is None
    assert spec.parse(built + ":x") is None


# Forms left open across an upgrade are submitted with the id they were opened with.
POSTED_FORM_IDS: list[tuple[CustomId, tuple[Any, ...], str]] = [
    (ANSWER_FORM, (123456789012345678, DAY_ONE), "studybot:daily:form:123456789012345678:20260309"),
    (ADD_FORM, ("design", "hard"), "studybot:daily:addform:design:hard"),
    (SETUP_FORM, (123456789012345678,), "studybot:welcome:setupform:123456789012345678"),
    (FEEDBACK_FORM, (8, 99), "studybot:mock:form:8:99"),
    (MEETING_FORM, ("when", 8), "studybot:mock:when:8"),
    (MEETING_FORM, ("cancelform", 8), "studybot:mock:cancelform:8"),
    (PRACTICE_FORM, ("llm-gateway",), "studybot:practice:form:llm-gateway"),
    (EDIT_FORM, (17,), "studybot:review:editform:17"),
    (REJECT_FORM, (17,), "studybot:review:rejectform:17"),
    (HINTS_FORM, (17,), "studybot:review:hintsform:17"),
    (ITEM_FORM, ("g123-p4",), "studybot:content:editform:g123-p4"),
    (CARD_FORM, (), "studybot:suggest:card"),
    (PROMPT_FORM, ("architecture", "hard", "A gateway: for\nmany models"),
     "studybot:suggest:prompt:architecture:hard:A gateway: for\nmany models"),
]


@pytest.mark.parametrize(("spec", "values", "posted"), POSTED_FORM_IDS, ids=[p for _, _, p in POSTED_FORM_IDS])
def test_a_form_id_is_the_one_opened_before_and_routes_back(spec: CustomId, values: tuple[Any, ...],
                                                            posted: str) -> None:
    assert spec(*values) == posted
    match = spec.pattern.fullmatch(posted)
    assert match is not None and spec.values(match) == values


def test_every_form_route_matches_with_a_spec() -> None:
    """A route's pattern is some spec's, so a form's id and its route cannot drift apart."""
    specs = {spec.pattern for spec, _, _ in POSTED_FORM_IDS}
    routes = [route for module in ("cogs.daily.views", "cogs.mock.views", "cogs.mock.meeting_views", "cogs.practice.views",
                                   "cogs.community.views", "cogs.welcome.views") for route in importlib.import_module(module).FORMS]
    assert routes and all(route.pattern in specs for route in routes)
