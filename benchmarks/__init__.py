"""Benchmarks: speed, scale and memory, each reported as a ratio against a bound measured in the same run.

Run them all with ``python -m benchmarks`` (writes ``BENCHMARKS.md``); each module also
has a quick variant that the test suite runs as a smoke test (it checks that nothing is
lost, never a timing).
"""
