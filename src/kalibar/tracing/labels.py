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

TEMPLATE_GLOBALS = {
    "trace_status_labels": STATUS_LABELS,
    "trace_priority_labels": PRIORITY_LABELS,
    "trace_result_labels": RESULT_LABELS,
    "trace_reason_labels": REASON_LABELS,
    "trace_deadline_labels": DEADLINE_LABELS,
}
