"""OpenID Connect session ids (``sid``) and the clients signed in during each session.

- A person's sign-in session at the hub gets a random ``sid``, kept in the Django
  session; it is made the first time a client is authorized in that session, and goes
  with the session (a sign-in as someone else starts a new one).
- The consent view hands it to oauthlib with the credentials (``oauth_jwt_sid`` on the
  oauthlib request); ``SessionMixin`` records a ``ClientSession`` for each code issued,
  carries the ``sid`` to the token endpoint (by the code's checksum) and to each refresh
  (by the refresh-token family), and puts it in the ID tokens (OpenID Connect
  Back-Channel Logout 1.0 §2.1, ``backchannel_logout_session_supported``).
- When the session ends (``user_logged_out``, sent by every Django sign-out: the hub's
  own, RP-initiated logout, the admin's), the clients signed in during it are told
  (``backchannel.session_ended``).
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Subquery
from django.http import HttpRequest
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from ..checksums import token_checksum as checksum
from ..models import ClientSession

SESSION_KEY = "oauth_jwt_sid"
# The attribute of the oauthlib request that carries the sid (set from the credentials).
REQUEST_ATTRIBUTE = "oauth_jwt_sid"


def sid(request: HttpRequest) -> str:
    """The ``sid`` of the signed-in person's session, made on first use."""
    value = request.session.get(SESSION_KEY)
    if not value:
        value = secrets.token_urlsafe(24)
        request.session[SESSION_KEY] = value
    return value


def current_sid(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None


def person(subject: object):
    """The person whose ``sub`` is ``subject``, or ``None``."""
    User = get_user_model()
    try:
        return User._default_manager.filter(pk=subject).first()
    except (ValidationError, ValueError, TypeError, OverflowError):
        return None


def revoke_session_tokens(user, sid_value: str) -> None:
    """Revoke the refresh-token families (and their access tokens) that clients got
    from the codes issued during session ``sid_value``."""
    families = (
        ClientSession.objects.filter(user=user, sid=sid_value)
        .exclude(token_family=None)
        .values_list("token_family", flat=True)
    )
    for family in set(families):
        # Access tokens minted from any member, not only the one each member points to.
        issued = get_access_token_model().objects.filter(source_refresh_token__token_family=family)
        get_refresh_token_model().revoke_family(family)
        issued.delete()


class SessionMixin:
    """Validator mixin: the ``sid`` from the authorization to the ID tokens. Nothing is
    read on the way but where an ID token is minted."""

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        super().save_authorization_code(client_id, code, request, *args, **kwargs)
        value = getattr(request, REQUEST_ATTRIBUTE, None)
        if value and getattr(request, "user", None) is not None:
            ClientSession.objects.create(
                sid=value, user=request.user, client_id=client_id, code_checksum=checksum(code["code"])
            )

    def _save_bearer_token(self, token, request, *args, **kwargs):
        """The refresh-token family the code led to, for the ID tokens of its refreshes
        (one UPDATE)."""
        result = super()._save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code" and token.get("refresh_token"):
            family = get_refresh_token_model().objects.filter(token_checksum=checksum(token["refresh_token"]))
            ClientSession.objects.filter(code_checksum=checksum(request.code)).update(
                token_family=Subquery(family.values("token_family")[:1])
            )
        return result

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        value = session_of(request)
        if value:
            claims["sid"] = value
        return claims, expiration_time


def session_of(request) -> str | None:
    """The ``sid`` of the session a token request's code (or refresh token) came from."""
    if request.grant_type == "authorization_code":
        rows = ClientSession.objects.filter(code_checksum=checksum(request.code))
    else:
        family = getattr(getattr(request, "refresh_token_instance", None), "token_family", None)
        if family is None:
            return None
        rows = ClientSession.objects.filter(token_family=family)
    return rows.values_list("sid", flat=True).first()
