"""Explanations of a check's candidates, in the reader's language: what happened to the
serial (edits, look-alikes), how it was read (script reading, designation set aside),
what folding did (labels, separators, Cyrillic), and how the attributes compare."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kalibar.i18n import N_, _, ngettext
from kalibar.labels import label as word_for
from kalibar.matching import Candidate, EditOp, fold
from kalibar.records.models import FirearmRecord

ATTRS = ("make", "model", "calibre", "weapon_type")


@dataclass(frozen=True)
class QueryCodes:
    """The query after ``identify``: codes for the engine, what to say about each."""

    codes: dict[str, str | None]
    given: dict[str, str]
    why: dict[str, str]


def _label(name: str) -> str:
    return {
        "make": _("make"),
        "model": _("model"),
        "calibre": _("calibre"),
        "weapon_type": _("type"),
    }[name]


def serial_lines(ops: Sequence[EditOp]) -> list[str]:
    """What happened to the serial, in words (one line per kind of edit)."""
    by: dict[str, list[EditOp]] = {}
    for op in ops:
        by.setdefault(op.kind, []).append(op)
    if ops and set(by) == {"match"}:
        return [_("serial: exact match")]
    lines: list[str] = []
    pairs = lambda kind: ", ".join(f"{o.qc}→{o.rc}" for o in by[kind])  # noqa: E731
    if "lookalike" in by:
        lines.append(
            ngettext(
                "serial: %(n)d substitution %(pairs)s (look-alike)",
                "serial: %(n)d substitutions %(pairs)s (look-alike)",
                len(by["lookalike"]),
            )
            % {"n": len(by["lookalike"]), "pairs": pairs("lookalike")}
        )
    if "substitute" in by:
        lines.append(
            ngettext(
                "serial: %(n)d substitution %(pairs)s",
                "serial: %(n)d substitutions %(pairs)s",
                len(by["substitute"]),
            )
            % {"n": len(by["substitute"]), "pairs": pairs("substitute")}
        )
    if "unknown" in by:
        lines.append(
            ngettext(
                "serial: %(n)d unreadable character %(pairs)s",
                "serial: %(n)d unreadable characters %(pairs)s",
                len(by["unknown"]),
            )
            % {"n": len(by["unknown"]), "pairs": pairs("unknown")}
        )
    if "transpose" in by:
        lines.append(_("serial: transposition %(pairs)s") % {"pairs": pairs("transpose")})
    if "delete" in by:
        chars = "".join(o.qc for o in by["delete"])
        lines.append(
            ngettext(
                "serial: %(n)d extra character in the query (%(chars)s)",
                "serial: %(n)d extra characters in the query (%(chars)s)",
                len(by["delete"]),
            )
            % {"n": len(by["delete"]), "chars": chars}
        )
    if "insert" in by:
        chars = "".join(o.rc for o in by["insert"])
        lines.append(
            ngettext(
                "serial: %(n)d character missing from the query (%(chars)s)",
                "serial: %(n)d characters missing from the query (%(chars)s)",
                len(by["insert"]),
            )
            % {"n": len(by["insert"]), "chars": chars}
        )
    if "star" in by:
        chars = "".join(o.rc for o in by["star"])
        lines.append(_("serial: unreadable run * covered %(chars)s") % {"chars": chars})
    return lines


def fold_lines(serial: str) -> list[str]:
    out: list[str] = []
    for step in fold(serial).steps:
        if step == "separators ignored":
            out.append(_("separators ignored"))
        elif step.startswith("Cyrillic letters transliterated"):
            pairs = step[step.find("(") + 1 : step.rfind(")")]
            out.append(_("Cyrillic letters transliterated (%(pairs)s)") % {"pairs": pairs})
        elif step.startswith("Cyrillic"):
            pairs = step[step.find("(") + 1 : step.rfind(")")]
            out.append(
                _("Cyrillic look-alike letters read as Latin (%(pairs)s)") % {"pairs": pairs}
            )
        elif step.startswith("prefix "):
            out.append(_("prefix %(prefix)s removed") % {"prefix": step[7:].rsplit(" ", 1)[0]})
        else:
            out.append(step)
    return out


#: How the query was read, said in a candidate's explanation (see ``reference.readings``).
READING_LABELS = {
    "phonetic": N_("serial read as a transliteration of Cyrillic (e.g. Р→R, Ч→C, ZH→Ž)"),
    "digraphs": N_("serial read with transliteration digraphs (e.g. Ж→ZH, Č→CH, Х→KH)"),
    "as_cyrillic": N_("Latin letters read as Cyrillic look-alikes and transliterated (P→Р→R)"),
    "filled": N_(
        "an unreadable mark (? or *) tried as each letter and digit, leaving the edits for "
        "real errors"
    ),
    "as_lookalike": N_(
        "transliterated letters read as the Latin look-alikes of the Cyrillic (R→Р→P)"
    ),
}


def reading_lines(c: Candidate) -> list[str]:
    """Which reading of the serial matched and what was set aside from it."""
    lines: list[str] = []
    if c.reading in READING_LABELS:
        lines.append(str(READING_LABELS[c.reading]))
    if c.set_aside:
        lines.append(
            _("set aside as a make or model designation: %(parts)s")
            % {"parts": ", ".join(c.set_aside)}
        )
    return lines


def attribute_lines(q: QueryCodes, record: FirearmRecord) -> list[str]:
    lines: list[str] = []
    shown = {
        "make": record.make,
        "model": record.model,
        "calibre": record.calibre,
        "weapon_type": word_for(record.weapon_type, "weapon_type"),  # a word, not the code
    }
    rec_codes = {
        "make": record.make_code,
        "model": record.model_code,
        "calibre": record.calibre_code,
        "weapon_type": record.weapon_type,
    }
    for name in ATTRS:
        given, code = q.given[name], q.codes[name]
        if not given:
            continue
        label = _label(name)
        if code is None:
            lines.append(
                _("%(label)s: %(value)s is not in the catalogue (not compared)")
                % {"label": label, "value": given}
            )
        elif rec_codes[name] is None:
            lines.append(_("%(label)s: not recorded") % {"label": label})
        elif rec_codes[name] == code:
            lines.append(
                f"{label}: {q.why[name]}"
                if name in q.why
                else _("%(label)s: agrees (%(value)s)") % {"label": label, "value": shown[name]}
            )
        else:
            lines.append(
                _("%(label)s: differs (%(query)s vs %(record)s)")
                % {"label": label, "query": given, "record": shown[name] or rec_codes[name]}
            )
    return lines


def explain(serial: str, q: QueryCodes, c: Candidate, record: FirearmRecord) -> list[str]:
    return serial_lines(c.ops) + reading_lines(c) + fold_lines(serial) + attribute_lines(q, record)


def highlight(serial_folded: str, ops: Sequence[EditOp]) -> list[tuple[str, str]]:
    """The record's folded serial as (character, kind) pairs: kind is "" for an exact
    character, else the edit (lookalike, substitute, unknown, insert, star, transpose)."""
    kinds = [""] * len(serial_folded)
    for op in ops:
        if op.kind == "match" or op.r < 0:
            continue
        width = 2 if op.kind == "transpose" else 1
        for j in range(op.r, min(op.r + width, len(kinds))):
            kinds[j] = op.kind
    return list(zip(serial_folded, kinds, strict=True))
