"""Interaction cost against discord.py's own floor: CPU time per interaction in the bot's process.

The same members send the same clicks (the same payloads, on the same messages) first to a
bare discord.py bot that answers each with a constant ephemeral message
(:mod:`benchmarks.bare_bot`, studybot's HTTP settings and intents), then to studybot, which
does the real work: the day's hints, a flashcard grade, a submitted answer form, a quiz pick.
Each bot runs in a process of its own; its CPU time over the clicks (all its threads) divided
by the clicks is its cost per interaction. The figure per kind is studybot's cost over the
bare bot's, the median of the runs' ratios. CPU time, unlike latency, hardly moves when
other work shares the machine, so the ratio holds on a busy machine too.

A second floor splits the gap: the bare bot again, replaying the answers studybot sent to one
sample click of each kind. What studybot costs above that floor is its own work; what the
floor costs above the constant answer is discord.py building and sending richer answers.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.bare_bot import BareBotProcess
from benchmarks.common import Result
from benchmarks.harness import START
from benchmarks.study_server import KIND_NAMES, KINDS, READY, StudyServer, answered, cpu_seconds, quiet
from bot.clock import ManualClock
from bot.localdiscord import LocalDiscord, SimMember
from bot.localdiscord.process import BotProcess

TARGET = 1.15
STUDYBOT_RATE = 48.0  # requests a second for the bot's own posts, as in production (and for the replaying floor)
WAVE = 10  # clicks sent together: several members at once, as on a busy server

LIMITS = (
    "What limits it: the Hints click reads the day's post from a cache and answers with the hints embed, "
    "what the floor does with a constant message. A writing click makes one trip to the database's thread "
    "(its whole transaction as one function: a grade with its streak credit, the streak summary of a "
    "member's first activity of the day and the next card; a quiz pick with its credit; an answer with its "
    "credit), and clicks that wait for the write turn together share one trip and one COMMIT, each in its "
    "own savepoint. A button is made from its custom id alone: discord.py's rebuilding of the clicked "
    "message as a view, which studybot's buttons never use, is skipped (measured back to back on 2026-12-06, "
    "that cut the ratio of a Hints click, a grade and a quiz pick by about a tenth). "
    "Against the floor that sends studybot's own answers, what remains is that work: "
    "SQLite's statements and the commit to the WAL on the database thread, the hand-off to that thread, "
    "and building each answer's embed and buttons. Against the constant floor, the answers themselves cost "
    "more to build and send: a grade edits the session to the next card with its embed and buttons, and the "
    "answer form makes two requests where the floor makes one (the confirmation naming the thread, then the "
    "answer shown in the thread, which is the point of the form; the form's own response can only go to the "
    "channel of the button, not to the thread). Until 2026-12-03 the pacer also spread the thread messages "
    "of forms submitted together one by one, and work done alone costs this machine about twice the CPU of "
    "the same work done in a burst (the form measured 4.50× then); members' requests are now held only by "
    "the limit of any one second, so forms submitted together show their answers together."
)


@dataclass
class Costs:
    """Milliseconds of CPU per interaction, per kind, one list entry per run."""

    bare: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    same: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})  # studybot's answers
    studybot: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})

    def ratios(self, kind: str, floor: str = "bare") -> list[float]:
        return [s / b for s, b in zip(self.studybot[kind], getattr(self, floor)[kind], strict=True)]

    def ratio(self, kind: str, floor: str = "bare") -> float:
        return statistics.median(self.ratios(kind, floor))


async def _measure(server: StudyServer, process: BotProcess, members: list[SimMember]) -> dict[str, float]:
    """CPU milliseconds per interaction of each kind, every member clicking once, ``WAVE`` at a time."""
    assert process.process is not None
    costs = {}
    for kind in KINDS:
        await quiet(server.sim, process)
        before = cpu_seconds(process.process.pid)
        for start in range(0, len(members), WAVE):
            pending = [server.start(kind, m) for m in members[start:start + WAVE]]
            await answered(process, pending)
        await quiet(server.sim, process)  # the work after the answer (a form's follow-up) counts too
        costs[kind] = (cpu_seconds(process.process.pid) - before) * 1000 / len(members)
    return costs


async def _studybot(server: StudyServer, name: str) -> BotProcess:
    process = BotProcess(server.sim, server.clock, server.db_path, rate=STUDYBOT_RATE, name=name)
    await process.start()
    await process.wait_for(lambda: READY in process.output(), "studybot to start", 60)
    return process


async def measure(runs: int, clicks: int) -> Costs:
    costs = Costs()
    clock = ManualClock(START)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        async with LocalDiscord(clock=clock, global_rate_limit=None, bucket_rules={}) as sim:
            guild = sim.create_guild("Study Hall")
            server = StudyServer(sim, clock, tmp / "studybot.sqlite3", guild.create_text_channel("daily"),
                                 guild.add_member("mod", manage_guild=True))
            groups = [server.add_members(f"run{r}-member", clicks) for r in range(runs)]
            (sampler,) = server.add_members("sample-member", 1)
            await server.publish()
            process = await _studybot(server, "prepare")
            try:
                await server.prepare(process, [m for group in groups for m in group])
                answers = tmp / "answers.json"
                answers.write_text(json.dumps(await server.sample_answers(process, sampler)), encoding="utf-8")
            finally:
                await process.stop()
            for run, group in enumerate(groups):
                for floor, replayed in (("bare", None), ("same", str(answers))):
                    bare = BareBotProcess(sim, clock, server.db_path, rate=STUDYBOT_RATE, name=f"{floor}{run}",
                                          answers=replayed)
                    screens = server.session_screens(group)
                    await bare.start()
                    try:
                        await bare.wait_ready()
                        for kind, cost in (await _measure(server, bare, group)).items():
                            getattr(costs, floor)[kind].append(cost)
                    finally:
                        await bare.stop()
                    server.restore_sessions(screens)
                study = await _studybot(server, f"studybot{run}")
                try:
                    for kind, cost in (await _measure(server, study, group)).items():
                        costs.studybot[kind].append(cost)
                finally:
                    await study.stop()
            if sim.errors:
                raise RuntimeError(f"a bot sent requests Discord would reject: {sim.errors[:5]}")
    return costs


def _check_answers(costs: Costs) -> None:
    for kind in KINDS:
        if not costs.bare[kind] or not costs.same[kind] or not costs.studybot[kind]:
            raise AssertionError(f"no measurement for {kind}")


async def run(quick: bool = False) -> Result:
    runs, clicks = (1, 10) if quick else (5, 200)
    costs = await measure(runs, clicks)
    _check_answers(costs)
    ratios = {kind: costs.ratio(kind) for kind in KINDS}
    figure = ", ".join(f"{KIND_NAMES[k]} {ratios[k]:.2f}×" for k in KINDS)
    details = [
        f"{clicks} members clicked each kind once per run, {WAVE} at a time, {runs} run(s); the same clicks on "
        "the same messages went first to a bare discord.py bot answering each with one constant ephemeral message "
        "(same HTTP connection pool and intents as studybot), then to studybot. Each bot in a process of its own; "
        "CPU time of that process, all threads, over the clicks and the work they caused.",
    ]
    for kind in KINDS:
        bare, study = statistics.median(costs.bare[kind]), statistics.median(costs.studybot[kind])
        runs_text = ", ".join(f"{r:.2f}" for r in costs.ratios(kind))
        details.append(f"{KIND_NAMES[kind]}: studybot {study:.2f} ms, bare discord.py {bare:.2f} ms of CPU per "
                       f"interaction (medians); ratio {ratios[kind]:.2f}× (runs: {runs_text}).")
    same = ", ".join(f"{KIND_NAMES[k]} {statistics.median(costs.same[k]):.2f} ms, studybot "
                     f"{costs.ratio(k, 'same'):.2f}× of it" for k in KINDS)
    details.append("The same clicks also went (between those two) to the bare bot sending, instead of its constant "
                   "message, the very answers studybot sent to a sample click of each kind (the same embeds and "
                   "buttons, an edit where studybot edits, and for the form the same second message in the thread): "
                   f"{same}. That floor is discord.py's own cost for studybot's answers; the rest is studybot's "
                   "work.")
    details.append(LIMITS)
    return Result(
        name="Interaction cost vs bare discord.py",
        figure=figure,
        target=f"≤ {TARGET:.2f}× each",
        met=all(r <= TARGET for r in ratios.values()),
        details=details,
    )
