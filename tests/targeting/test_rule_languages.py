"""Rule texts in the reader's language (issue 16, one language): the starter rules'
rationale and instructions through the catalogues, an agency's rule with its own text per
language, a rule with one text as written."""

from __future__ import annotations

import re

import pytest
from support import World, client_for, login
from test_api_screenings import alarm_pistol
from test_worklist import _store, _uuid

from kalibar.auth import service as auth
from kalibar.db.session import unit_of_work
from kalibar.errors import Invalid
from kalibar.i18n import translations, use_language
from kalibar.targeting import rules_store
from kalibar.targeting.rule_texts import rule_text
from kalibar.targeting.rules import load_rules, parse_rules

CYRILLIC = re.compile("[А-Яа-яЂЈЉЊЋЏђјљњћџ]")

AGENCY_RULES = """rules:
  - id: ALARM-OWN
    lane: red
    weight: 60
    rationale: {en: Alarm pistols by post, sr_Latn: Alarmni pištolji poštom}
    instructions:
      en: Open it and weigh the barrel.
      sr_Cyrl: Отворите пошиљку и измјерите цијев.
    when:
      keywords: [alarm_pistol]
      flow: postal
  - id: ALARM-PLAIN
    lane: yellow
    weight: 10
    rationale: Only one text here.
    instructions: Photograph the markings.
    when:
      keywords: [alarm_pistol]
"""


def test_texts_per_language_are_read_and_checked() -> None:
    own, plain = parse_rules(AGENCY_RULES)
    assert own.instructions == "Open it and weigh the barrel."
    assert own.texts["instructions"]["sr_Cyrl"].startswith("Отворите")
    assert plain.texts == {}
    with use_language("sr_Cyrl"):
        assert rule_text(own, "instructions") == "Отворите пошиљку и измјерите цијев."
        # a Serbian Latin text is read in Cyrillic too
        assert rule_text(own, "rationale") == "Алармни пиштољи поштом"
        assert rule_text(plain, "instructions") == "Photograph the markings."
    with use_language("hr"):
        assert rule_text(own, "instructions") == "Open it and weigh the barrel."
    with pytest.raises(Invalid) as caught:
        broken = AGENCY_RULES.replace("sr_Cyrl: От", "xx: От")
        parse_rules(broken.replace("Only one text here.", "''"))
    reasons = {(e["rule"], e["line"], e["reason"].split(";")[0]) for e in caught.value.details}
    assert ("ALARM-OWN", 8, "unknown language 'xx'") in reasons
    assert ("ALARM-PLAIN", 15, "'rationale' may not be empty") in reasons
    latin_only = AGENCY_RULES.replace("{en: Alarm pistols by post, sr_Latn:", "{sr_Latn:")
    assert parse_rules(latin_only)[0].rationale == "Alarmni pištolji poštom"  # the first text
    with pytest.raises(Invalid) as caught:
        parse_rules(re.sub(r"rationale: \{.*\}", "rationale: {}", AGENCY_RULES))
    assert caught.value.details[0]["line"] == 5


def test_every_starter_text_is_a_translated_message() -> None:
    catalogue = translations("sr_Cyrl")
    for rule in load_rules():
        for key in ("rationale", "instructions"):
            said = catalogue.gettext(getattr(rule, key))
            assert said != getattr(rule, key) and CYRILLIC.search(said), (rule.id, key)


def test_pages_show_the_starter_instruction_in_cyrillic(world: World) -> None:
    rule = next(r for r in load_rules() if r.id == "ALARM-TR-BG-SMALL")
    cyrillic = translations("sr_Cyrl").gettext(rule.instructions)
    assert cyrillic != rule.instructions and CYRILLIC.search(cyrillic)
    _store(world, [alarm_pistol("P-1")])
    web = client_for(world.engine)
    login(web, "officer", world.passwords["officer"])
    web.cookies.set("kalibar_lang", "sr_Cyrl")
    for path in ("/targeting/worklist?state=all", f"/targeting/declarations/{_uuid(world, 'P-1')}"):
        page = web.get(path)
        assert page.status_code == 200, path
        assert cyrillic.replace("'", "&#39;") in page.text, path
        assert rule.instructions not in page.text, path


def test_pages_show_an_agency_rule_in_the_reader_language(world: World) -> None:
    with unit_of_work(world.engine) as s:
        admin = auth.actor_for(s, auth.get_user(s, username="admin"))
        saved = rules_store.save(s, actor=admin, text=AGENCY_RULES)
        rules_store.activate(s, actor=admin, version=saved.version)
    _store(world, [alarm_pistol("P-1")])
    web = client_for(world.engine)
    login(web, "officer", world.passwords["officer"])
    declaration = f"/targeting/declarations/{_uuid(world, 'P-1')}"
    web.cookies.set("kalibar_lang", "sr_Cyrl")
    for path in ("/targeting/worklist?state=all", declaration):
        text = web.get(path).text
        assert "Отворите пошиљку и измјерите цијев." in text, path
        assert "Photograph the markings." in text, path  # one text: shown as written
        assert "Open it and weigh the barrel." not in text, path
    assert "Алармни пиштољи поштом" in web.get(declaration).text
    web.cookies.set("kalibar_lang", "en")
    text = web.get(declaration).text
    assert "Open it and weigh the barrel." in text
    assert "Alarm pistols by post" in text
