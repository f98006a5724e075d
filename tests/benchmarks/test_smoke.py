"""Each benchmark's quick variant runs and loses nothing. Timings are never asserted here."""

from __future__ import annotations

import importlib

import pytest

from benchmarks.__main__ import BENCHMARKS, write_report

AVAILABLE = [name for name in BENCHMARKS if importlib.util.find_spec(f"benchmarks.{name}") is not None]


@pytest.mark.parametrize("name", AVAILABLE)
async def test_quick_variant_runs_without_losing_data(name: str) -> None:
    module = importlib.import_module(f"benchmarks.{name}")
    result = await module.run(quick=True)  # each raises if anything was lost or doubled
    assert result.figure and result.target
    assert result.row().startswith(f"| {result.name} |")


def test_report_lists_every_figure_with_its_target() -> None:
    from benchmarks.common import Result

    report = write_report([Result("A", "1.0×", "≥ 0.5×", True, ["detail"])], quick=True)
    assert "| A | 1.0× | ≥ 0.5× | met |" in report
    assert "Machine:" in report
