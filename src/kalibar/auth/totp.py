"""The second factor (TOTP): enrolment, and codes that are limited in number and used once."""

from __future__ import annotations

import hmac
import io
import time

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from kalibar.audit.service import log_event
from kalibar.auth.attempts import attempt_key, clear_attempts, count_attempt
from kalibar.auth.models import User
from kalibar.config import get_settings
from kalibar.errors import Invalid, Throttled, Unauthorized
from kalibar.i18n import _

#: Codes of the step before and after the current one are accepted (clock drift).
DRIFT_STEPS = 1


def _clean(code: str) -> str:
    return code.strip().replace(" ", "")


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step whose code ``code`` is (within the drift), newest first; None if none."""
    totp = pyotp.TOTP(secret)
    code = _clean(code)
    if not code.isdigit() or len(code) != totp.digits:
        return None
    current = int((time.time() if now is None else now) // totp.interval)
    for step in range(current + DRIFT_STEPS, current - DRIFT_STEPS - 1, -1):
        if hmac.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def _use_step(session: Session, *, user: User, step: int) -> bool:
    """Record ``step`` as used unless it (or a later one) already was; atomic under races:
    of two requests with the same code, the conditional UPDATE lets one through."""
    result = session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def check_code(session: Session, *, user: User, code: str) -> None:
    """Accept a second-factor code of ``user`` or raise.

    The attempt is counted before the code is looked at; beyond the limit within the window
    even the right code is refused (:class:`Throttled`). A code is accepted once: a replay
    (in this session or another) is refused. The caller commits even when this raises.
    """
    if not user.totp_secret:
        return
    settings = get_settings()
    key = attempt_key("totp", str(user.id))
    count = count_attempt(session, key=key, window_seconds=settings.login_window_seconds)

    def log(action: str) -> None:
        log_event(session, actor=None, action=action, object_type="User", object_id=str(user.uuid))

    if count > settings.totp_max_failures:
        log("totp_throttled")
        raise Throttled(_("Too many wrong codes. Try again later."))
    step = matching_step(user.totp_secret, code)
    if step is None:
        log("totp_failed")
        raise Unauthorized(_("That code is not valid."))
    if not _use_step(session, user=user, step=step):
        log("totp_replayed")
        raise Unauthorized(_("That code has already been used. Wait for the next one."))
    clear_attempts(session, key=key)


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="Kalibar")


def qr_svg(uri: str) -> Markup:
    """The provisioning URI as an SVG QR code, drawn here (no CDN, no inline style: the
    page's content security policy holds), for the authenticator app's camera."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out,
        kind="svg",
        scale=5,
        border=4,
        xmldecl=False,
        svgns=True,
        title=_("QR code for the authenticator app"),
        svgclass="qr",
        lineclass=None,
    )
    return Markup(out.getvalue().decode("utf-8"))  # noqa: S704 (segno's own SVG of a URI)


def begin_totp(user: User) -> tuple[str, str]:
    """A new secret and its provisioning URI; stored only once a code confirms it."""
    secret = pyotp.random_base32()
    return secret, totp_uri(user, secret)


def confirm_totp(session: Session, *, user: User, secret: str, code: str) -> None:
    """Store ``secret`` once ``code`` proves the authenticator has it; that code is spent."""
    try:
        step = matching_step(secret, code) if secret else None
    except (ValueError, TypeError):  # not base32
        step = None
    if step is None:
        raise Invalid(_("That code is not valid."), [{"field": "code"}])
    user.totp_secret = secret
    user.totp_last_step = step
    session.flush()


def disable_totp(session: Session, *, user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    session.flush()
