"""Translated labels for tracing values, shared by pages, the PDF and the CLI."""

from __future__ import annotations

from kalibar.i18n import N_

STATUS_LABELS = {
    "draft": N_("draft"),
    "sent": N_("sent"),
    "acknowledged": N_("acknowledged"),
    "in_progress": N_("in progress"),
    "answered": N_("answered"),
    "closed": N_("closed"),
    "withdrawn": N_("withdrawn"),
    # thread notes that are not statuses
    "imported": N_("imported from a JSON document"),
    "answer_imported": N_("answer imported from a JSON document"),
}
PRIORITY_LABELS = {"routine": N_("routine"), "urgent": N_("urgent")}
RESULT_LABELS = {
    "traced": N_("traced"),
    "partly_traced": N_("partly traced"),
    "not_traced": N_("not traced"),
}
#: Why a recipient was chosen, and why a weapon could not be traced.
REASON_LABELS = {
    "manufacture": N_("country of manufacture"),
    "import": N_("country of last legal import"),
    "connected": N_("connected country (route of the seizure)"),
    "other": N_("other"),
    "no_records": N_("no records"),
    "records_destroyed": N_("records destroyed or older than the retention period"),
    "markings_insufficient": N_("markings insufficient"),
    "manufacturer_unknown": N_("manufacturer unknown"),
}
DEADLINE_LABELS = {
    "ack_overdue": N_("acknowledgement overdue"),
    "answer_overdue": N_("answer overdue"),
    "ack_due_soon": N_("acknowledgement due soon"),
    "answer_due_soon": N_("answer due soon"),
}

#: The words on the forms for each field of a request or answer: messages and the error
#: summary name fields by these, never by their internal names.
FIELD_LABELS = {
    "priority": N_("Priority"),
    "urgency_justification": N_("Why urgent (required for an urgent request)"),
    "legal_basis": N_("Legal basis"),
    "circumstances": N_("Where and how it was found or seized"),
    "event_place": N_("Place"),
    "event_date": N_("Date"),
    "connected_countries": N_("Other connected countries (route of the seizure)"),
    "weapon_type": N_("Type"),
    "make": N_("Make"),
    "model": N_("Model"),
    "calibre": N_("Calibre"),
    "serial_number": N_("Serial number"),
    "country_of_manufacture": N_("Country of manufacture"),
    "year_of_manufacture": N_("Year of manufacture"),
    "import_marking": N_("Import marking"),
    "markings": N_("Markings (all marks as they appear, incl. proof marks and assembly numbers)"),
    "photo_references": N_("Photographs of the markings"),
    "intended_use": N_("Intended use of the answer"),
    "confidentiality": N_("Confidentiality conditions"),
    "recipients": N_("Recipients (one request each)"),
    "diversion_holder": N_("Last legal holder"),
    "diversion_country": N_("Country of diversion"),
    "diversion_how": N_("How it was diverted"),
    "transfer_chain": N_("Chain of transfers found"),
    "not_traced_reason": N_("Reason"),
    "note": N_("Note"),
}


def field_words(names: list[str]) -> str:
    """``["legal_basis", "markings"]`` → ``"Legal basis, Markings (…)"`` in the reader's
    language."""
    return ", ".join(str(FIELD_LABELS.get(n, n)) for n in names)


TEMPLATE_GLOBALS = {
    "trace_field_labels": FIELD_LABELS,
    "trace_status_labels": STATUS_LABELS,
    "trace_priority_labels": PRIORITY_LABELS,
    "trace_result_labels": RESULT_LABELS,
    "trace_reason_labels": REASON_LABELS,
    "trace_deadline_labels": DEADLINE_LABELS,
}
