"""Seizures processed by standard operating procedure."""
