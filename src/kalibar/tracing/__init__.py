"""Tracing: requests to trace a firearm to its point of diversion (ITI, ISACS 05.31)."""
