"""Synthetic declarations with planted trafficking patterns, for the targeting slice's
tests, benchmarks and ``kalibar targeting generate``."""
