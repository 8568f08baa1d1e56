"""From an HTTP request to a verified token and a (lazy) user: the resource-server path
shared by the DRF authentication class, the middleware and the decorator."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.functional import SimpleLazyObject

from ..checksums import token_checksum
from ..conf import jwt_settings
from ..exceptions import InsufficientScope, InvalidDPoPProof, InvalidToken, TemporarilyUnavailable
from . import denylist, dpop, introspection_client, key_sources, local_hub, verified_cache

# Authorization schemes a token is accepted with (RFC 6750 §2.1, RFC 9449 §7.1),
# compared case-insensitively.
BEARER = "bearer"
DPOP = "dpop"
SCHEMES = (BEARER, DPOP)


class TokenAuth:
    """``request.auth`` (and DOT's ``request.access_token``): the verified claims, shaped
    like DOT's ``AccessToken`` so that ``TokenHasScope`` and code written for DOT work
    unchanged. ``.scope``, ``.is_valid()``, ``.allow_scopes()`` and ``.is_expired()``
    come from the claims; ``.application`` and ``.user`` are read from the database on
    first use only, and ``.revoke()`` revokes the token at the hub."""

    def __init__(self, header: dict[str, Any], claims: dict[str, Any], token: str | None = None) -> None:
        self.header = header
        self.claims = claims
        self._token = token
        self.scope: str = claims.get("scope", "")
        self.jti: str = claims["jti"]
        self.client_id: str = claims["client_id"]
        self.sub: str = claims["sub"]
        self.expires = datetime.fromtimestamp(claims["exp"], tz=timezone.utc)

    @property
    def jkt(self) -> str | None:
        """The thumbprint of the DPoP key the token is bound to (RFC 9449 §6.1), if any."""
        cnf = self.claims.get("cnf")
        return cnf.get("jkt") if isinstance(cnf, dict) else None

    @cached_property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.scope.split())

    @property
    def is_client_token(self) -> bool:
        """A client-credentials token: its subject is the client itself."""
        return self.sub == self.client_id

    def is_expired(self) -> bool:
        return datetime.now(tz=timezone.utc) >= self.expires

    def allow_scopes(self, scopes) -> bool:
        return not scopes or set(scopes) <= self.scopes

    def is_valid(self, scopes=None) -> bool:
        return not self.is_expired() and self.allow_scopes(scopes)

    @cached_property
    def token_checksum(self) -> str:
        """The SHA-256 DOT's row is found by."""
        return token_checksum(self._token)

    @cached_property
    def application(self):
        """DOT's ``Application`` of ``client_id`` (``None`` where DOT is not installed)."""
        hub = local_hub.registered()
        return hub.application(self.client_id) if hub is not None else None

    @cached_property
    def user(self):
        """The person the token speaks for, as DOT's ``AccessToken.user``: ``None`` for a
        client's own token or an unknown subject."""
        if self.is_client_token:
            return None
        if jwt_settings.USER_RESOLVER == "claims":
            return TokenUser(self.claims)
        User = get_user_model()
        try:
            return User._default_manager.filter(pk=self.sub).first()
        except (ValueError, ValidationError):
            return None

    @property
    def user_id(self):
        """DOT's ``AccessToken.user_id``, from ``sub`` without a query."""
        if self.is_client_token:
            return None
        try:
            return get_user_model()._meta.pk.to_python(self.sub)
        except ValidationError:
            return self.sub

    def revoke(self) -> None:
        """Revoke the token at the hub, as DOT's ``AccessToken.revoke()`` does."""
        hub = local_hub.current()
        if hub is None:
            raise ImproperlyConfigured("A resource server cannot revoke a token: ask the hub's revocation endpoint.")
        hub.revoke(self)

    def __repr__(self) -> str:
        return f"<TokenAuth jti={self.jti} client_id={self.client_id}>"


class TokenUser:
    """A user known only from the token's claims (``USER_RESOLVER = "claims"``)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, claims: dict[str, Any]) -> None:
        self.claims = claims
        self.pk = self.id = claims["sub"]
        self.username = claims.get("username") or claims["sub"]

    def get_username(self) -> str:
        return self.username

    # No local permissions: what a token may do is its scope (``request.auth``).
    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_perms(self, perm_list, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenUser) and other.pk == self.pk

    def __hash__(self) -> int:
        return hash(self.pk)

    def __str__(self) -> str:
        return self.username


def read_authorization(request) -> tuple[str, str] | None:
    """``(scheme, token)`` from the ``Authorization`` header, the scheme in lower case
    (``bearer`` or ``dpop``); ``None`` without one of those.

    Tokens in the query string or a form body are refused outright (RFC 9700 §4.3.2)."""
    if "access_token" in request.GET or (request.method == "POST" and "access_token" in request.POST):
        raise InvalidToken("Send the access token in the Authorization header, not in the URL or body.")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    if scheme not in SCHEMES:
        return None
    value = value.strip()
    if not value or " " in value:
        raise _in_scheme(InvalidToken("The Authorization header is malformed."), scheme)
    return scheme, value


def get_token_from_request(request) -> str | None:
    """The access token from the ``Authorization`` header (either scheme)."""
    found = read_authorization(request)
    return None if found is None else found[1]


def _in_scheme(exc: InvalidToken, scheme: str) -> InvalidToken:
    """``exc``, challenging with ``DPoP`` when the request or the token used it."""
    if scheme == DPOP:
        exc.scheme = "DPoP"
    return exc


def scope_error(auth, description: str = "The access token lacks a required scope.") -> InsufficientScope:
    """``insufficient_scope`` for ``auth``, challenging with ``DPoP`` for a DPoP-bound token
    (RFC 9449 §7.1)."""
    exc = InsufficientScope(description)
    if getattr(auth, "jkt", None):
        exc.scheme = "DPoP"
    return exc


def check_binding(auth: TokenAuth, raw_token: str, request, scheme: str) -> None:
    """RFC 9449 §7: a token bound to a key (``cnf``) only with the ``DPoP`` scheme and a
    proof for this request made with that key; never as a bearer token (§7.2)."""
    if scheme != DPOP:
        if "cnf" in auth.claims:
            raise _in_scheme(
                InvalidToken("The access token is bound to a DPoP key: send it with the DPoP scheme and a proof."),
                DPOP,
            )
        return
    if auth.jkt is None:
        raise _in_scheme(InvalidToken("The access token is not bound to a DPoP key."), DPOP)
    proof = dpop.proof_from(request) if request is not None else None
    if proof is None:
        raise InvalidDPoPProof("A DPoP proof is required with the DPoP scheme.")
    checked = dpop.verify_proof(proof, method=request.method, url=dpop.request_url(request), access_token=raw_token)
    if checked.jkt != auth.jkt:
        raise InvalidDPoPProof("The DPoP proof was made with another key than the access token is bound to.")


def _resolve_user(auth: TokenAuth):
    if auth.is_client_token:
        return AnonymousUser()
    if jwt_settings.USER_RESOLVER == "claims":
        return TokenUser(auth.claims)

    def load():
        user = auth.user
        return user if user is not None and user.is_active else AnonymousUser()

    return SimpleLazyObject(load)


def is_jwt(token: str) -> bool:
    """A JWS in compact form has exactly two dots; DOT's opaque tokens have none."""
    return token.count(".") == 2


def opaque_fallback() -> bool:
    """Whether a bearer token that is not a JWT is looked up in DOT's rows (on the hub)."""
    return bool(jwt_settings.OPAQUE_TOKEN_FALLBACK) and local_hub.current() is not None


def check_revocation(auth: TokenAuth, raw_token: str) -> None:
    mode = jwt_settings.REVOCATION_CHECK
    if mode == "denylist" and _denylisted(auth, raw_token):
        raise InvalidToken("The access token was revoked.")
    if mode == "introspection" and not introspection_client.is_active(raw_token, auth):
        raise InvalidToken("The hub reports that the access token is no longer active.")


def _denylisted(auth: TokenAuth, raw_token: str) -> bool:
    """ "Don't know" is never "not revoked": the hub answers from its own database
    (``local_hub``); a resource server asks introspection when it is configured, and
    otherwise answers 503."""
    kid = auth.header["kid"]
    hub = local_hub.current()
    if hub is not None:
        return hub.is_revoked(auth.jti, kid)
    found = denylist.lookup(auth.jti, kid)
    if found.answer is not denylist.Answer.UNKNOWN:
        return found.answer is denylist.Answer.REVOKED
    if introspection_client.configured():
        return not introspection_client.is_active(raw_token, auth)
    raise TemporarilyUnavailable(
        "The resource server cannot check revocation right now; try again shortly.",
        retry_after=jwt_settings.RETRY_AFTER_SECONDS,
    )


def authenticate_token(raw_token: str, request=None, scheme: str = BEARER):
    """Verify ``raw_token``, sent with ``scheme`` in ``request``; return ``(user,
    TokenAuth)`` or raise ``InvalidToken``.

    A JWT never reads a token row here; a token that is not one is looked up in
    DOT's rows on the hub when ``OPAQUE_TOKEN_FALLBACK`` is on (never bound to a key).
    With ``DPOP_REQUIRED`` only the DPoP scheme is taken, so only DPoP-bound tokens."""
    if scheme != DPOP and jwt_settings.DPOP_REQUIRED:
        raise _in_scheme(InvalidToken("This server takes only DPoP-bound access tokens, with the DPoP scheme."), DPOP)
    if not is_jwt(raw_token) and opaque_fallback() and scheme == BEARER:
        return local_hub.current().authenticate_opaque(raw_token)
    header, claims = verified_cache.verify(raw_token, key_sources.current())
    auth = TokenAuth(header, claims, raw_token)
    check_binding(auth, raw_token, request, scheme)
    check_revocation(auth, raw_token)
    return _resolve_user(auth), auth


def authenticate_request(request):
    """``None`` when no token was sent; ``(user, TokenAuth)`` when it is good."""
    found = read_authorization(request)
    if found is None:
        return None
    scheme, raw = found
    try:
        return authenticate_token(raw, request, scheme)
    except InvalidToken as exc:
        raise _in_scheme(exc, scheme) from None
