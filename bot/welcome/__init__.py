"""A new server's setup in one form: the daily prompt, the quiz and mock interviews, checked as a whole."""

from bot.welcome.models import MockPlan, SetupPlan
from bot.welcome.service import CADENCES, MOCK_EXAMPLE, read_mock, read_setup_form

__all__ = ["CADENCES", "MOCK_EXAMPLE", "MockPlan", "SetupPlan", "read_mock", "read_setup_form"]
