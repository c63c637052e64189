"""What a request must state to be sent, and what an answer must state (ITI, ISACS 05.31)."""

from __future__ import annotations

from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.tracing.labels import field_words
from kalibar.tracing.models import NotTracedReason, TracePriority, TraceRequest, TraceResult
from kalibar.tracing.schemas import AnswerIn

#: Always required to send: why the weapon is illicit, identification, use, confidentiality.
REQUIRED_TO_SEND = (
    "legal_basis",
    "circumstances",
    "event_place",
    "weapon_type",
    "make",
    "model",
    "calibre",
    "markings",
    "intended_use",
    "confidentiality",
)


def missing_for_sending(t: TraceRequest) -> list[str]:
    """Names of the fields a request still lacks before it can be sent."""
    missing = [f for f in REQUIRED_TO_SEND if not str(getattr(t, f) or "").strip()]
    if not t.serial_number.strip():
        missing.append("serial_number")
    if not (t.country_of_manufacture or t.import_marking.strip()):
        missing.append("country_of_manufacture")
    if t.priority == TracePriority.urgent.value and not t.urgency_justification.strip():
        missing.append("urgency_justification")
    order = {f: i for i, f in enumerate(("legal_basis", "circumstances", "event_place",
             "weapon_type", "make", "model", "calibre", "serial_number",
             "country_of_manufacture", "markings", "intended_use", "confidentiality",
             "urgency_justification"))}  # fmt: skip
    return sorted(missing, key=lambda f: order.get(f, 99))


def missing_in_answer(body: AnswerIn) -> list[str]:
    if body.result is TraceResult.traced:
        need = {
            "diversion_holder": body.diversion_holder,
            "diversion_country": body.diversion_country,
            "diversion_how": body.diversion_how,
        }
        return [k for k, v in need.items() if not v.strip()]
    if body.result is TraceResult.partly_traced:
        return [] if (body.transfer_chain.strip() or body.note.strip()) else ["transfer_chain"]
    missing = [] if body.not_traced_reason else ["not_traced_reason"]
    if body.not_traced_reason is NotTracedReason.other and not body.note.strip():
        missing.append("note")
    return missing


def apply_answer(t: TraceRequest, body: AnswerIn) -> None:
    """Copy a complete answer onto the request (422 naming what is missing)."""
    missing = missing_in_answer(body)
    if missing:
        raise Invalid(
            _("The answer is incomplete: %(f)s.") % {"f": field_words(missing)},
            [{"field": f, "message": _("required for this result")} for f in missing],
        )
    t.result = body.result.value
    t.diversion_holder = body.diversion_holder.strip()
    t.diversion_country = body.diversion_country
    t.diversion_date = body.diversion_date
    t.diversion_how = body.diversion_how.strip()
    t.transfer_chain = body.transfer_chain.strip()
    t.documents = body.documents.strip()
    t.not_traced_reason = body.not_traced_reason.value if body.not_traced_reason else ""
    t.answer_note = body.note.strip()
