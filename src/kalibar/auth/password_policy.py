"""What a password must be: long enough, not blank, not common, not a sequence, not the name.

The list of common passwords is small and embedded on purpose (closed networks have no
breach service to ask); it holds what people type first, in the region's languages too.
"""

from __future__ import annotations

from kalibar.errors import Invalid
from kalibar.i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 512

COMMON = frozenset(
    {
        "password", "password1", "password12", "password123", "password1234", "passw0rd",
        "p@ssw0rd", "p@ssword", "letmein", "welcome", "welcome1", "welcome123", "admin",
        "admin123", "administrator", "root", "toor", "changeme", "changeme123", "default",
        "secret", "secret123", "iloveyou", "monkey", "dragon", "football", "baseball",
        "master", "sunshine", "princess", "trustno1", "superman", "batman", "whatever",
        "starwars", "qwerty123", "qwertz123", "abc123", "abcd1234", "1q2w3e4r", "1q2w3e4r5t",
        "1q2w3e4r5t6y", "zaq12wsx", "q1w2e3r4t5y6", "letmein123", "kalibar", "kalibar123",
        "lozinka", "lozinka123", "sifra", "sifra123", "šifra", "šifra123", "лозинка",
        "шифра", "zastava", "sarajevo", "beograd", "zagreb", "podgorica", "banjaluka",
        "mostar", "bosna", "srbija", "hrvatska", "crnagora", "volimte", "mojalozinka",
        "passwordpassword", "administrator1", "internet", "computer", "customs", "carina",
        "policija", "granica", "officer", "firearm", "firearms", "weapon", "weapons",
    }
)

#: Runs a password must not be a piece of (forwards or backwards): digits, letters,
#: keyboard rows of QWERTY and of the QWERTZ layouts used in the region.
SEQUENCES = (
    "01234567890123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1q2w3e4r5t6y7u8i9o0p",
    "1q2w3e4r5t6z7u8i9o0p",
    "абвгдђежзијклљмнњопрстћуфхцчџш",
)


def _normal(text: str) -> str:
    return "".join(text.casefold().split())


def _repeats_a_short_unit(text: str) -> bool:
    """``aaaaaaaaaaaa``, ``abcabcabcabc``, ``121212121212``: a unit of up to 4, repeated."""
    return any(
        len(text) % n == 0 and text == text[:n] * (len(text) // n) for n in range(1, 5)
    )


#: Stripped from the end before the list is consulted: ``Sarajevo2026!`` is ``sarajevo``.
SUFFIX = "0123456789!@#$%^&*()-_=+.,;:?/ "


def _is_sequence(text: str) -> bool:
    return any(text in run or text in run[::-1] for run in SEQUENCES)


def check_password(password: str, *, username: str = "") -> None:
    """Raise :class:`Invalid` naming what is wrong with ``password``."""
    field = [{"field": "password"}]
    if not password.strip():
        raise Invalid(_("A password cannot be only spaces."), field)
    if len(password) < MIN_LENGTH:
        raise Invalid(
            _("Passwords must have at least %(n)d characters.") % {"n": MIN_LENGTH}, field
        )
    if len(password) > MAX_LENGTH:
        raise Invalid(
            _("Passwords must have at most %(n)d characters.") % {"n": MAX_LENGTH}, field
        )
    folded = _normal(password)
    if username and folded == _normal(username):
        raise Invalid(_("The password cannot be the username."), field)
    common = folded in COMMON or folded.rstrip(SUFFIX) in COMMON
    if common or _repeats_a_short_unit(folded) or _is_sequence(folded):
        raise Invalid(
            _("That password is too easy to guess (a common password or a sequence)."), field
        )
