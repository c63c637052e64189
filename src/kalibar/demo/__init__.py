"""Demo data: the region's agencies, one user per role, partnerships."""
