"""Benchmarks; results in RESULTS.md."""
