"""Users, logins, browser sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.agencies.service import get_agency, require_admin
from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.auth.attempts import attempt_key, clear_attempts, count_attempt
from kalibar.auth.models import ApiToken, Role, User, WebSession
from kalibar.auth.password_policy import check_password
from kalibar.auth.passwords import hash_password, needs_rehash, verify_password
from kalibar.config import get_settings
from kalibar.db.base import utcnow
from kalibar.errors import Conflict, Invalid, NotFound, Throttled, Unauthorized
from kalibar.i18n import _
from kalibar.sharing.service import group_ids_for, partner_countries

TOKEN_PREFIX = "kbr_"  # noqa: S105 (a label, not a secret)
#: The longest life a token may be given (about ten years).
TOKEN_MAX_DAYS = 3650
USERNAME_MAX = 64


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def actor_for(session: Session, user: User) -> Actor:
    """Resolve the user's reach once: agency, country, partners, groups."""
    agency = user.agency
    return Actor(
        user_id=user.id,
        username=user.username,
        agency_id=agency.id,
        agency_code=agency.code,
        country=agency.country_code,
        roles=user.roles,
        partner_countries=partner_countries(session, agency.country_code),
        group_ids=group_ids_for(session, agency.id, agency.country_code),
    )


# ---------------------------------------------------------------- users


def _validate_roles(roles: list[str]) -> list[str]:
    valid = {r.value for r in Role}
    bad = [r for r in roles if r not in valid]
    if bad or not roles:
        raise Invalid(
            _("Roles must be one or more of: %(roles)s.") % {"roles": ", ".join(sorted(valid))},
            [{"field": "roles", "value": r} for r in bad],
        )
    return roles


def _validate_username(username: str) -> str:
    """Printable, without spaces or control characters, 1–64 characters."""
    username = username.strip()
    printable = username.isprintable() and not any(c.isspace() for c in username)
    if not username or len(username) > USERNAME_MAX or not printable:
        raise Invalid(
            _(
                "Usernames are 1–%(n)d printable characters without spaces or control "
                "characters."
            )
            % {"n": USERNAME_MAX},
            [{"field": "username"}],
        )
    return username


def create_user(
    session: Session,
    *,
    actor: Actor | None,
    username: str,
    password: str,
    agency_code: str,
    roles: list[str],
    full_name: str = "",
    email: str = "",
) -> User:
    """Create a user. ``actor`` None means the command line (a trusted operator)."""
    if actor is not None:
        require_admin(actor)
    username = _validate_username(username)
    if session.execute(select(User.id).where(User.username == username)).scalar():
        raise Conflict(_("That username is taken."), [{"field": "username"}])
    check_password(password, username=username)
    agency = get_agency(session, code=agency_code)
    user = User(
        username=username,
        password_hash=hash_password(password),
        agency_id=agency.id,
        full_name=full_name,
        email=email,
    )
    user.roles = _validate_roles(roles)
    session.add(user)
    session.flush()
    return user


def list_users(session: Session, *, agency_code: str | None = None) -> list[User]:
    stmt = select(User).join(Agency).order_by(Agency.code, User.username)
    if agency_code:
        stmt = stmt.where(Agency.code == agency_code)
    return list(session.execute(stmt).scalars())


def get_user(session: Session, *, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound("User", username)
    return user


def update_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    full_name: str | None = None,
    email: str | None = None,
    roles: list[str] | None = None,
    active: bool | None = None,
    agency_code: str | None = None,
) -> User:
    require_admin(actor)
    user = get_user(session, username=username)
    if full_name is not None:
        user.full_name = full_name
    if email is not None:
        user.email = email
    if roles is not None:
        user.roles = _validate_roles(roles)
    if agency_code is not None:
        user.agency_id = get_agency(session, code=agency_code).id
    if active is not None:
        user.active = active
        if not active:
            end_all_sessions(session, user_id=user.id)
    session.flush()
    return user


def set_password(session: Session, *, user: User, password: str) -> None:
    """Set a new password; every browser session of the user ends and every API token of
    the user is revoked (whoever held the old password may have made them)."""
    check_password(password, username=user.username)
    user.password_hash = hash_password(password)
    end_all_sessions(session, user_id=user.id)
    now = utcnow()
    live = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    for token in session.execute(live).scalars():
        token.revoked_at = now
    session.flush()


def change_own_password(
    session: Session, *, user: User, current: str, new: str, repeat: str
) -> None:
    """The user changes their password, proving the current one. Wrong current passwords
    are counted like failed logins (the caller commits even when this raises)."""
    settings = get_settings()
    key = attempt_key("password", str(user.id))
    count = count_attempt(session, key=key, window_seconds=settings.login_window_seconds)
    if count > settings.login_max_failures:
        raise Throttled(_("Too many failed attempts. Try again later."))
    if not verify_password(user.password_hash, current):
        log_event(
            session,
            actor=actor_for(session, user),
            action="password_change_failed",
            object_type="User",
            object_id=str(user.uuid),
        )
        raise Invalid(_("The current password is wrong."), [{"field": "current"}])
    clear_attempts(session, key=key)
    if new != repeat:
        raise Invalid(_("The new passwords do not match."), [{"field": "repeat"}])
    set_password(session, user=user, password=new)


# ---------------------------------------------------------------- login


def begin_login(session: Session, *, username: str, client: str = "") -> None:
    """Count a login attempt for ``username`` before its password is checked.

    Beyond the limit within the window the attempt is refused (:class:`Throttled`) without
    checking the password, so parallel guesses cannot outrun the count. The caller commits
    right after this (also when it raises), before the slow password check.
    """
    settings = get_settings()
    key = attempt_key("login", username.strip())
    if count_attempt(session, key=key, window_seconds=settings.login_window_seconds) > (
        settings.login_max_failures
    ):
        log_event(
            session,
            actor=None,
            action="login_throttled",
            object_type="User",
            object_id=username.strip()[:64],
            details={"client": client},
        )
        raise Throttled(_("Too many failed attempts. Try again later."))


def authenticate(session: Session, *, username: str, password: str, client: str = "") -> User:
    """Check a password (after :func:`begin_login` counted the attempt).

    The caller must commit even when this raises, so that the failure is in the trail.
    """
    username = username.strip()
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active or not user.agency.active:
        log_event(
            session,
            actor=None,
            action="login_failed",
            object_type="User",
            object_id=username[:64],
            details={"client": client},
        )
        raise Unauthorized(_("Wrong username or password."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    clear_attempts(session, key=attempt_key("login", username))
    return user


# ---------------------------------------------------------------- browser sessions


def start_session(session: Session, *, user: User) -> tuple[str, WebSession]:
    """A fresh session id at every login (no fixation). Returns the cookie value."""
    raw = secrets.token_urlsafe(32)
    web = WebSession(
        id_hash=_sha256(raw),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        pending_totp=bool(user.totp_secret),
    )
    session.add(web)
    log_event(
        session,
        actor=actor_for(session, user),
        action="login",
        object_type="User",
        object_id=str(user.uuid),
    )
    session.flush()
    return raw, web


def session_from_cookie(session: Session, raw: str | None) -> WebSession | None:
    if not raw:
        return None
    web = session.get(WebSession, _sha256(raw))
    if web is None:
        return None
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    now = utcnow()
    if now - web.last_seen_at > idle or not web.user.active or not web.user.agency.active:
        session.delete(web)
        return None
    if now - web.last_seen_at > timedelta(minutes=1):
        web.last_seen_at = now
    return web


def end_session(session: Session, *, raw: str | None) -> None:
    if not raw:
        return
    web = session.get(WebSession, _sha256(raw))
    if web is not None:
        log_event(
            session,
            actor=actor_for(session, web.user),
            action="logout",
            object_type="User",
            object_id=str(web.user.uuid),
        )
        session.delete(web)


def end_all_sessions(session: Session, *, user_id: int) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


# ---------------------------------------------------------------- API tokens


def create_token(
    session: Session, *, username: str, name: str = "", expires_days: int | None = None
) -> tuple[str, ApiToken]:
    """Issue a bearer token. The plain token is returned once and never stored."""
    user = get_user(session, username=username)
    if expires_days is None:
        expires_days = get_settings().token_default_days
    if not 0 < expires_days <= TOKEN_MAX_DAYS:
        raise Invalid(
            _("Expiry must be between 1 and %(max)d days.") % {"max": TOKEN_MAX_DAYS},
            [{"field": "expires", "value": expires_days}],
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=_sha256(raw),
        expires_at=utcnow() + timedelta(days=expires_days),
    )
    session.add(token)
    session.flush()
    return raw, token


def list_tokens(session: Session, *, username: str | None = None) -> list[ApiToken]:
    stmt = select(ApiToken).join(User).order_by(ApiToken.id)
    if username:
        stmt = stmt.where(User.username == username)
    return list(session.execute(stmt).scalars())


def revoke_token(session: Session, *, prefix_or_uuid: str) -> ApiToken:
    """Revoke by the token's UUID or by its printed prefix."""
    try:
        stmt = select(ApiToken).where(ApiToken.uuid == uuid.UUID(prefix_or_uuid))
    except ValueError:
        stmt = select(ApiToken).where(ApiToken.prefix == prefix_or_uuid)
    token = session.execute(stmt).scalars().first()
    if token is None:
        raise NotFound("Token", prefix_or_uuid)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    session.flush()
    return token


def user_for_token(session: Session, raw: str) -> User:
    token = session.execute(
        select(ApiToken).where(ApiToken.token_hash == _sha256(raw))
    ).scalar_one_or_none()
    now = utcnow()
    if token is None or token.revoked_at is not None:
        raise Unauthorized(_("Invalid or revoked token."))
    if token.expires_at is not None and token.expires_at <= now:
        raise Unauthorized(_("The token has expired."))
    user = token.user
    if not user.active or not user.agency.active:
        raise Unauthorized(_("The account is disabled."))
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
    return user
