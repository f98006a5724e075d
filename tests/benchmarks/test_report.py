"""``--only`` re-measures some rows: the report keeps every other row and section as it was."""

from __future__ import annotations

from benchmarks.__main__ import merge_report
from benchmarks.common import Result

REPORT = """# Benchmarks

| Benchmark | Figure | Target | |
|---|---|---|---|
| Alpha | 1 | < 2 | met |
| Beta | 5 | < 2 | **missed** |

## Alpha

- alpha detail

## Beta

- beta detail
- beta limits
"""


def test_only_the_remeasured_row_and_its_section_change() -> None:
    merged = merge_report(REPORT, [Result("Beta", "1.5", "< 2", True, ["new beta detail"])], "2026-12-03 16:00 UTC")
    assert "| Alpha | 1 | < 2 | met |" in merged and "- alpha detail" in merged
    assert "| Beta | 1.5 | < 2 | met |" in merged and "**missed**" not in merged
    assert "- new beta detail" in merged and "beta limits" not in merged
    assert "Re-measured alone (`--only`) at 2026-12-03 16:00 UTC" in merged
    assert merged.index("## Alpha") < merged.index("## Beta")


def test_a_new_benchmark_is_added_at_the_end() -> None:
    merged = merge_report(REPORT, [Result("Gamma", "3", "< 4", True, ["gamma detail"])], "now")
    table = [line for line in merged.splitlines() if line.startswith("| ")]
    assert table[-1] == "| Gamma | 3 | < 4 | met |"
    assert merged.rstrip().endswith("- gamma detail")
