"""Indicators: SDG 16.4.2 and tracing statistics, computed from the data."""
