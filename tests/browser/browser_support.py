"""Types shared by the browser tests and their fixtures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class LiveServer:
    base_url: str
    passwords: dict[str, str]  # demo username → password
    log: Path

    def url(self, path: str = "/") -> str:
        return self.base_url + path
