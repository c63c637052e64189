"""One language on the targeting pages (issue 16): lanes, flows and reasons by their words
in every language, never their codes."""

from __future__ import annotations

import pytest
from support import World, client_for, login
from test_api_screenings import alarm_pistol, books
from test_worklist import _store, _uuid
from words_support import bare_tags, leftovers, visible_text

from kalibar.i18n import LANGUAGES


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_worklist_and_capacity_in_words(world: World, language: str) -> None:
    _store(world, [books("B-1"), alarm_pistol("P-1")])
    web = client_for(world.engine)
    login(web, "officer", world.passwords["officer"])
    web.cookies.set("kalibar_lang", language)
    for path in (
        "/targeting/worklist?state=all",
        f"/targeting/declarations/{_uuid(world, 'P-1')}",
    ):
        r = web.get(path)
        assert r.status_code == 200, (path, r.status_code)
        text = visible_text(r.text)
        assert not leftovers(text), (path, leftovers(text))
        assert not bare_tags(r.text, language), (path, bare_tags(r.text, language))
