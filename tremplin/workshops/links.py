"""Links given to registrants: a signed token names their registration, so they cancel, confirm a
freed seat or download their calendar file without an account. The signature (SECRET_KEY) makes the
token impossible to guess from another registration's."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "tremplin.workshops.registration"


def registration_token(registration) -> str:
    return signing.Signer(salt=SALT).sign(str(registration.pk))


def registration_pk_from(token: str) -> int | None:
    """The registration a token names, or None for a token that was not signed by us."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def absolute(path: str) -> str:
    """A link for a message sent by a background task, where no request says the site's address."""
    return settings.TREMPLIN_PUBLIC_URL + path


def registration_url(registration) -> str:
    return absolute(reverse("workshops:public_registration", args=[registration_token(registration)]))


def registration_ics_url(registration) -> str:
    return absolute(reverse("workshops:public_registration_ics", args=[registration_token(registration)]))
