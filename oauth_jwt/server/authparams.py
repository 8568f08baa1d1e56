"""The OpenID Connect parameters of an authorization request (OIDC Core §3.1.2.1, §6).

``refusal`` is the error a request the hub will not serve as sent gets on the client's
redirect URI. ``AuthorizationParamsMixin`` (validator) raises it from
``validate_response_type``: the first question oauthlib asks once the client and its
redirect URI are known good, and before oauthlib reads ``claims`` itself (it refuses a
malformed one without the request's state and redirect URI: a 400 page). There, too, the
OIDC hybrid response types are refused under DOT's implicit-grant gate.

- ``request`` / ``request_uri``: request objects are not supported
  (``request_not_supported`` / ``request_uri_not_supported``, OIDC Core §6.1, RFC 9101
  §10.4), rather than a code issued from the other parameters;
- one of the parameters read here given twice (RFC 6749 §3.1);
- a ``prompt`` value that is unknown, or ``none`` with another one (``create`` is left
  to DOT, which answers 400 while its registration is off: OIDC Prompt Create §4.1.1);
- a ``max_age`` that is not a whole number of seconds;
- a ``claims`` parameter that is not a JSON object of the OIDC Core §5.5 shape;
- an ``id_token_hint`` this hub did not issue as an ID token (``id_token_hints``;
  expired is fine: it still says who the person was).

``needs_sign_in`` says when the person must sign in again before anything else:
``prompt=login``, ``prompt=select_account`` (the sign-in page is where another account
is chosen), ``max_age=0``, or a sign-in older than ``max_age`` (or of unknown age). The sign-in page
then returns to ``after_sign_in`` (the request without those demands, which the
sign-in just met; the ID token's ``auth_time`` says when it happened). With
``prompt=none``, an ``id_token_hint`` naming someone other than the person signed in
also needs a sign-in, so the answer is ``login_required`` (§3.1.2.1: a positive answer
only for the person the hint names); without ``prompt=none`` such a hint is only a
hint, and the page says who is signed in. ``acr_values`` and ``display`` are accepted
and not acted on.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import QueryDict
from django.urls import reverse
from oauth2_provider.bcp import bcp_compliant
from oauth2_provider.exceptions import InvalidIDTokenError
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749.errors import InvalidRequestError, OAuth2Error
from oauthlib.openid.connect.core.exceptions import RequestNotSupported, RequestURINotSupported

from . import authtime, id_token_hints

PROMPTS = ("none", "login", "consent", "select_account")
# Sent once at most; the OAuth ones oauthlib already checks.
SINGLE = (
    "prompt",
    "max_age",
    "claims",
    "login_hint",
    "ui_locales",
    "nonce",
    "id_token_hint",
    "acr_values",
    "display",
)
# Demands that a fresh sign-in meets.
FRESHNESS = ("login", "select_account")
_SECONDS = re.compile(r"[0-9]{1,10}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CLAIMS_MEMBERS = ("id_token", "userinfo")

# DOT serves OIDC's hybrid flow to clients registered for it (an upgraded DOT database, a
# shell), with tokens in the URL fragment: the gate DOT applies to the implicit grant
# (RFC 9700 §2.1.2; the hub turns it on) refuses these too, as unauthorized_client.
HYBRID_RESPONSE_TYPES = {"code id_token", "code token", "code id_token token"}


def prompt_values_supported() -> list[str]:
    """Discovery's ``prompt_values_supported``: what ``refusal`` lets through, with
    DOT's ``create`` where its registration is switched on."""
    values = list(PROMPTS)
    if oauth2_settings.OIDC_RP_INITIATED_REGISTRATION_ENABLED:
        values.append("create")
    return values


def prompts(params: QueryDict) -> set[str]:
    return set(params.get("prompt", "").split())


def max_age(params: QueryDict) -> int | None:
    """``max_age`` in seconds (once ``refusal`` has passed the request)."""
    value = params.get("max_age")
    return int(value) if value is not None and _SECONDS.fullmatch(value) else None


def refusal(params: QueryDict, request=None) -> OAuth2Error | None:
    """The error the OIDC parameters of an authorization request earn, or ``None``
    (``request``, oauthlib's, gives the error its state and redirect URI)."""
    if "request" in params:
        return RequestNotSupported(request=request)
    if "request_uri" in params:
        return RequestURINotSupported(request=request)
    for name in SINGLE:
        if len(params.getlist(name)) > 1:
            return InvalidRequestError(description=f"Duplicate {name} parameter.", request=request)
    prompt = prompts(params)
    if prompt - {*PROMPTS, "create"}:
        return InvalidRequestError(description="Unsupported prompt value.", request=request)
    if "none" in prompt and len(prompt) > 1:
        description = "Prompt none is mutually exclusive with other values."
        return InvalidRequestError(description=description, request=request)
    if "max_age" in params and max_age(params) is None:
        return InvalidRequestError(description="max_age must be a whole number of seconds.", request=request)
    if params.get("claims") and not _claims_request(params["claims"]):
        return InvalidRequestError(description="Malformed claims parameter.", request=request)
    if "id_token_hint" in params and hinted_subject(params) is None:
        description = "The id_token_hint is not an ID token this server issued."
        return InvalidRequestError(description=description, request=request)
    return None


def hinted_subject(params: QueryDict) -> str | None:
    """The ``sub`` of the request's ``id_token_hint`` if the hub issued it, else ``None``."""
    try:
        claims = id_token_hints.verify(params.get("id_token_hint", ""), accept_expired=True)
    except InvalidIDTokenError:
        return None
    return claims["sub"] if isinstance(claims["sub"], str) else None


class AuthorizationParamsMixin:
    """Validator mixin: ``refusal`` for every authorization request."""

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        sent = [*request.uri_query_params, *(request.decoded_body or [])]
        error = refusal(QueryDict(urlencode(sent)), request)
        if error is not None:
            raise error
        if response_type in HYBRID_RESPONSE_TYPES and bcp_compliant(
            "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT", "The OIDC hybrid flow (response_type=code id_token/token)"
        ):
            return False
        return super().validate_response_type(client_id, response_type, client, request, *args, **kwargs)


def _claims_request(text: str) -> bool:
    """Whether ``text`` is an OIDC Core §5.5 claims request: a JSON object whose
    ``id_token`` and ``userinfo`` members, if any, are objects."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return False
    if not isinstance(value, dict):
        return False
    return all(isinstance(value.get(member) or {}, dict) for member in CLAIMS_MEMBERS)


def needs_sign_in(request) -> bool:
    """Whether the person must sign in (again) before this authorization request."""
    if prompts(request.GET) & set(FRESHNESS):
        return True
    if "none" in prompts(request.GET) and "id_token_hint" in request.GET:
        hinted = hinted_subject(request.GET)
        if hinted is not None and hinted != str(request.user.pk):
            return True
    limit = max_age(request.GET)
    if limit is None:
        return False
    elapsed = authtime.age(request)
    # "max_age=0 is equivalent to prompt=login" (OIDC Core §3.1.2.1, errata 2).
    return limit == 0 or elapsed is None or elapsed > limit


def after_sign_in(full_path: str) -> str:
    """The authorization request to come back to once signed in: without the demands
    the sign-in meets (``prompt`` ``login``/``select_account``, ``max_age``), so that
    coming back does not ask for another one. Every other parameter stays as sent."""
    parts = urlsplit(full_path)
    kept = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name == "max_age":
            continue
        if name == "prompt":
            value = " ".join(p for p in value.split() if p not in FRESHNESS)
            if not value:
                continue
        kept.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(kept)))


def pending(request) -> QueryDict | None:
    """The authorization request behind a page: the request itself at the authorize
    endpoint, else the one its ``next`` parameter returns to (the sign-in page)."""
    authorize = reverse("oauth2_provider:authorize")
    if request.path == authorize:
        return request.GET
    target = request.POST.get("next") or request.GET.get("next") or ""
    parts = urlsplit(target)
    if parts.path != authorize:
        return None
    return QueryDict(parts.query)


def login_hint(request, max_length: int) -> str | None:
    """The ``login_hint`` of the pending authorization request, if it could be a
    username (it only ever fills in the sign-in form)."""
    params = pending(request)
    hint = (params.get("login_hint") or "").strip() if params is not None else ""
    if not hint or len(hint) > max_length or _CONTROL.search(hint):
        return None
    return hint
