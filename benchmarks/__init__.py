"""Benchmark scripts: they print figures, never assert on time."""
