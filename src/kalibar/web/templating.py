"""Jinja2 environment with gettext, and the page renderer every view uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kalibar import __version__, i18n
from kalibar.clock import moment, shown
from kalibar.labels import field_value, label

TEMPLATES = Path(__file__).parent / "templates"


def _build_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.filters["datetime"] = moment
    env.filters["shown"] = shown
    env.filters["label"] = label
    env.filters["field_value"] = field_value
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    env.globals["version"] = __version__
    return env


env = _build_env()


def _page_url(request: Request, given: str | None) -> str:
    """Where the address bar belongs after a refused form: the page the form was on.

    The view may name it (``page_url``); otherwise the form's own page, from the
    same-origin ``Referer`` (the policy is ``same-origin``, so it is always sent)."""
    if given:
        return given
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/"):
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page with what the layout needs (user, CSRF token, language, path)."""
    ctx: dict[str, Any] = {
        "request": request,
        "actor": getattr(request.state, "actor", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "language": i18n.current_language(),
        "path": request.url.path,
        "query": request.url.query,
    }
    ctx.update(context or {})
    if request.method == "POST" and status_code >= 400:
        # one mechanism for every form: the page is shown with its errors, and
        # kalibar.js puts the address bar back on the page's own URL
        ctx["page_url"] = _page_url(request, ctx.get("page_url"))
    else:
        ctx.pop("page_url", None)
    html = env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status_code)
