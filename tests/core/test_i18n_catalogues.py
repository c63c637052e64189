"""Translation catalogues are complete, well-formed and consistent with the code.

The template is extracted afresh from code and templates (into a temp dir) so a stale committed
``messages.pot`` cannot hide an untranslated string.  To fix a failure here: run
``python scripts/i18n.py update``, fill in the empty ``msgstr`` in bs/hr/sr_Latn/cnr, run
``update`` again (regenerates sr_Cyrl).

Serbian Cyrillic policy: every letter of every ``msgstr`` is Cyrillic, except inside
placeholders (``%(name)s``, ``%d``), HTML tags/entities, command-line options (``--force``),
agency codes (``BA-UIO``) and the acronyms listed in ``scripts/i18n.py:KEEP_LATIN`` (``API``,
``CSV``, ``UUID``, ``HS``, ``TOTP``, ``ISO`` …), which stay in Latin as is usual in Serbian
Cyrillic technical texts. The brand is written ``Калибар``.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from kalibar import i18n

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "i18n.py"
PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
PLACEHOLDER_RE = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)[^>]*>")


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kalibar_i18n_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


script = _load_script()
TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT_LANGUAGE]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    script.extract(pot_path=pot, root=ROOT)
    with pot.open("rb") as fh:
        return read_po(fh)


def _load(code: str) -> Catalog:
    path = i18n.LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"missing catalogue {path}"
    with path.open("rb") as fh:
        return read_po(fh, locale=code, abort_invalid=True)


def _strings(message: Message) -> list[str]:
    if isinstance(message.string, (tuple, list)):
        return list(message.string)
    return [message.string]


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, (tuple, list)) else [message.id]


def test_script_languages_match_runtime() -> None:
    assert set(script.ALL_LANGUAGES) == set(TRANSLATED)


def test_extraction_finds_messages(template: Catalog) -> None:
    ids = {m.id for m in template if m.id}
    assert "Log in" in ids  # from a template
    assert "Wrong username or password." in ids  # from Python code
    assert len(ids) > 50


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_parses_with_plural_header(code: str) -> None:
    catalog = _load(code)
    assert catalog.num_plurals == 3
    assert catalog.plural_forms == PLURAL_FORMS
    # and the runtime can compile it
    i18n.translations.cache_clear()
    assert i18n.translations(code).gettext("Log in") != "Log in"


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_complete(code: str, template: Catalog) -> None:
    catalog = _load(code)
    problems = []
    for tmpl in template:
        if not tmpl.id:
            continue
        message = catalog.get(tmpl.id, tmpl.context)
        if message is None:
            problems.append(f"missing: {tmpl.id!r}")
        elif not all(_strings(message)):
            problems.append(f"untranslated: {tmpl.id!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {tmpl.id!r}")
        elif len(_strings(message)) != len(_ids(tmpl)) and not (
            isinstance(tmpl.id, (tuple, list)) and len(_strings(message)) == 3
        ):
            problems.append(f"wrong number of plural forms: {tmpl.id!r}")
    assert not problems, f"{code}: run scripts/i18n.py update and translate:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_and_tags_preserved(code: str) -> None:
    bad = []
    for message in _load(code):
        if not message.id:
            continue
        ids = _ids(message)
        wanted = sorted({p for s in ids for p in PLACEHOLDER_RE.findall(s)})
        wanted_tags = sorted(TAG_RE.findall(ids[-1]))
        for string in _strings(message):
            if not string:
                continue
            got = sorted(set(PLACEHOLDER_RE.findall(string)))
            if got != wanted:
                bad.append(f"{message.id!r}: placeholders {got} != {wanted}")
            if sorted(TAG_RE.findall(string)) != wanted_tags:
                bad.append(f"{message.id!r}: HTML tags differ")
    assert not bad, f"{code}:\n" + "\n".join(bad)


def _non_cyrillic_letters(text: str) -> list[str]:
    text = script.PROTECTED_RE.sub(" ", text)
    text = re.sub(
        r"[A-Za-z0-9]+", lambda m: " " if m.group() in script.KEEP_LATIN else m.group(), text
    )
    return [
        ch for ch in text if ch.isalpha() and not unicodedata.name(ch, "").startswith("CYRILLIC")
    ]


def test_serbian_cyrillic_is_cyrillic() -> None:
    bad = []
    for message in _load("sr_Cyrl"):
        if not message.id:
            continue
        for string in _strings(message):
            if letters := _non_cyrillic_letters(string):
                bad.append(f"{message.id!r} -> {string!r}: {''.join(letters)!r}")
    assert not bad, "\n".join(bad)


def test_serbian_cyrillic_generated_from_latin() -> None:
    expected = script.generate(_load("sr_Latn"), "sr_Cyrl")
    actual = _load("sr_Cyrl")
    stale = [
        m.id
        for m in expected
        if m.id and (got := actual.get(m.id, m.context)) is not None and got.string != m.string
    ]
    assert not stale, "sr_Cyrl is stale, run `python scripts/i18n.py update`: " + repr(stale)


def test_transliteration_keeps_placeholders_markup_and_acronyms() -> None:
    source = (
        'Ljiljana, Njegoš i Džemal: %(name)s, %d <a href="/x">Đak</a> &amp; API, BA-UIO, --force'
    )
    out = script.transliterate(source)
    assert out.startswith('Љиљана, Његош и Џемал: %(name)s, %d <a href="/x">Ђак</a> &amp; API')
    assert out.endswith("BA-UIO, --force")
    assert script.transliterate("(GGGG-MM-DD)") == "(ГГГГ-ММ-ДД)"  # only code-like pairs stay Latin
    assert script.transliterate("Kalibar čuva šifru ćirilicom") == "Калибар чува шифру ћирилицом"


def test_rendering_in_serbian_cyrillic() -> None:
    i18n.translations.cache_clear()
    with i18n.use_language("sr_Cyrl"):
        text = i18n.gettext("Log in")
    assert text == "Пријава"
    assert all(unicodedata.name(ch).startswith("CYRILLIC") for ch in text)
    with i18n.use_language("sr_Latn"):
        assert i18n.gettext("Log in") == "Prijava"
    with i18n.use_language("hr"):
        assert i18n.gettext("Password") == "Zaporka"
