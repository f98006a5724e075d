"""A study server with members mid-way through everything they click, for the interaction benchmarks.

The server gets its daily prompt and quiz through the bot in this process (on the test clock);
then the bot runs in a process of its own, as in production, and :func:`prepare` brings each
member to where their next click is a measured one: a flashcard shown with its grade buttons,
the answer form open. :func:`start` sends one member's click of a given kind.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.harness import START
from bot.clock import ManualClock
from bot.localdiscord import BotHarness, LocalDiscord, SimChannel, SimMember, SimMessage
from bot.localdiscord.messages import as_sent
from bot.localdiscord.process import BotProcess
from bot.localdiscord.replies import Reply
from bot.localdiscord.server import SimInteraction

KINDS = ("hints", "grade", "form", "quiz")
KIND_NAMES = {"hints": "Hints button", "grade": "flashcard grade", "form": "daily answer form",
              "quiz": "quiz click"}
POST_TIME = START + timedelta(hours=1)
ANSWER = ("Shard the queue per tenant, cap each tenant's share of the workers, and shed the batch tier first "
          "when the p99 budget is at risk.")
READY = "start-up work done"


@dataclass
class Progress:
    """Where one member is: their flashcard session message and their open answer form."""

    cards: SimMessage | None = None
    form: Reply | None = None


@dataclass
class StudyServer:
    sim: LocalDiscord
    clock: ManualClock
    db_path: Path
    channel: SimChannel
    mod: SimMember
    post: SimMessage | None = None
    quiz: SimMessage | None = None
    progress: dict[int, Progress] = field(default_factory=dict)

    def add_members(self, prefix: str, count: int) -> list[SimMember]:
        guild = self.channel.guild
        assert guild is not None
        return [guild.add_member(f"{prefix}{i}") for i in range(count)]

    async def publish(self) -> None:
        """Set up the daily prompt and quiz and let them post, with the bot in this process."""
        harness = BotHarness(self.sim, self.db_path, self.clock)
        await harness.start()
        try:
            await self.mod.slash("daily setup", channel=self.channel, time=f"{POST_TIME:%H:%M}", timezone="UTC")
            await self.mod.slash("quiz setup", channel=self.channel, time=f"{POST_TIME:%H:%M}", timezone="UTC")
            await harness.advance_to(POST_TIME)
        finally:
            await harness.stop()
        self.post = next(m for m in self.channel.messages if m.embeds and m.embeds[0].get("title", "").startswith("Day "))
        self.quiz = next(m for m in self.channel.messages
                         if m.embeds and m.embeds[0].get("title", "").startswith("Quiz #"))

    async def prepare(self, process: BotProcess, members: Iterable[SimMember], *, wave: int = 50) -> None:
        """Open a flashcard session, reveal its first card and open the answer form, for each member."""
        people = list(members)
        for start in range(0, len(people), wave):
            group = people[start:start + wave]
            studies = await answered(process, [m.start_slash("cards study", in_channel=self.channel) for m in group])
            reveals = await answered(process, [m.start_click(Reply(s), "Reveal") for m, s in zip(group, studies, strict=True)])
            assert self.post is not None
            forms = await answered(process, [m.start_click(self.post, "Submit answer") for m in group])
            for member, reveal, form in zip(group, reveals, forms, strict=True):
                if reveal.response_message is None or form.modal is None:
                    raise AssertionError(f"{member.name} has no card or form to measure on")
                self.progress[member.id] = Progress(cards=reveal.response_message, form=Reply(form))

    async def sample_answers(self, process: BotProcess, member: SimMember) -> dict[str, Any]:
        """What the bot answers to each kind of click, as sent to Discord: one spare member clicks each once.

        Keyed by kind: the interaction response (its type and payload) and, for the answer form, the
        message the bot then posted in the thread (its channel and payload). A bare bot replays these
        (:mod:`benchmarks.bare_bot`) to cost the same answers without studybot's work behind them."""
        await self.prepare(process, [member])
        answers: dict[str, Any] = {}
        for kind in KINDS:
            (clicked,) = await answered(process, [self.start(kind, member)])
            await quiet(self.sim, process)
            if clicked.response_data is None or clicked.response_type is None:
                raise AssertionError(f"the bot gave no answer to the sample {kind} click")
            answer: dict[str, Any] = {"type": clicked.response_type, "data": as_sent(clicked.response_data)}
            if kind == "form":
                assert self.post is not None and self.post.thread is not None
                shown = self.post.thread.messages[-1]
                answer["thread"] = {"channel_id": shown.channel_id, "data": as_sent(shown.payload)}
            answers[kind] = answer
        return answers

    def session_screens(self, members: Iterable[SimMember]) -> dict[int, dict[str, Any]]:
        """What each member's flashcard session message shows now (see :meth:`restore_sessions`)."""
        return {m.id: dict(card.payload) for m in members if (card := self.progress[m.id].cards) is not None}

    def restore_sessions(self, screens: dict[int, dict[str, Any]]) -> None:
        """Put the session messages back as they were: a floor bot that edits them (replaying studybot's
        grade answer) must leave the card for studybot's own grade."""
        for member_id, payload in screens.items():
            card = self.progress[member_id].cards
            assert card is not None
            card.payload = payload

    def start(self, kind: str, member: SimMember) -> SimInteraction:
        """``member``'s click of ``kind``, sent without waiting for the bot."""
        assert self.post is not None and self.quiz is not None
        if kind == "hints":
            return member.start_click(self.post, "Hints")
        if kind == "quiz":
            return member.start_click(self.quiz, "A")
        progress = self.progress[member.id]
        if kind == "grade":
            assert progress.cards is not None
            good = next(label for label in progress.cards.button_labels if label.startswith("Good"))
            return member.start_click(progress.cards, good)
        if kind == "form":
            assert progress.form is not None
            return member.start_submit_modal(progress.form, answer=ANSWER)
        raise ValueError(kind)


async def answered(process: BotProcess, pending: list[SimInteraction], limit: float = 60) -> list[SimInteraction]:
    """Serve the simulator until every interaction in ``pending`` has its answer."""
    await process.wait_for(lambda: all(i.response_type is not None for i in pending),
                           f"answers to {len(pending)} interactions", limit)
    return pending


async def quiet(sim: LocalDiscord, process: BotProcess, window: float = 0.3) -> None:
    """Serve the simulator until the bot has made no request for ``window`` seconds (its work is done)."""
    loop = asyncio.get_running_loop()
    seen, since = len(sim.requests), loop.time()
    while loop.time() - since < window:
        if not process.alive():
            raise AssertionError(f"the bot process died:\n{process.output()[-3000:]}")
        await sim.next_change(window)
        if len(sim.requests) != seen:
            seen, since = len(sim.requests), loop.time()


def cpu_seconds(pid: int) -> float:
    """CPU time the process has used so far, all its threads (aiosqlite's included), in seconds.

    Read from the scheduler's nanosecond counters; the tick-based figures in /proc/<pid>/stat
    are too coarse for a few hundred clicks."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as handle:
                total += int(handle.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended: its time is counted in no task; such threads are idle helpers
    return total / 1e9
