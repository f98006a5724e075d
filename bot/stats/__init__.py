"""Progress charts: weekly numbers from the database, drawn with Pillow."""

from bot.stats.charts import Percentages, Series, render_weekly
from bot.stats.service import KINDS, ProgressService

__all__ = ["KINDS", "Percentages", "ProgressService", "Series", "render_weekly"]
