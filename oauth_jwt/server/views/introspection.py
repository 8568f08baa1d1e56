"""RFC 7662 token introspection for the JWTs this hub issued.

Who may see what (anything else answers ``{"active": false}``, as does a token that is
forged, expired, revoked, unknown to this hub, or not an access token):

- a confidential client, authenticated with its credentials (HTTP Basic or the form
  body), sees its own tokens (``client_id`` is its own) and tokens whose ``aud`` names
  a resource listed in its ``ClientProfile.served_resources`` (a resource server's own
  client);
- a caller presenting a bearer token with the ``introspection`` scope (DOT's default
  rule) sees every token.

Callers that authenticate neither way get 401 ``invalid_client``. A client that could
see no token like the one sent (neither its own ``client_id`` nor a served audience in
the token's *unverified* claims) gets 403 ``unauthorized_client``: a resource server
whose ``served_resources`` is wrong learns it, and nothing about the token leaks,
since the answer depends only on what the caller sent and its own profile. Only POST is
accepted: a token in a URL ends up in logs.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import get_access_token_model
from oauth2_provider.views import IntrospectTokenView
from oauthlib.common import Request as OauthlibRequest

from ...checksums import token_checksum
from ...compat import login_not_required
from ...exceptions import InvalidToken, oauth_error
from ...models import ClientProfile
from ...resource.authentication import TokenAuth, is_jwt, opaque_fallback
from ...resource.verify import unverified_claims, verify_access_token
from .. import denylist_writer, signing_keys

logger = logging.getLogger(__name__)

INACTIVE = {"active": False}


class Caller:
    def __init__(self, client_id: str, sees_all: bool = False) -> None:
        self.client_id = client_id
        self.sees_all = sees_all

    def may_see(self, claims: dict) -> bool:
        if self.sees_all or claims["client_id"] == self.client_id:
            return True
        aud = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        return bool(set(aud) & self.served())

    def served(self) -> set[str]:
        rows = ClientProfile.objects.filter(client_id=self.client_id).values_list("served_resources", flat=True)
        return {resource for resources in rows for resource in resources or []}

    def may_ask_about(self, token: str) -> bool:
        """Whether this caller could see a token like this one, judged only from what
        the token claims (unverified) and the caller's own profile: a refusal says
        nothing about the token, only that the caller is not set up to serve it."""
        if self.sees_all:
            return True
        claims = unverified_claims(token)
        if not claims or claims.get("client_id") == self.client_id:
            return True  # not a JWT: simply inactive
        return bool(set(_claimed_audience(claims)) & self.served())


def introspect(token: str, caller: Caller) -> dict:
    """The RFC 7662 answer for ``token`` as ``caller`` may see it."""
    if not is_jwt(token):
        return _introspect_opaque(token, caller) if opaque_fallback() else INACTIVE
    checksum = token_checksum(token)
    # DOT's row lives exactly as long as the token is neither revoked nor purged.
    if not get_access_token_model().objects.filter(token_checksum=checksum).exists():
        return INACTIVE
    try:
        # This very token is one the hub issued (its row matched the checksum), so
        # whatever `aud` it carries is one the hub gave it; the rest is checked as usual.
        header, claims = verify_access_token(
            token, signing_keys.public_key, audience=_claimed_audience(unverified_claims(token))
        )
    except InvalidToken:
        return INACTIVE
    if denylist_writer.is_revoked(claims["jti"], header["kid"]):
        return INACTIVE
    if not caller.may_see(claims):
        return INACTIVE
    return _answer(claims)


def _introspect_opaque(token: str, caller: Caller) -> dict:
    """An opaque token from before the upgrade: what DOT's row says of it."""
    from .. import opaque

    row = opaque.live_row(token)
    if row is None:
        return INACTIVE
    claims = opaque.claims_of(row)
    if not caller.may_see(claims):
        return INACTIVE
    # No `jti` or `iss` was ever given to it, nor an `aud` unless it asked for a resource.
    return _answer({name: value for name, value in claims.items() if value not in ("", [])})


def _answer(claims: dict) -> dict:
    # RFC 9449 §6.2: a DPoP-bound token is introspected with its binding.
    answer = {"active": True, "token_type": "DPoP" if "cnf" in claims else "Bearer"}
    for name in ("scope", "client_id", "sub", "exp", "iat", "iss", "aud", "jti", "cnf"):
        if name in claims:
            answer[name] = claims[name]
    username = _username(claims)
    if username:
        answer["username"] = username
    return answer


def _claimed_audience(claims: dict) -> list[str]:
    """The ``aud`` the (unverified) claims name."""
    aud = claims.get("aud")
    if isinstance(aud, str):
        return [aud]
    return [entry for entry in aud if isinstance(entry, str)] if isinstance(aud, list) else []


def _username(claims: dict) -> str | None:
    if claims["sub"] == claims["client_id"]:
        return None
    User = get_user_model()
    try:
        user = User._default_manager.filter(pk=claims["sub"]).first()
    except (ValueError, ValidationError):
        return None
    return user.get_username() if user is not None else None


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class IntrospectionView(IntrospectTokenView):
    """DOT's view (client credentials, or a bearer token with ``introspection``), with
    JWT claims in the answer and per-caller visibility."""

    http_method_names = ["post", "options"]

    def authenticate_client(self, request):
        core = self.get_oauthlib_core()
        uri, http_method, body, headers = core._extract_params(request)
        oauth_request = OauthlibRequest(uri, http_method, body, headers)
        if not core.server.request_validator.authenticate_client(oauth_request):
            return False
        if oauth_request.client.client_type != oauth_request.client.CLIENT_CONFIDENTIAL:
            return False  # a public client's id proves nothing
        request.oauth_jwt_caller = Caller(oauth_request.client.client_id)
        return True

    def verify_request(self, request):
        valid, r = super().verify_request(request)
        if valid:
            token = r.access_token  # a JWT's TokenAuth, or an opaque token's row
            client_id = token.client_id if isinstance(token, TokenAuth) else token.application.client_id
            request.oauth_jwt_caller = Caller(client_id, sees_all=True)
        return valid, r

    def unauthenticated_response(self, request, oauthlib_request=None):
        return oauth_error(
            "invalid_client",
            "Authenticate as a client to introspect tokens.",
            status=401,
            headers={"WWW-Authenticate": 'Basic realm="introspection"'},
        )

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        token = request.POST.get("token")
        if not token:
            return oauth_error("invalid_request", "The token parameter is missing.")
        if not request.oauth_jwt_caller.may_ask_about(token):
            return oauth_error(
                "unauthorized_client",
                "This client serves none of the token's audiences (ClientProfile.served_resources).",
                status=403,
            )
        answer = introspect(token, request.oauth_jwt_caller)
        logger.info(
            "token introspected",
            extra={
                "event": "token.introspected",
                "caller": request.oauth_jwt_caller.client_id,
                "active": answer["active"],
            },
        )
        response = JsonResponse(answer)
        response["Cache-Control"] = "no-store"
        return response
