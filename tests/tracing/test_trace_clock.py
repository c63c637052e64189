"""One clock on the trace pages (issue 16): times in the reader's zone with the zone named
(never bare UTC), the same on the page and in the request's PDF."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select
from support import World, client_for, login
from tracing_support import api, seized_record, sent_trace

from kalibar.clock import moment
from kalibar.i18n import use_language
from kalibar.tracing.models import TraceRequest


def test_trace_page_and_pdf_name_the_zone(world: World) -> None:
    client = api(world, "officer")
    record = seized_record(client)
    trace = sent_trace(client, record["record_id"])
    with world.session() as s:
        sent_at = s.execute(select(TraceRequest.sent_at)).scalars().one()
    assert sent_at is not None
    with use_language("hr"):
        sent = moment(sent_at)
    assert re.search(r"\d\d:\d\d CES?T$", sent)
    web = client_for(world.engine)
    login(web, "officer", world.passwords["officer"])
    web.cookies.set("kalibar_lang", "hr")
    page = web.get(f"/traces/{trace['trace_id']}")
    assert page.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
    assert sent in text and "UTC" not in text
    link = f"/api/v1/traces/{trace['trace_id']}/export?format=pdf"
    assert link in page.text  # the page's PDF button
    pdf = web.get(link)
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.content))
    pdf_text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert sent in pdf_text and "UTC" not in pdf_text
