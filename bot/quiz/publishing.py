"""What the quiz service needs from Discord, and how a failed post is reported to it."""

from __future__ import annotations

from typing import Protocol

from bot.quiz.models import QuizPost, QuizResults


class QuizDeliveryFailed(Exception):
    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class QuizPublisher(Protocol):
    async def find_published(self, post: QuizPost) -> int | None: ...
    async def publish(self, post: QuizPost) -> int: ...
    async def show_results(self, results: QuizResults) -> None: ...
    async def notify_moderators(self, guild_id: int, text: str, look_first: bool = False) -> bool: ...
