"""The claims about a person that a scope releases (OpenID Connect Core §5.1, §5.4).

One hook, ``OAUTH_JWT["CLAIMS_PROVIDER"]``: a class (or an instance) with two methods,

- ``scope_claims() -> dict[str, Iterable[str]]``: which claims each scope can release
  (discovery's ``claims_supported`` lists exactly these, beside the protocol claims);
- ``claims(user, names) -> dict[str, Any]``: the values of ``names`` (only ever claims
  that ``scope_claims`` declared, for scopes the person allowed); a claim without a
  value is left out.

``release`` asks the provider and keeps only what the scopes allow, whatever the
provider returns. The default, ``UserClaims``, reads Django's user model: what
``django.contrib.auth``'s ``User`` has (name, username, email) and any standard claim
that a custom user model has an attribute of the same name for. ``email_verified`` is
the user's ``email_verified`` attribute where there is one, else ``False``: a project
that knows better overrides ``UserClaims.email_verified`` (docs/oidc.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model

from ..conf import jwt_settings
from ..scope_claims import checked

# OpenID Connect Core §5.4: the claims each standard scope asks for.
STANDARD_SCOPES: dict[str, tuple[str, ...]] = {
    "profile": (
        "name",
        "family_name",
        "given_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "gender",
        "birthdate",
        "zoneinfo",
        "locale",
        "updated_at",
    ),
    "email": ("email", "email_verified"),
    "address": ("address",),
    "phone": ("phone_number", "phone_number_verified"),
}
# User-model attributes read for a claim, first match wins (Django's names second).
_ATTRIBUTES = {"given_name": ("given_name", "first_name"), "family_name": ("family_name", "last_name")}
# Claims that come with another one and say how far to trust it.
_VERIFIED = {"email_verified": "email", "phone_number_verified": "phone_number"}


class UserClaims:
    """The default ``CLAIMS_PROVIDER``: standard claims from the user model."""

    def scope_claims(self) -> dict[str, tuple[str, ...]]:
        model = get_user_model()
        released = {}
        for scope, names in STANDARD_SCOPES.items():
            available = tuple(name for name in names if self.can_release(model, name))
            if available:
                released[scope] = available
        return released

    def can_release(self, model, name: str) -> bool:
        if name == "preferred_username":
            return True
        if name == "name":
            return callable(getattr(model, "get_full_name", None))
        if name == "email":
            return hasattr(model, model.get_email_field_name())
        if name in _VERIFIED:
            return self.can_release(model, _VERIFIED[name])
        return _attribute(model, name) is not None

    def claims(self, user, names: Iterable[str]) -> dict[str, Any]:
        return {name: self.value(user, name) for name in names}

    def value(self, user, name: str) -> Any:
        if name == "preferred_username":
            return user.get_username()
        if name == "name":
            return user.get_full_name()
        if name == "email":
            return getattr(user, user.get_email_field_name(), None)
        if name in _VERIFIED:
            if not self.value(user, _VERIFIED[name]):
                return None  # nothing to be verified
            if name == "email_verified":
                return self.email_verified(user)
            return bool(getattr(user, name, False))
        attribute = _attribute(user, name)
        return _json_value(name, getattr(user, attribute, None)) if attribute else None

    def email_verified(self, user) -> bool:
        """Whether ``user``'s email address is known to be theirs. Plain
        ``django.contrib.auth`` does not know: ``False`` unless the user model has an
        ``email_verified`` attribute. Override to read your own record of it."""
        return bool(getattr(user, "email_verified", False))


def _attribute(model_or_user, claim: str) -> str | None:
    for attribute in _ATTRIBUTES.get(claim, (claim,)):
        if hasattr(model_or_user, attribute):
            return attribute
    return None


def _json_value(name: str, value: Any) -> Any:
    """A user-model value as the JSON type OIDC Core §5.1 gives the claim."""
    if isinstance(value, datetime.datetime):
        return int(value.timestamp())
    if isinstance(value, datetime.date):
        return value.isoformat()
    if name == "address" and isinstance(value, str):
        return {"formatted": value}
    return value


def provider():
    """The configured ``CLAIMS_PROVIDER``, else ``UserClaims``."""
    return jwt_settings.CLAIMS_PROVIDER or UserClaims()


def releasable(scopes: Iterable[str], source=None) -> frozenset[str]:
    """The claims that ``scopes`` release through ``source`` (the configured provider)."""
    declared = checked(source or provider())
    return frozenset().union(*(declared.get(scope, ()) for scope in scopes))


def supported() -> frozenset[str]:
    """Every claim the configured provider can release, under any scope."""
    return frozenset().union(*checked(provider()).values())


def release(user, scopes: Iterable[str], wanted: Iterable[str] | None = None) -> dict[str, Any]:
    """The claims about ``user`` that ``scopes`` release (only those in ``wanted``, when
    given), without empty values (OIDC Core §5.3.2)."""
    source = provider()
    names = releasable(scopes, source)
    if wanted is not None:
        names &= frozenset(wanted)
    if user is None or not names:
        return {}
    values = source.claims(user, names) or {}
    return {name: value for name, value in values.items() if name in names and value not in (None, "", [], {})}
