"""``python -m benchmarks [--quick] [--only NAME ...]``: run the benchmarks and write BENCHMARKS.md."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import bot
from benchmarks.common import Result, machine

BENCHMARKS = ["fanout", "fanout_forum", "post_requests", "write_path", "study_reads", "interaction_cost", "load", "burst",
              "leaderboard", "pairing", "memory", "shards"]
REPORT = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


LOAD_AT_START: list[float] = []


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


async def run_all(names: list[str], quick: bool) -> list[Result]:
    LOAD_AT_START[:] = [os.getloadavg()[0]]
    results = []
    for name in names:
        began = time.perf_counter()
        print(f"running {name}…", flush=True)
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as error:
            results.append(Result(name, "not measured", "", False, [f"module missing: {error}"]))
            continue
        result = await module.run(quick=quick)
        print(f"  {result.figure} (target {result.target}) in {time.perf_counter() - began:.1f} s", flush=True)
        results.append(result)
    return results


def write_report(results: list[Result], quick: bool) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with studybot {bot.__version__}"
        f"{' (quick sizes, not the real figures)' if quick else ''}.",
        "",
        f"Machine: {machine()}.",
        "",
        f"Conditions: other programs may share the machine; load average {load_average()} when the report was "
        f"written{f', {LOAD_AT_START[0]:.2f} (1 min) when the run began' if LOAD_AT_START else ''}. CPU-time "
        "ratios hold up on a busy machine; latencies and the burst size do not.",
        "",
        "Reproduce with `python -m benchmarks` (about ten minutes). Each figure is a ratio against a bound",
        "measured in the same run, or an absolute figure beside its target.",
        "",
        "| Benchmark | Figure | Target | |",
        "|---|---|---|---|",
        *[r.row() for r in results],
        "",
    ]
    for result in results:
        lines += [f"## {result.name}", "", *[f"- {d}" for d in result.details], ""]
    return "\n".join(lines)


def merge_report(existing: str, results: list[Result], measured_at: str) -> str:
    """The report with only ``results`` replaced: each one's table row and its section, the rest kept as it
    was (``--only`` re-measures a few rows; the others still come from the run that wrote them). A result
    the report did not hold yet is added at the end of the table and of the sections."""
    lines = existing.splitlines()
    for result in results:
        row = next((i for i, line in enumerate(lines) if line.startswith(f"| {result.name} |")), None)
        if row is None:
            row = max(i for i, line in enumerate(lines) if line.startswith("|")) + 1
            lines.insert(row, result.row())
        else:
            lines[row] = result.row()
        section = [f"## {result.name}", "", f"- Re-measured alone (`--only`) at {measured_at}.",
                   *[f"- {d}" for d in result.details], ""]
        start = next((i for i, line in enumerate(lines) if line == f"## {result.name}"), None)
        if start is None:
            lines += ["", *section[:-1]]
            continue
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = section
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("--only", nargs="*", choices=BENCHMARKS, help="run only these")
    parser.add_argument("--no-write", action="store_true", help="print the report instead of writing it")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    results = asyncio.run(run_all(args.only or BENCHMARKS, args.quick))
    if args.only and REPORT.exists() and not args.quick:
        measured_at = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load_average()}"
        report = merge_report(REPORT.read_text(encoding="utf-8"), results, measured_at)
    else:
        report = write_report(results, args.quick)
    if args.no_write or args.quick:
        print(report)
    else:
        REPORT.write_text(report, encoding="utf-8")
        print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
