"""Progress charts: weekly numbers from the database, drawn with Pillow."""

from bot.stats.charts import Percentages, Series, describe_weekly, render_weekly
from bot.stats.models import KINDS, ActiveWeeks, ParticipationWeeks, ReviewWeeks
from bot.stats.service import ProgressService

__all__ = ["KINDS", "ActiveWeeks", "ParticipationWeeks", "Percentages", "ProgressService", "ReviewWeeks", "Series",
           "describe_weekly", "render_weekly"]
