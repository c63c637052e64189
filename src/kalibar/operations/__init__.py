"""Joint-operation workspaces: members, links, a shared log, tasks, an after-action summary."""
