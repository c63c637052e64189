"""Hostile uploads answered 4xx within bounded memory (issue 18 item 3).

The import runs in a child process (the app behind a ``TestClient``, a real database), which
reports its own peak RSS (``ru_maxrss``) before and after the uploads: a 1 MB XLSX that
unpacks to 1 GiB took +2 GB and a 1,000,000-bad-row sheet 1.37 GB before the limits; 80 MB
of short shared strings took +600 MB.
Memory, not time, is asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support import World
from upload_support import bad_rows, strings_bomb, zip_bomb

from kalibar.auth import service as auth
from kalibar.db.session import unit_of_work

CHILD = r"""
import json, resource, sys
from pathlib import Path
from fastapi.testclient import TestClient
from kalibar.db.session import make_engine
from kalibar.app.web import create_app

url, token, *paths = sys.argv[1:]
client = TestClient(create_app(make_engine(url)))
client.headers["Authorization"] = "Bearer " + token
assert client.get("/api/v1/records?limit=1").status_code == 200
def status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
before = status("VmRSS")
# Reset the high-water mark so a spike while starting up cannot hide what the uploads take.
try:
    Path("/proc/self/clear_refs").write_text("5")
except OSError:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
answers = []
for path in paths:
    with open(path, "rb") as fh:
        r = client.post("/api/v1/records/import",
                        files={"file": (Path(path).name, fh, "application/octet-stream")})
    answers.append([Path(path).name, r.status_code, len(r.content)])
after = max(status("VmHWM"), before)
print(json.dumps({"before_kib": before, "peak_kib": after, "answers": answers}))
"""

#: What the uploads may add to the resident memory of the loaded app (~300 MB alone; its
#: start-up peak varies with the machine, so the high-water mark is reset before uploading).
GROWTH_MB = 150


def test_bomb_and_million_bad_rows_within_bounded_memory(world: World, tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bomb.xlsx")
    bad = bad_rows(tmp_path / "bad.xlsx")
    strings = strings_bomb(tmp_path / "strings.xlsx")
    with unit_of_work(world.engine) as s:
        token, _t = auth.create_token(s, username="officer")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, world.engine.url.render_as_string(False), token,
         str(bomb), str(bad), str(strings)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print(report)
    answers = {name: (status, size) for name, status, size in report["answers"]}
    assert answers["bomb.xlsx"][0] == 413
    assert answers["bad.xlsx"][0] == 422 and answers["bad.xlsx"][1] < 400_000
    assert answers["strings.xlsx"][0] == 413
    peak_mb, before_mb = report["peak_kib"] / 1024, report["before_kib"] / 1024
    assert peak_mb - before_mb < GROWTH_MB, report
