"""Identity, peers, their keys and agreements: the operations behind the pages, the API
and the CLI. Services never commit; every change is audited by the ORM hook."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.config import get_settings
from kalibar.db.base import Distribution, utcnow
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.federation import keys
from kalibar.federation.models import Agreement, Direction, Instance, Kind, OwnKey, Peer, PeerKey
from kalibar.i18n import _
from kalibar.sharing.models import CountryPartnership

#: Distribution levels that may ever leave an instance (``agency`` and ``national`` stay).
EXPORTABLE = (Distribution.partners.value, Distribution.group.value)
KINDS = tuple(k.value for k in Kind)


@dataclass(frozen=True)
class Terms:
    """One direction of an agreement as given by a person."""

    kinds: frozenset[str] = frozenset()
    distributions: frozenset[str] = frozenset()
    nominal: bool = False

    @classmethod
    def parse(cls, kinds: str, distributions: str, nominal: bool) -> Terms:
        ks = frozenset(k.strip().lower() for k in kinds.split(",") if k.strip())
        ds = frozenset(d.strip().lower() for d in distributions.split(",") if d.strip())
        return cls(ks, ds, nominal)


@dataclass
class Identity:
    country: str
    name: str
    fingerprint: str
    public_key: str
    retired: list[OwnKey] = field(default_factory=list)

    @property
    def spaced(self) -> str:
        return keys.spaced(self.fingerprint)


def _admin(actor: Actor | None) -> None:
    if actor is not None and not actor.is_admin:
        raise Forbidden(_("Administrator role required."))


# ------------------------------------------------------------------ identity


def ensure_identity(
    session: Session, *, country: str | None = None, name: str | None = None
) -> Instance:
    """This instance's row and its current key (made on first use; ``db upgrade`` calls it)."""
    inst = session.get(Instance, 1)
    if inst is None:
        code = (country or get_settings().instance_country).upper()
        inst = Instance(id=1, country=code, name=name or f"Kalibar {code}")
        session.add(inst)
    else:
        if country:
            inst.country = country.upper()
        if name:
            inst.name = name
    key = keys.current_key()
    if session.get(OwnKey, key.fingerprint) is None:
        session.add(OwnKey(fingerprint=key.fingerprint, public_key=key.public_hex))
    session.flush()
    return inst


def identity(session: Session) -> Identity:
    inst = ensure_identity(session)
    key = keys.current_key()
    retired = session.execute(
        select(OwnKey).where(OwnKey.retired_at.is_not(None)).order_by(OwnKey.created_at)
    ).scalars()
    return Identity(inst.country, inst.name, key.fingerprint, key.public_hex, list(retired))


def rotate_key(session: Session, *, actor: Actor | None) -> Identity:
    """A new signing key; the old public key stays listed (retired) so its signatures
    still verify. Peers register the new key (``peers add-key``) after checking it."""
    _admin(actor)
    old = keys.current_key()
    ensure_identity(session)
    row = session.get(OwnKey, old.fingerprint)
    if row is not None:
        row.retired_at = utcnow()
    new = keys.replace_key_file()
    session.add(OwnKey(fingerprint=new.fingerprint, public_key=new.public_hex))
    session.flush()
    return identity(session)


# ------------------------------------------------------------------ peers


def _check_terms(terms: Terms, field_name: str) -> None:
    bad = sorted(terms.kinds - set(KINDS))
    if bad:
        raise Invalid(_("Unknown kind of object."), [{"field": field_name, "value": ",".join(bad)}])
    bad = sorted(terms.distributions - set(EXPORTABLE))
    if bad:
        raise Invalid(
            _("Only the distribution levels partners and group can go to another instance."),
            [{"field": field_name, "value": ",".join(bad)}],
        )


def list_peers(session: Session) -> list[Peer]:
    return list(session.execute(select(Peer).order_by(Peer.active.desc(), Peer.code)).scalars())


def get_peer(session: Session, *, code: str) -> Peer:
    peer = session.execute(
        select(Peer).where(Peer.code == code.strip().upper())
    ).scalar_one_or_none()
    if peer is None:
        raise NotFound("Peer", code)
    return peer


def agreement(peer: Peer, direction: Direction) -> Agreement | None:
    for a in peer.agreements:
        if a.direction == direction.value:
            return a
    return None


def add_peer(
    session: Session,
    *,
    actor: Actor | None,
    code: str,
    country: str,
    url: str,
    public_key: str,
    name: str = "",
    outbound: Terms = Terms(),
    inbound: Terms = Terms(),
) -> Peer:
    """Register a peer with its key and both directions of the agreement (deny by default:
    empty terms let nothing through). A ``partners`` agreement also registers the two
    countries as partners, so what arrives passes the visibility filter as partners' data."""
    _admin(actor)
    code = code.strip().upper()
    country = country.strip().upper()
    if not code or len(country) != 2:
        raise Invalid(_("Give the peer's code and two-letter country."), [{"field": "country"}])
    if session.execute(select(Peer.id).where(Peer.code == code)).scalar() is not None:
        raise Conflict(_("A peer with this code exists already."), [{"field": "code"}])
    try:
        public = keys.parse_public(public_key)
    except ValueError as exc:
        raise Invalid(str(exc), [{"field": "public_key"}]) from exc
    _check_terms(outbound, "outbound")
    _check_terms(inbound, "inbound")
    peer = Peer(code=code, country=country, url=url.strip().rstrip("/"), name=name or code)
    session.add(peer)
    session.flush()
    session.add(PeerKey(peer_id=peer.id, fingerprint=keys.fingerprint(public), public_key=public))
    for direction, terms in ((Direction.outbound, outbound), (Direction.inbound, inbound)):
        _write_terms(session, peer, direction, terms)
    session.flush()
    session.refresh(peer)
    return peer


def _write_terms(session: Session, peer: Peer, direction: Direction, terms: Terms) -> None:
    row = agreement(peer, direction)
    if row is None:
        row = Agreement(peer_id=peer.id, direction=direction.value)
        session.add(row)
    row.kinds = ",".join(sorted(terms.kinds))
    row.distributions = ",".join(sorted(terms.distributions))
    row.nominal = terms.nominal
    if Distribution.partners.value in terms.distributions:
        _partners(session, ensure_identity(session).country, peer.country)


def _partners(session: Session, a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        found = session.execute(
            select(CountryPartnership.id).where(
                CountryPartnership.country_code == x, CountryPartnership.partner_code == y
            )
        ).scalar()
        if found is None:
            session.add(CountryPartnership(country_code=x, partner_code=y))


def set_terms(
    session: Session, *, actor: Actor | None, code: str, direction: Direction, terms: Terms
) -> Peer:
    _admin(actor)
    _check_terms(terms, direction.value)
    peer = get_peer(session, code=code)
    _write_terms(session, peer, direction, terms)
    session.flush()
    session.refresh(peer)
    return peer


def remove_peer(session: Session, *, actor: Actor | None, code: str) -> Peer:
    """Stop exchanging with a peer: inactive, agreements emptied, keys revoked. What it
    sent stays (read-only, with its origin) until its owner's tombstone or an admin."""
    _admin(actor)
    peer = get_peer(session, code=code)
    peer.active = False
    for a in peer.agreements:
        a.kinds = ""
        a.distributions = ""
    for k in peer.keys:
        if k.revoked_at is None:
            k.revoked_at = utcnow()
    session.flush()
    return peer


def add_key(session: Session, *, actor: Actor | None, code: str, public_key: str) -> PeerKey:
    _admin(actor)
    peer = get_peer(session, code=code)
    try:
        public = keys.parse_public(public_key)
    except ValueError as exc:
        raise Invalid(str(exc), [{"field": "public_key"}]) from exc
    fp = keys.fingerprint(public)
    for k in peer.keys:
        if k.fingerprint == fp:
            raise Conflict(_("This key is registered already."), [{"field": "public_key"}])
    row = PeerKey(peer_id=peer.id, fingerprint=fp, public_key=public)
    session.add(row)
    session.flush()
    return row


def revoke_key(session: Session, *, actor: Actor | None, code: str, fingerprint: str) -> PeerKey:
    """A revoked key verifies nothing any more: not requests, not envelopes, not bundles."""
    _admin(actor)
    peer = get_peer(session, code=code)
    wanted = fingerprint.replace(" ", "").lower()
    for k in peer.keys:
        if k.fingerprint.startswith(wanted) and len(wanted) >= 8:
            k.revoked_at = k.revoked_at or utcnow()
            session.flush()
            return k
    raise NotFound("PeerKey", fingerprint)


def peer_for_key(session: Session, fingerprint: str) -> tuple[Peer, PeerKey] | None:
    """The active peer holding an unrevoked key with this fingerprint."""
    row = session.execute(
        select(PeerKey, Peer)
        .join(Peer, Peer.id == PeerKey.peer_id)
        .where(PeerKey.fingerprint == fingerprint, PeerKey.revoked_at.is_(None), Peer.active)
    ).first()
    if row is None:
        return None
    return row[1], row[0]
