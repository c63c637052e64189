"""Users, roles, passwords, sessions, API tokens and the acting user."""
