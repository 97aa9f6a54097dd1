"""Benchmarks: each reports a ratio against a baseline measured in the same run. Not part of the tests."""
