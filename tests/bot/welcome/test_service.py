"""The setup form's reading of times and mock-interview plans, as a moderator types them."""

from datetime import time

import pytest

from bot.errors import InvalidInput
from bot.welcome.service import read_mock, read_setup_form


@pytest.mark.parametrize(("typed", "cadence", "weekday", "at"), [
    ("weekly Tuesday 18:00", "weekly", "tue", time(18)),
    ("Tuesday 6pm", "weekly", "tue", time(18)),
    ("every two weeks, Thu 6:30 p.m.", "biweekly", "thu", time(18, 30)),
])
def test_mock_plans_read_24_hour_and_am_pm_times(typed: str, cadence: str, weekday: str, at: time) -> None:
    plan = read_mock(typed)
    assert (plan.cadence, plan.weekday, plan.at) == (cadence, weekday, at)


@pytest.mark.parametrize("typed", ["Tuesday", "weekly 18:00", "Tuesday 25:00", "Tuesday 6"])
def test_a_plan_that_cannot_be_read_names_the_example(typed: str) -> None:
    with pytest.raises(InvalidInput, match="as a day and a time") as caught:
        read_mock(typed)
    assert "Tuesday" in (caught.value.hint or "")


def test_the_form_takes_am_pm_and_reports_every_mistake_at_once() -> None:
    plan = read_setup_form(daily_time="9am", timezone="Berlin", quiz_time="6:30pm", mock="")
    assert plan.daily_at == time(9) and plan.quiz_at == time(18, 30) and plan.zone.key == "Europe/Berlin"
    with pytest.raises(InvalidInput) as caught:
        read_setup_form(daily_time="0900", timezone="EST", quiz_time="13pm", mock="")
    assert caught.value.message.startswith("3 things to fix")
