"""Three instances as real ``kalibar serve`` processes on loopback, each with its own
database (HR's on PostgreSQL when KALIBAR_TEST_DATABASE_URL is set): records, a hit and its
decision, and a seizure summary travel; nothing goes a hop further; a puller killed with
SIGKILL mid-pull resumes without loss or duplication."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import write_load
from fed_support import Instance, add_record, agency, link, make_instance
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from kalibar.app.seed import upgrade_and_seed
from kalibar.db.session import make_engine, unit_of_work
from kalibar.federation import puller, service
from kalibar.federation.apply import decide_remote_hit
from kalibar.federation.models import ForeignObject, RemoteHit
from kalibar.matching.models import Hit
from kalibar.records.models import FirearmRecord

PG_ENV = "KALIBAR_TEST_DATABASE_URL"


@contextmanager
def _database(tmp: Path, name: str, postgres: bool) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{tmp / f'{name}.sqlite3'}"
        return
    admin = os.environ[PG_ENV]
    db = f"kalibar_fed_{name}_{uuid.uuid4().hex[:10]}"
    eng = create_engine(admin, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{db}"'))
    try:
        yield make_url(admin).set(database=db).render_as_string(False)
    finally:
        with eng.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        eng.dispose()


@contextmanager
def _serve(inst: Instance, url: str, data: Path) -> Iterator[str]:
    data.mkdir(parents=True, exist_ok=True)
    with inst.active(), write_load.serve(url, data, data / "server.log") as base:
        yield base


def _set_url(a: Instance, code: str, url: str) -> None:
    with unit_of_work(a.engine) as s:
        service.get_peer(s, code=code).url = url


def _pull(a: Instance, code: str, **kw: object) -> puller.PullReport:
    with a.active():
        return puller.pull(a.engine, code, **kw)  # type: ignore[arg-type]


def _foreign(e: Engine, peer_code: str | None = None) -> set[uuid.UUID]:
    with unit_of_work(e) as s:
        return set(s.execute(select(ForeignObject.object_uuid)).scalars())


def test_three_instances_exchange(tmp_path: Path) -> None:
    postgres = bool(os.environ.get(PG_ENV))
    with ExitStack() as stack:
        urls = {c: stack.enter_context(_database(tmp_path, c.lower(), c == "HR" and postgres))
                for c in ("BA", "RS", "HR")}  # fmt: skip
        engines: dict[str, Engine] = {}
        for code, url in urls.items():
            engines[code] = make_engine(url)
            upgrade_and_seed(engines[code])
            stack.callback(engines[code].dispose)
        ba, rs, hr = (make_instance(engines[c], c) for c in ("BA", "RS", "HR"))
        # BA and RS exchange everything at partners level; HR takes only records from RS.
        link(ba, rs, nominal=True)
        link(rs, ba, nominal=True)
        link(rs, hr, kinds="record")
        link(hr, rs, kinds="record")
        link(hr, ba, kinds="record")  # HR registers BA, but BA never registered HR
        bases = {c: stack.enter_context(_serve(i, urls[c], tmp_path / f"data-{c}"))
                 for c, i in (("BA", ba), ("RS", rs), ("HR", hr))}  # fmt: skip
        _set_url(ba, "RS", bases["RS"])
        _set_url(rs, "BA", bases["BA"])
        _set_url(hr, "RS", bases["RS"])
        _set_url(hr, "BA", bases["BA"])

        rs_uc = agency(rs.engine, "RS-UC", "RS")
        ba_uio = agency(ba.engine, "BA-UIO", "BA")
        stolen = add_record(rs.engine, rs_uc, "RS", "ZR483920")
        for n in range(200):
            add_record(rs.engine, rs_uc, "RS", f"RS{n:06d}")
        ba_own = add_record(ba.engine, ba_uio, "BA", "BA0000001")

        # an unsigned caller gets 401, a stranger's signature 403
        import httpx

        assert httpx.get(bases["RS"] + "/federation/v1/feed").status_code == 401
        stranger = make_instance(engines["HR"], "HR")  # a key RS does not know
        with stranger.active():
            from kalibar.federation import envelopes, keys

            h = envelopes.sign_request(keys.current_key(), "GET", "/federation/v1/feed", "after=0")
        assert httpx.get(bases["RS"] + "/federation/v1/feed?after=0", headers=h).status_code == 403

        rep = _pull(ba, "RS")
        assert rep.applied == 201 and not rep.error, rep
        assert stolen in _foreign(ba.engine)

        # a seizure in BA hits RS's stolen record; the hit reaches RS, RS confirms, BA learns it
        add_record(ba.engine, ba_uio, "BA", "ZR483920", status="seized", distribution="agency")
        rep = _pull(rs, "BA")
        assert not rep.error and rep.applied >= 2, rep  # BA's own record and the hit
        with unit_of_work(rs.engine) as s:
            remote = s.execute(select(RemoteHit)).scalar_one()
            from kalibar.auth.actor import Actor

            officer = Actor(user_id=None, username="rs.officer", agency_id=rs_uc,
                            agency_code="RS-UC", country="RS")  # fmt: skip
            decide_remote_hit(s, actor=officer, hit_id=remote.uuid, decision="confirmed",
                              reason="Same rifle: serial and model agree.")  # fmt: skip
        assert not _pull(ba, "RS").error
        with unit_of_work(ba.engine) as s:
            hit = s.execute(select(Hit).where(Hit.matched_record_id == stolen)).scalar_one()
            assert hit.status == "confirmed"

        # HR gets RS's records but never BA's (no partner-of-a-partner), and nothing from BA
        assert not _pull(hr, "RS").error
        assert "403" in _pull(hr, "BA").error  # BA never registered HR: refused
        hr_has = _foreign(hr.engine)
        assert stolen in hr_has and ba_own not in hr_has
        with unit_of_work(hr.engine) as s:
            assert s.get(FirearmRecord, ba_own) is None

        # SIGKILL a puller mid-pull: BA pulls 3,000 new RS records in pages of 20
        with unit_of_work(rs.engine) as s:
            for n in range(3000):
                s.add(FirearmRecord(owner_agency_id=rs_uc, owner_country="RS",
                                    distribution="partners", reference=f"K-{n:06d}",
                                    status="lost", make="CZ", serial_number=f"K{n:07d}",
                                    serial_normalised=f"K{n:07d}"))  # fmt: skip
                if n % 500 == 499:
                    s.flush()
        with unit_of_work(ba.engine) as s:
            start = service.get_peer(s, code="RS").cursor
        env = dict(os.environ, KALIBAR_DATABASE_URL=urls["BA"], KALIBAR_FEDERATION_KEY=ba.key_hex,
                   KALIBAR_DATA_DIR=str(tmp_path / "data-BA"))  # fmt: skip
        proc = subprocess.Popen(  # noqa: S603
            [*write_load._kalibar_command(), "federation", "sync", "--peer", "RS",
             "--page-size", "20"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 600  # a loaded machine starts a CLI slowly
        while time.monotonic() < deadline:
            with unit_of_work(ba.engine) as s:
                cur = service.get_peer(s, code="RS").cursor
            if cur > start + 100 or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the puller was still pulling when killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with unit_of_work(ba.engine) as s:
            mid = s.execute(select(func.count()).select_from(ForeignObject)).scalar()
        assert mid is not None and 201 < mid < 201 + 1 + 3000 + 1, "killed mid-pull"
        rep = _pull(ba, "RS")
        assert not rep.error, rep
        with unit_of_work(rs.engine) as s:
            sent = set(s.execute(select(FirearmRecord.uuid).where(
                FirearmRecord.distribution == "partners", FirearmRecord.owner_country == "RS"
            )).scalars())  # fmt: skip
        with unit_of_work(ba.engine) as s:
            got = set(s.execute(select(ForeignObject.object_uuid)
                                .where(ForeignObject.kind == "record")).scalars())  # fmt: skip
            n_records = s.execute(
                select(func.count()).select_from(FirearmRecord)
                .where(FirearmRecord.owner_country == "RS")
            ).scalar()  # fmt: skip
        assert sent == got, "nothing lost"
        assert n_records == len(sent), "nothing duplicated"


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
