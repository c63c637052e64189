"""Settings from ``KALIBAR_*`` environment variables, with embedded defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """One place for configuration so that every entry point agrees."""

    model_config = SettingsConfigDict(env_prefix="KALIBAR_", extra="ignore")

    data_dir: Path = Path("./var")
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    instance_country: str = "BA"
    default_locale: str = "en"
    # The zone every time is shown in (pages, PDFs; exports stay UTC ISO 8601): the
    # region (BA, RS, HR, ME) shares one. An IANA name; see kalibar/clock.py.
    time_zone: str = "Europe/Sarajevo"
    # Sessions live this long without activity.
    session_idle_minutes: int = 480
    # Failed logins allowed within the window before the account is throttled.
    login_max_failures: int = 5
    login_window_seconds: int = 900
    # Wrong second-factor codes allowed per user within the same window.
    totp_max_failures: int = 5
    # API tokens expire after this many days unless issued with another expiry.
    token_default_days: int = 90
    # The audit chain's HMAC key (64 hex digits). Unset: the key file ``audit.key`` in the
    # data folder, created (0600) on first use. Never stored in the database.
    audit_key: str | None = None
    # Set by deployments that terminate TLS in front of Kalibar.
    secure_cookies: bool = False
    # A recovered weapon matching a wanted record at this score or above creates a hit
    # when its calibrated alert confidence is at least match_alert_confidence
    # (matching/calibration.py: over the other side's candidates, the record's own entry
    # left out). 0.8 and 0.8 measured precision 0.98 and recall 0.66 where the score
    # alone at 0.9 gave 0.95 and 0.60 (docs/performance.md, matching).
    match_alert_threshold: float = 0.8
    match_alert_confidence: float = 0.8
    # Tracing: default deadlines (days after a request is sent) for the recipient agency
    # to acknowledge and to answer; reminders start this many days before a deadline.
    trace_ack_days: int = 10
    trace_answer_days_urgent: int = 30
    trace_answer_days_routine: int = 90
    trace_reminder_days: int = 7
    # Seizure evidence: the largest file accepted (bytes). Phone photos and scanned
    # documents fit; larger files are refused before anything is stored.
    evidence_max_bytes: int = 25 * 1024 * 1024
    # Concurrent writers: how long a write waits for the database's write lock (SQLite
    # busy_timeout, PostgreSQL lock_timeout) before the request is answered 503 (busy).
    db_busy_timeout_seconds: float = 60.0
    # Connections per server process: pool size plus overflow exceeds the server's 40
    # request threads (with room for the match index's own reads), so a request waits
    # for the write lock, never for a connection; one that still finds none within the
    # pool timeout is answered 503.
    db_pool_size: int = 20
    db_pool_overflow: int = 30
    db_pool_timeout_seconds: float = 60.0
    # `kalibar serve` worker processes (each with its own pool).
    workers: int = 1
    # Files coming in (imports, uploads, documents): see docs/operations.md "Limits on
    # files". A request body larger than the largest upload is refused (413) while it
    # streams in; an upload is spooled to a temporary file, never held in memory.
    upload_max_bytes: int = 512 * 1024 * 1024
    # XLSX: every member of the archive together, as unpacked (declared and actual
    # sizes both count), the shared strings (held in memory while reading), and the
    # highest compression ratio of a member (text compresses ~10x; bombs ~1000x).
    xlsx_max_unpacked_bytes: int = 512 * 1024 * 1024
    xlsx_max_strings_bytes: int = 16 * 1024 * 1024
    xlsx_max_ratio: int = 200
    # Files parsed whole in memory (JSON imports, trace documents, bulk check lists):
    # their size, and the nesting of JSON, are capped.
    document_max_bytes: int = 64 * 1024 * 1024
    json_max_depth: int = 32
    # Rows of a file, columns of its header, characters of one cell.
    import_max_rows: int = 2_000_000
    import_max_columns: int = 256
    import_max_cell_chars: int = 32_767
    # An import stops reading after this many bad rows (nothing is imported), and a
    # report lists at most this many errors (the rest are counted, "and N more").
    import_max_bad_rows: int = 10_000
    import_max_listed_errors: int = 1_000
    # Federation: seconds between background pulls of every peer's feed in ``kalibar
    # serve`` (0 = off; ``kalibar federation sync`` pulls once, for cron or a timer).
    federation_sync_seconds: float = 0.0

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kalibar.sqlite3').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
