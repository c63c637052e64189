"""The small things a browser asks for on the shell pages (issue 16): a QR code to set up
the second factor, the favicon, ``HEAD`` on a page, a content security policy that the
pages keep."""

from __future__ import annotations

import re

import pyotp
from support import World, client_for, login


def test_second_factor_set_up_shows_a_qr_code_drawn_here(world: World) -> None:
    client = client_for(world.engine)
    csrf = login(client, "analyst", world.passwords["analyst"])
    page = client.post("/account/totp", data={"action": "begin", "csrf_token": csrf})
    assert page.status_code == 200, page.text
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', page.text)
    assert secret, page.text
    svg = re.search(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]*class="qr".*?</svg>', page.text,
                    re.S)  # fmt: skip
    assert svg, "no QR code on the set-up page"
    assert "<title>" in svg.group(0) and "<script" not in svg.group(0)
    assert "style=" not in svg.group(0)  # the CSP (style-src 'self') holds
    assert "http" not in page.text.split("<main>")[1].split("<svg")[0]  # nothing from a CDN
    # A wrong code keeps the same key and shows the same code again.
    wrong = client.post(
        "/account/totp",
        data={"action": "confirm", "csrf_token": csrf, "secret": secret.group(1), "code": "000000"},
    )
    assert wrong.status_code in (401, 422)
    assert secret.group(1) in wrong.text and 'class="qr"' in wrong.text
    code = pyotp.TOTP(secret.group(1)).now()
    done = client.post(
        "/account/totp",
        data={"action": "confirm", "csrf_token": csrf, "secret": secret.group(1), "code": code},
    )
    assert done.status_code == 303


def test_favicon_and_head_on_pages(world: World) -> None:
    client = client_for(world.engine)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/x-icon" and icon.content[:4] == b"\0\0\1\0"
    for path in ["/login", "/healthz", "/static/kalibar.css"]:
        head = client.head(path)
        get = client.get(path)
        assert head.status_code == 200, (path, head.status_code)
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
    assert client.head("/records").status_code in (303, 401)  # not a 405: asks to log in
