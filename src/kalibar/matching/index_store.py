"""The match index of one database: files on disk, kept current in every process.

Layout, under ``KALIBAR_DATA_DIR/index/<fingerprint>/`` (the fingerprint is a hash of the
database URL without password, so many test databases never share an index)::

    CURRENT        name of the live generation (replaced atomically)
    g-<stamp>/     a base index written by ``MatchEngine.save`` + ``stamp.json``
    changes.log    append-only lines "<ISO time> [<ISO time written>]": rescan records
                   changed since the first time (a generation whose build started after
                   the line was written holds those changes: processes that open it skip
                   the line)
    .lock          ``flock`` held while a generation is built

Keys are record UUID strings; attributes are the record's catalogue codes (make_code,
model_code, calibre_code, weapon_type). The engine stays pure: mapping keys back to
records and the visibility filter are the service's business.

Freshness, in every process (server workers, CLI):

* Each process memory-maps the live generation (pages shared between workers) and keeps
  its own small in-memory delta (``MatchEngine.update/remove``).
* Before every query (:func:`reading`) it (1) reopens the base when ``CURRENT`` names a
  new generation, (2) reads new lines of ``changes.log``, (3) runs one indexed query for
  records with ``updated_at`` later than its watermark minus ``OVERLAP`` (tombstones
  included: a soft delete bumps ``updated_at``) and applies them — deleted, blank-serial
  → removed; otherwise updated. Rows already applied at the same ``updated_at`` are
  skipped, so re-reading the overlap is idempotent.
* ``OVERLAP`` covers ordinary transactions that commit a little after they stamp
  ``updated_at``. Longer transactions (imports, scripts) append their start time to
  ``changes.log`` when they commit (the ``after_commit`` listener in ``service``), so every
  process rescans from there; nothing committed is missed.
* When a process's delta holds more than ``MERGE_AT`` changes it rebuilds a generation
  from the database in a background thread (one builder at a time, ``flock``); every
  process switches to it at its next query. ``kalibar index rebuild`` does the same in
  the foreground. A generation is written to a temporary directory and renamed; the two
  newest are kept (readers of the previous one keep their mapping until they switch).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select

from kalibar.config import get_settings
from kalibar.matching import MatchEngine
from kalibar.matching.designations import catalogue_designations
from kalibar.records.models import FirearmRecord

log = logging.getLogger("kalibar.matching")

OVERLAP = timedelta(seconds=5)
MERGE_AT = 50_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_COLUMNS = (
    FirearmRecord.uuid,
    FirearmRecord.serial_number,
    FirearmRecord.make_code,
    FirearmRecord.model_code,
    FirearmRecord.calibre_code,
    FirearmRecord.weapon_type,
)

Progress = Callable[[int, int], None]


def fingerprint(db: Engine) -> str:
    url = db.url.render_as_string(hide_password=True)
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def index_dir(db: Engine, data_dir: Path | None = None) -> Path:
    base = data_dir or get_settings().data_dir
    return (Path(base) / "index" / fingerprint(db)).resolve()


def _stamp_name(now: datetime) -> str:
    return "g-" + now.strftime("%Y%m%dT%H%M%S%f") + f"-{os.getpid()}"


@contextlib.contextmanager
def _flock(root: Path, blocking: bool = True) -> Iterator[bool]:
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build_generation(db: Engine, root: Path, progress: Progress | None = None) -> str:
    """Read every live record, build and save a base, make it CURRENT. Returns its name."""
    started = datetime.now(UTC)
    with db.connect() as conn:
        live = FirearmRecord.deleted_at.is_(None)
        total = int(
            conn.execute(select(func.count()).select_from(FirearmRecord).where(live)).scalar_one()
        )
        rows: list[tuple[str, str, str | None, str | None, str | None, str | None]] = []
        result = conn.execution_options(stream_results=True, yield_per=20_000).execute(
            select(*_COLUMNS).where(FirearmRecord.deleted_at.is_(None))
        )
        for part in result.partitions(20_000):
            for rid, serial, make, model, calibre, wtype in part:
                if serial and serial.strip():
                    rows.append((str(rid), serial, make, model, calibre, wtype))
            if progress:
                progress(min(len(rows), total), total)
    engine = MatchEngine.build(rows)
    name = _stamp_name(started)
    tmp = root / f".tmp-{name}"
    engine.save(tmp)
    (tmp / "stamp.json").write_text(
        json.dumps({"watermark": started.isoformat(), "records": len(rows)})
    )
    os.replace(tmp, root / name)
    cur = root / ".CURRENT.tmp"
    cur.write_text(name)
    os.replace(cur, root / "CURRENT")
    _prune(root, keep={name})
    if progress:
        progress(total, total)
    return name


def _prune(root: Path, keep: set[str]) -> None:
    gens = sorted(p for p in root.glob("g-*") if p.is_dir())
    for old in gens[:-2]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def rebuild(db: Engine, progress: Progress | None = None, data_dir: Path | None = None) -> int:
    """Rebuild the index of ``db`` from the database (foreground). Returns records indexed."""
    root = index_dir(db, data_dir)
    with _flock(root):
        name = build_generation(db, root, progress)
    return int(json.loads((root / name / "stamp.json").read_text())["records"])


def note_changes(db: Engine, since: datetime, data_dir: Path | None = None) -> None:
    """Tell every process to rescan records changed since ``since`` (one small append)."""
    root = index_dir(db, data_dir)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / "changes.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        line = f"{since.astimezone(UTC).isoformat()} {datetime.now(UTC).isoformat()}\n"
        os.write(fd, line.encode())
    finally:
        os.close(fd)


@dataclass
class LiveIndex:
    """One process's view of one database's index."""

    root: Path
    engine: MatchEngine | None = None
    generation: str = ""
    current_sig: tuple[int, int, int] | None = None
    watermark: datetime = _EPOCH
    built: datetime = _EPOCH
    applied: dict[str, datetime] = field(default_factory=dict)
    log_offset: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)
    merging: bool = False

    # -- generations -------------------------------------------------------------------
    def _current_name(self) -> str | None:
        path = self.root / "CURRENT"
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        sig = (st.st_ino, st.st_mtime_ns, st.st_size)
        if sig == self.current_sig and self.generation:
            return self.generation
        self.current_sig = sig
        return path.read_text().strip()

    def _open(self, name: str) -> None:
        gen = self.root / name
        stamp = json.loads((gen / "stamp.json").read_text())
        self.engine = MatchEngine.open(gen, designations=catalogue_designations())
        self.generation = name
        self.watermark = self.built = datetime.fromisoformat(stamp["watermark"])
        self.applied = {}

    def _ensure_base(self, db: Engine) -> None:
        name = self._current_name()
        if name is None:
            with _flock(self.root):
                name = self._current_name() or build_generation(db, self.root)
        if name != self.generation:
            self._open(name)

    # -- changes -----------------------------------------------------------------------
    def _read_log(self) -> datetime | None:
        path = self.root / "changes.log"
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return None
        if size == self.log_offset:
            return None
        if size < self.log_offset:
            self.log_offset = 0
        with path.open("rb") as fh:
            fh.seek(self.log_offset)
            data = fh.read(size - self.log_offset)
        # only whole lines; a partial last line is read next time
        end = data.rfind(b"\n") + 1
        self.log_offset += end
        stamps = []
        for line in data[:end].decode().splitlines():
            parts = [datetime.fromisoformat(x) for x in line.split()]
            if parts and (len(parts) < 2 or parts[1] >= self.built):
                stamps.append(parts[0])
        return min(stamps) if stamps else None

    def _apply_changes(self, db: Engine, conn: Connection | None) -> None:
        assert self.engine is not None
        since = self.watermark
        logged = self._read_log()
        if logged is not None and logged < since:
            since = logged
        r = FirearmRecord
        stmt = select(*_COLUMNS, r.deleted_at, r.updated_at).where(r.updated_at > since - OVERLAP)
        if conn is not None:
            rows = conn.execute(stmt).all()
        else:
            with db.connect() as own:
                rows = own.execute(stmt).all()
        eng = self.engine
        newest = self.watermark
        for rid, serial, make, model, calibre, wtype, deleted, updated in rows:
            key = str(rid)
            if self.applied.get(key) == updated:
                continue
            self.applied[key] = updated
            if updated > newest:
                newest = updated
            if deleted is not None or not (serial and serial.strip()):
                if key in eng:
                    eng.remove(key)
            else:
                eng.update(key, serial, make, model, calibre, wtype)
        self.watermark = newest
        horizon = newest - OVERLAP
        if len(self.applied) > 1000:
            self.applied = {k: v for k, v in self.applied.items() if v >= horizon}

    def _maybe_merge(self, db: Engine) -> None:
        assert self.engine is not None
        if self.merging or self.engine.delta.size < MERGE_AT:
            return
        self.merging = True

        def run() -> None:
            try:
                with _flock(self.root, blocking=False) as got:
                    if got:
                        build_generation(db, self.root)
            except Exception:  # noqa: BLE001 - a failed merge only costs speed
                log.exception("match index merge failed")
            finally:
                self.merging = False

        threading.Thread(target=run, name="kalibar-index-merge", daemon=True).start()

    def refresh(self, db: Engine, conn: Connection | None = None) -> MatchEngine:
        self._ensure_base(db)
        self._apply_changes(db, conn)
        self._maybe_merge(db)
        assert self.engine is not None
        return self.engine


_LIVE: dict[Path, LiveIndex] = {}
_LIVE_LOCK = threading.Lock()


def live_index(db: Engine, data_dir: Path | None = None) -> LiveIndex:
    root = index_dir(db, data_dir)
    with _LIVE_LOCK:
        live = _LIVE.get(root)
        if live is None:
            root.mkdir(parents=True, exist_ok=True)
            live = _LIVE[root] = LiveIndex(root)
    return live


@contextlib.contextmanager
def reading(
    db: Engine, conn: Connection | None = None, data_dir: Path | None = None
) -> Iterator[MatchEngine]:
    """The current engine for ``db``, brought up to date (changes read on ``conn``, the
    caller's transaction, when given); held exclusively in this process while the block
    runs (the delta is not safe to change during a query)."""
    live = live_index(db, data_dir)
    with live.lock:
        yield live.refresh(db, conn)


def forget(data_dir: Path | None = None) -> None:
    """Drop cached indexes (tests; after deleting a data directory)."""
    with _LIVE_LOCK:
        if data_dir is None:
            _LIVE.clear()
        else:
            for root in [r for r in _LIVE if str(r).startswith(str(Path(data_dir).resolve()))]:
                del _LIVE[root]
