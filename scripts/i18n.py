#!/usr/bin/env python3
"""Maintain Kalibar's translation catalogues.

Usage (from the repository root, with the project's virtualenv)::

    python scripts/i18n.py extract   # code + templates -> src/kalibar/web/locale/messages.pot
    python scripts/i18n.py update    # extract, merge into bs/hr/sr_Latn/cnr, regenerate sr_Cyrl
    python scripts/i18n.py check     # exit 1 listing untranslated/fuzzy/stale entries
    python scripts/i18n.py todo F    # untranslated msgids as JSON, for batch translation
    python scripts/i18n.py fill F    # merge a filled-in ``todo`` file, then ``update``

``make messages`` runs ``update``.

Adding or changing a UI string
------------------------------
1. Mark it in code (``_("...")``, ``ngettext("...", "...", n)``, ``lazy_gettext("...")``/``N_``)
   or in a template (``{{ _("Welcome, %(name)s.", name=x) }}``).
2. Run ``python scripts/i18n.py update``. New msgids appear with an empty ``msgstr`` in
   ``src/kalibar/web/locale/{bs,hr,sr_Latn,cnr}/LC_MESSAGES/messages.po``. Nothing is marked
   fuzzy automatically (fuzzy matching is off) and existing translations are kept; msgids no
   longer used are dropped.
3. Fill in ``msgstr`` in those four files (plural messages need all three forms
   ``msgstr[0..2]``: 1/21/31…, 2–4/22–24…, everything else). Keep ``%(name)s``/``%d``
   placeholders, HTML tags and entities exactly as in the msgid.
4. Run ``python scripts/i18n.py update`` again: ``sr_Cyrl`` is never edited by hand, it is
   regenerated from ``sr_Latn`` by transliteration (placeholders, tags, entities and the
   acronyms in ``KEEP_LATIN`` stay in Latin script).
5. ``python scripts/i18n.py check`` must pass (it also runs in the test-suite via
   ``tests/core/test_i18n_catalogues.py``).

English is the source language and has no catalogue.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import re
import sys
from collections.abc import Callable, Iterable
from configparser import RawConfigParser
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
LOCALE_DIR = ROOT / "src" / "kalibar" / "web" / "locale"
POT_PATH = LOCALE_DIR / "messages.pot"

KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "N_": None,
}
COMMENT_TAGS = ("Translators:",)

#: Catalogues maintained by hand (merged from the template on ``update``).
EDITED_LANGUAGES = ("bs", "hr", "sr_Latn", "cnr")
#: Generated catalogue: target -> source.
GENERATED = {"sr_Cyrl": "sr_Latn"}
ALL_LANGUAGES = (*EDITED_LANGUAGES, *GENERATED)

PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
LANGUAGE_TEAMS = {
    "bs": "Bosnian",
    "hr": "Croatian",
    "sr_Latn": "Serbian (Latin)",
    "sr_Cyrl": "Serbian (Cyrillic)",
    "cnr": "Montenegrin",
}

#: Latin-script tokens kept as they are in Serbian Cyrillic (acronyms, standards, country codes).
KEEP_LATIN = frozenset(
    {
        "API",
        "CSV",
        "UUID",
        "HS",
        "TOTP",
        "ISO",
        "PDF",
        "UTF",
        "Windows",  # encoding names: Windows-1250, Windows-1251
        "URL",
        "QR",
        "XLSX",
        "JSON",
        "YAML",
        "HTTP",
        "HTTPS",
        "SQL",
        "IP",
        "UTC",
        "EU",
        "UN",
        "ATT",
        "OSCE",
        "SEESAC",
        "INTERPOL",
        "iARMS",
        "EUROPOL",
        "ARMS",
        # ISO 3166 codes of the region, used as examples of what to type
        "BA",
        "HR",
        "RS",
        "ME",
        "MK",
        "AL",
        "SI",
        "XK",
        # file formats and systems named in upload errors
        "XML",
        "SVG",
        "HTML",
        "HEIC",
        "ZIP",
        "JPEG",
        "PNG",
        "GIF",
        "WebP",
        "TIFF",
        "BMP",
        "Linux",
    }
)

#: Pieces never transliterated: printf placeholders, HTML tags and entities, str.format fields,
#: command-line options (``--force``), agency codes (``BA-UIO``: ISO country, dash, acronym) and
#: snake_case identifiers (column and field names such as ``record_id``, ``serial_number``) and
#: single-quoted identifiers (keys, column names and values to type: ``'outcome'``, ``'rules:'``).
PROTECTED_RE = re.compile(
    r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]"
    r"|<[^>]*>"
    r"|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"
    r"|\{[^{}]*\}"
    r"|(?<![\w-])--?[A-Za-z][\w-]*"
    r"|(?<![\w-])[A-Z]{2}-[A-Z0-9]{2,}(?![\w-])"
    r"|(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w-])"
    r"|(?<=')[A-Za-z][\w-]*(?::[\w-]*)?(?=')"
)
_WORD_RE = re.compile(r"[A-Za-z0-9]+")


# --------------------------------------------------------------------------- extraction


def _read_mapping(cfg: Path) -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    parser = RawConfigParser()
    parser.read(cfg, encoding="utf-8")
    method_map: list[tuple[str, str]] = []
    options_map: dict[str, dict[str, str]] = {}
    for section in parser.sections():
        method, pattern = (part.strip() for part in section.split(":", 1))
        if method == "jinja2":  # don't rely on the entry point being registered
            method = "jinja2.ext:babel_extract"
        method_map.append((pattern, method))
        options_map[pattern] = dict(parser.items(section))
    return method_map, options_map


def extract_template(root: Path = ROOT, cfg: Path = BABEL_CFG) -> Catalog:
    """Extract every translatable message of the code and templates into a template catalogue."""
    method_map, options_map = _read_mapping(cfg)
    catalog = Catalog(project="Kalibar", version=_version(), charset="utf-8", fuzzy=False)
    catalog.msgid_bugs_address = ""
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _version() -> str:
    match = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    return match.group(1) if match else "0"


def _render(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(
        buf,
        catalog,
        width=100,
        ignore_obsolete=True,
        include_previous=False,
        sort_by_file=False,
        omit_header=False,
    )
    return buf.getvalue()


_VOLATILE = re.compile(rb'^"(?:POT-Creation-Date|PO-Revision-Date|Generated-By): .*$', re.M)


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless only timestamps differ (keeps diffs and concurrent edits quiet)."""
    if path.exists() and _VOLATILE.sub(b"", path.read_bytes()) == _VOLATILE.sub(b"", data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def extract(pot_path: Path = POT_PATH, root: Path = ROOT) -> Catalog:
    template = extract_template(root)
    template.header_comment = (
        "# Translations template for Kalibar. Generated by `python scripts/i18n.py extract`;\n"
        "# do not edit by hand.\n#"
    )
    if _write_if_changed(pot_path, _render(template)):
        print(
            f"wrote {pot_path.relative_to(root) if pot_path.is_relative_to(root) else pot_path}"
            f" ({len(template)} messages)"
        )
    return template


# --------------------------------------------------------------------------- catalogues


def po_path(code: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / code / "LC_MESSAGES" / "messages.po"


def load(code: str, locale_dir: Path = LOCALE_DIR) -> Catalog | None:
    path = po_path(code, locale_dir)
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return read_po(fh, locale=code, abort_invalid=True)


def _set_headers(catalog: Catalog, code: str) -> None:
    catalog.mime_headers = [("Language", code), ("Plural-Forms", PLURAL_FORMS)]
    catalog.language_team = LANGUAGE_TEAMS[code]
    catalog.last_translator = "Kalibar project"
    catalog.project = "Kalibar"
    catalog.version = _version()
    catalog.msgid_bugs_address = ""
    catalog.fuzzy = False
    if code not in GENERATED:
        catalog.header_comment = (
            f"# {LANGUAGE_TEAMS[code]} translation of Kalibar.\n"
            "# Fill in msgstr here, then run `python scripts/i18n.py update`"
            " (see its docstring).\n#"
        )


def merge(template: Catalog, code: str, locale_dir: Path = LOCALE_DIR) -> Catalog:
    """Bring one hand-edited catalogue in line with the template, keeping translations."""
    catalog = load(code, locale_dir)
    if catalog is None:
        catalog = Catalog(locale=code, charset="utf-8", fuzzy=False)
    _set_headers(catalog, code)
    catalog.update(
        template, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=True
    )
    catalog.obsolete.clear()
    return catalog


def _transliterator() -> Callable[[str], str]:
    """``kalibar.reference.script.to_cyrillic`` when available, else the private table below."""
    try:
        module = importlib.import_module("kalibar.reference.script")
    except ImportError:
        return _to_cyrillic
    convert = getattr(module, "to_cyrillic", None)
    return convert if callable(convert) else _to_cyrillic


_DIGRAPHS = {
    "Lj": "Љ",
    "LJ": "Љ",
    "lj": "љ",
    "Nj": "Њ",
    "NJ": "Њ",
    "nj": "њ",
    "Dž": "Џ",
    "DŽ": "Џ",
    "dž": "џ",
}
_LETTERS = dict(
    zip(
        "ABCČĆDĐEFGHIJKLMNOPRSŠTUVZŽabcčćdđefghijklmnoprsštuvzž",
        "АБЦЧЋДЂЕФГХИЈКЛМНОПРСШТУВЗЖабцчћдђефгхијклмнопрсштувзж",
        strict=True,
    )
)
# Foreign letters occasionally seen in loan words.
_LETTERS.update({"Q": "К", "q": "к", "W": "В", "w": "в", "X": "Кс", "x": "кс", "Y": "И", "y": "и"})
#: Words where the letter pair is not a digraph (prefix boundary): n+j, d+ž.
_NOT_DIGRAPH = re.compile(r"(?i)\b(?:nad|pod|od)(?=ž)|\b(?:in|kon|van)(?=j)")


def _to_cyrillic(text: str) -> str:
    """Minimal Serbian Latin -> Cyrillic transliteration (fallback for the reference module)."""
    out: list[str] = []
    i = 0
    breaks = {m.end() for m in _NOT_DIGRAPH.finditer(text)}
    while i < len(text):
        pair = text[i : i + 2]
        if pair in _DIGRAPHS and i + 1 not in breaks:
            out.append(_DIGRAPHS[pair])
            i += 2
            continue
        out.append(_LETTERS.get(text[i], text[i]))
        i += 1
    return "".join(out)


def transliterate(text: str, convert: Callable[[str], str] | None = None) -> str:
    """Serbian Latin -> Cyrillic, leaving placeholders, markup and ``KEEP_LATIN`` acronyms alone."""
    convert = convert or _transliterator()
    out: list[str] = []
    pos = 0

    def plain(chunk: str) -> None:
        # keep whitelisted acronyms, convert the rest
        last = 0
        for word in _WORD_RE.finditer(chunk):
            if word.group() in KEEP_LATIN:
                out.append(convert(chunk[last : word.start()]))
                out.append(word.group())
                last = word.end()
        out.append(convert(chunk[last:]))

    for match in PROTECTED_RE.finditer(text):
        plain(text[pos : match.start()])
        out.append(match.group())
        pos = match.end()
    plain(text[pos:])
    return "".join(out)


def generate(source: Catalog, code: str) -> Catalog:
    """Build a generated catalogue (``sr_Cyrl``) from its Latin source (``sr_Latn``)."""
    convert = _transliterator()
    target = Catalog(
        locale=code,
        charset="utf-8",
        fuzzy=False,
        creation_date=source.creation_date,
        revision_date=source.revision_date,
    )
    _set_headers(target, code)
    target.header_comment = (
        "# Serbian (Cyrillic) translation of Kalibar.\n"
        "# GENERATED from sr_Latn/messages.po by `python scripts/i18n.py update`;"
        " do not edit by hand.\n#"
    )
    for message in source:
        if not message.id:
            continue
        string: str | tuple[str, ...]
        if isinstance(message.string, (tuple, list)):
            string = tuple(transliterate(s, convert) if s else s for s in message.string)
        else:
            string = transliterate(message.string, convert) if message.string else ""
        target[message.id] = Message(
            message.id,
            string,
            locations=message.locations,
            flags=message.flags,
            auto_comments=message.auto_comments,
            user_comments=message.user_comments,
            context=message.context,
        )
    return target


def update() -> int:
    template = extract()
    for code in EDITED_LANGUAGES:
        catalog = merge(template, code)
        if _write_if_changed(po_path(code), _render(catalog)):
            print(f"updated {code}")
    for code, source_code in GENERATED.items():
        source = load(source_code)
        if source is None:
            raise SystemExit(f"{source_code} catalogue is missing; cannot generate {code}")
        if _write_if_changed(po_path(code), _render(generate(source, code))):
            print(f"generated {code} from {source_code}")
    return 0


# --------------------------------------------------------------------------- checking


def _untranslated(message: Message) -> bool:
    if isinstance(message.string, (tuple, list)):
        return not all(message.string)
    return not message.string


def problems(
    template: Catalog, locale_dir: Path = LOCALE_DIR, languages: Iterable[str] = ALL_LANGUAGES
) -> list[str]:
    """Every missing/untranslated/fuzzy entry of every catalogue, as readable lines."""
    found: list[str] = []
    for code in languages:
        catalog = load(code, locale_dir)
        if catalog is None:
            found.append(f"{code}: catalogue missing ({po_path(code, locale_dir)})")
            continue
        for tmpl in template:
            if not tmpl.id:
                continue
            message = catalog.get(tmpl.id, tmpl.context)
            key = tmpl.id if isinstance(tmpl.id, str) else tmpl.id[0]
            if message is None:
                found.append(f"{code}: missing: {key!r}")
            elif _untranslated(message):
                found.append(f"{code}: untranslated: {key!r}")
            elif message.fuzzy:
                found.append(f"{code}: fuzzy: {key!r}")
    for code, source_code in GENERATED.items():
        source, target = load(source_code, locale_dir), load(code, locale_dir)
        if source is None or target is None:
            continue
        expected = generate(source, code)
        for message in expected:
            if (
                message.id
                and (got := target.get(message.id, message.context)) is not None
                and got.string != message.string
            ):
                found.append(f"{code}: stale (run `scripts/i18n.py update`): {message.id!r}")
    return found


def check() -> int:
    issues = problems(extract_template())
    for line in issues:
        print(line)
    if issues:
        print(
            f"{len(issues)} problem(s); fill in the msgstr and run `python scripts/i18n.py update`",
            file=sys.stderr,
        )
        return 1
    print("all catalogues complete")
    return 0


# --------------------------------------------------------------------------- batch work


def todo(out: Path) -> int:
    """Write the msgids still untranslated in any edited catalogue as JSON (for translators).

    Each entry: ``{"id": msgid, "plural": plural msgid or null}``; fill in ``bs``, ``hr``,
    ``sr_Latn``, ``cnr`` (strings, or three-element lists for plurals) and run ``fill``.
    """
    template = extract_template()
    wanted: dict[str, dict[str, object]] = {}
    for code in EDITED_LANGUAGES:
        catalog = load(code)
        for tmpl in template:
            if not tmpl.id:
                continue
            message = catalog.get(tmpl.id, tmpl.context) if catalog else None
            if message is None or _untranslated(message):
                key = tmpl.id if isinstance(tmpl.id, str) else tmpl.id[0]
                plural = None if isinstance(tmpl.id, str) else tmpl.id[1]
                wanted.setdefault(key, {"id": key, "plural": plural})
    out.write_text(json.dumps(list(wanted.values()), ensure_ascii=False, indent=1), "utf-8")
    print(f"{len(wanted)} message(s) to translate written to {out}")
    return 0


def fill(source: Path) -> int:
    """Merge translations from a ``todo``-shaped JSON file into the edited catalogues."""
    entries = json.loads(source.read_text("utf-8"))
    template = extract()
    for code in EDITED_LANGUAGES:
        catalog = merge(template, code)
        done = 0
        for entry in entries:
            text = entry.get(code)
            if not text:
                continue
            key = entry["id"] if not entry.get("plural") else (entry["id"], entry["plural"])
            message = catalog.get(key)
            if message is None:
                continue
            message.string = tuple(text) if isinstance(text, list) else text
            done += 1
        _write_if_changed(po_path(code), _render(catalog))
        print(f"{code}: {done} translation(s) filled")
    return update()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("command", choices=("extract", "update", "check", "todo", "fill"))
    parser.add_argument("file", nargs="?", type=Path, help="JSON file for todo/fill")
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract()
        return 0
    if args.command in ("todo", "fill"):
        if args.file is None:
            parser.error(f"{args.command} needs a JSON file")
        return todo(args.file) if args.command == "todo" else fill(args.file)
    if args.command == "update":
        return update()
    return check()


if __name__ == "__main__":
    sys.exit(main())
