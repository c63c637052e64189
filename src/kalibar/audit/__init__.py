"""The tamper-evident audit trail: who did what, hash-chained."""
