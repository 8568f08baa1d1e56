"""What a client may register itself as (RFC 7591 §2, policy of ``OAUTH_JWT['REGISTRATION']``).

A self-registered client is a public client with PKCE (``token_endpoint_auth_method``
``none``), for the authorization-code grant and its refresh tokens, with redirect URIs
that are ``https`` or ``http`` on loopback, the scopes of ``REGISTRATION_SCOPES`` and no
keys of its own (no ``jwks`` nor ``jwks_uri``: a public client has nothing to sign, and
a ``jwks_uri`` is a URL the hub would be asked to fetch). It may name a back-channel
logout URI (OpenID Connect Back-Channel Logout 1.0 §2.2), held to ``egress``: https on a
public host, never the hub's own network. What it supplies for people to
see is held to ``oauth_jwt.links``; its name is plain text. Anything else is refused
with RFC 7591 §3.2.2's ``invalid_redirect_uri`` or ``invalid_client_metadata``, never
silently changed; unknown members are ignored (§2), and the response says what was
registered.

Registered clients are not vetted (``ClientProfile.vetted``): the consent page says so
until staff vet them in the admin; a client that changes its registration (RFC 7592)
is not vetted again until staff look at it anew.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..checksums import token_checksum
from ..conf import jwt_settings
from ..links import safe_link
from ..models import ClientProfile, ClientRegistration
from .egress import may_be_public_https
from .redirects import validate_redirect_uris

GRANT_TYPES = ("authorization_code", "refresh_token")
MAX_REDIRECT_URIS = 10
MAX_URI_LENGTH = 2000
MAX_NAME_LENGTH = 100
LINKS = ("client_uri", "logo_uri", "policy_uri", "tos_uri")


class RegistrationError(Exception):
    """RFC 7591 §3.2.2: ``error`` and ``error_description`` for a 400 answer."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def _metadata_error(description: str) -> RegistrationError:
    return RegistrationError("invalid_client_metadata", description)


@dataclass(frozen=True)
class ClientMetadata:
    """What the hub registers: the client's row and its profile, and the RFC 7591 answer."""

    name: str
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...]
    client_uri: str
    logo_uri: str
    backchannel_logout_uri: str = ""
    backchannel_logout_session_required: bool = False

    def as_response(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "client_name": self.name,
            "redirect_uris": list(self.redirect_uris),
            "grant_types": list(GRANT_TYPES),
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
            "scope": " ".join(self.scopes),
        }
        for field in ("client_uri", "logo_uri"):
            if getattr(self, field):
                data[field] = getattr(self, field)
        if self.backchannel_logout_uri:
            data["backchannel_logout_uri"] = self.backchannel_logout_uri
            data["backchannel_logout_session_required"] = self.backchannel_logout_session_required
        return data


def _string_list(data: dict, field: str) -> list[str] | None:
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _metadata_error(f"{field} must be an array of strings.")
    return value


def _redirect_uris(data: dict) -> tuple[str, ...]:
    uris = _string_list(data, "redirect_uris")
    if not uris:
        raise RegistrationError("invalid_redirect_uri", "redirect_uris must list at least one URI.")
    if len(uris) > MAX_REDIRECT_URIS:
        raise RegistrationError("invalid_redirect_uri", f"At most {MAX_REDIRECT_URIS} redirect URIs.")
    for uri in uris:
        # DOT keeps the URIs space-separated: a space inside one would register two.
        if not uri or len(uri) > MAX_URI_LENGTH or any(c.isspace() or not c.isprintable() for c in uri):
            raise RegistrationError("invalid_redirect_uri", "A redirect URI is empty, too long or has spaces.")
        try:
            validate_redirect_uris(uri)
            has_credentials = urlsplit(uri).username is not None
        except (ValidationError, ValueError):
            raise RegistrationError(
                "invalid_redirect_uri",
                "Redirect URIs must be absolute https URIs without a fragment "
                "(http only for 127.0.0.1, [::1] or localhost).",
            ) from None
        if has_credentials:
            raise RegistrationError("invalid_redirect_uri", "A redirect URI must not hold a user name or password.")
    return tuple(dict.fromkeys(uris))


def _name(data: dict, redirect_uris: tuple[str, ...]) -> str:
    name = data.get("client_name")
    if name is None:
        # People see something true on the consent page: where the code would go.
        return urlsplit(redirect_uris[0]).hostname or ""
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise _metadata_error(f"client_name must be a non-empty string of at most {MAX_NAME_LENGTH} characters.")
    if not all(c.isprintable() for c in name):
        raise _metadata_error("client_name must not contain control characters.")
    return name.strip()


def _links(data: dict) -> dict[str, str]:
    links = {}
    for field in LINKS:
        value = data.get(field)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > MAX_URI_LENGTH or not safe_link(value):
            raise _metadata_error(
                f"{field} must be an https URL (http only on loopback) without a user name or password."
            )
        links[field] = value
    return links


def _backchannel(data: dict) -> tuple[str, bool]:
    uri = data.get("backchannel_logout_uri")
    required = data.get("backchannel_logout_session_required", False)
    if not isinstance(required, bool):
        raise _metadata_error("backchannel_logout_session_required must be true or false.")
    if uri is None:
        if required:
            raise _metadata_error("backchannel_logout_session_required needs a backchannel_logout_uri.")
        return "", False
    if not isinstance(uri, str) or len(uri) > MAX_URI_LENGTH or not may_be_public_https(uri):
        raise _metadata_error(
            "backchannel_logout_uri must be an https URL on a public host, without a fragment, user name or password."
        )
    return uri, required


def _scopes(data: dict) -> tuple[str, ...]:
    allowed = jwt_settings.REGISTRATION_SCOPES
    if not allowed:
        # An empty list on a profile would mean every scope (oauth_jwt.E121 names it).
        raise _metadata_error("No scope is open to registered clients on this server.")
    requested = data.get("scope")
    if requested is None:
        return tuple(allowed)
    if not isinstance(requested, str):
        raise _metadata_error("scope must be a string of space-separated scopes.")
    scopes = tuple(dict.fromkeys(requested.split()))
    refused = [scope for scope in scopes if scope not in allowed]
    if refused or not scopes:
        raise _metadata_error(f"A registered client may ask only for these scopes: {' '.join(allowed)}.")
    return scopes


def _check_client_kind(data: dict) -> None:
    method = data.get("token_endpoint_auth_method", "none")
    if method != "none":
        raise _metadata_error("Only public clients with PKCE register here: token_endpoint_auth_method must be none.")
    if "jwks" in data or "jwks_uri" in data:
        raise _metadata_error("A public client has no keys: jwks and jwks_uri are not accepted.")
    grants = _string_list(data, "grant_types")
    if grants is not None and ("authorization_code" not in grants or set(grants) - set(GRANT_TYPES)):
        raise _metadata_error("grant_types may be authorization_code and refresh_token only.")
    responses = _string_list(data, "response_types")
    if responses is not None and responses != ["code"]:
        raise _metadata_error("response_types may be code only.")


def client_metadata(data: Any) -> ClientMetadata:
    """The client ``data`` (RFC 7591 §2 metadata) may be under the hub's policy."""
    if not isinstance(data, dict):
        raise _metadata_error("The request body must be a JSON object.")
    _check_client_kind(data)
    redirect_uris = _redirect_uris(data)
    links = _links(data)
    backchannel_uri, session_required = _backchannel(data)
    return ClientMetadata(
        name=_name(data, redirect_uris),
        redirect_uris=redirect_uris,
        scopes=_scopes(data),
        client_uri=links.get("client_uri", ""),
        logo_uri=links.get("logo_uri", ""),
        backchannel_logout_uri=backchannel_uri,
        backchannel_logout_session_required=session_required,
    )


def registration_access_token() -> tuple[str, str]:
    """A new RFC 7592 registration access token and its checksum (all the hub keeps)."""
    token = secrets.token_urlsafe(32)
    return token, token_checksum(token)


def initial_access_token_accepted(presented: str | None) -> bool:
    """Whether ``presented`` is one of ``REGISTRATION_INITIAL_ACCESS_TOKENS`` (in constant time)."""
    if not presented:
        return False
    given = presented.encode()
    return any(hmac.compare_digest(given, known.encode()) for known in jwt_settings.REGISTRATION_INITIAL_ACCESS_TOKENS)


def save(application, metadata: ClientMetadata) -> None:
    """Write ``metadata`` onto DOT's row and the client's profile; never vetted."""
    application.name = metadata.name
    application.redirect_uris = " ".join(metadata.redirect_uris)
    with transaction.atomic():
        application.save()
        ClientProfile.objects.update_or_create(
            client_id=application.client_id,
            defaults={
                "vetted": False,
                "allowed_scopes": list(metadata.scopes),
                "homepage": metadata.client_uri,
                "logo_uri": metadata.logo_uri,
                "backchannel_logout_uri": metadata.backchannel_logout_uri,
                "backchannel_logout_session_required": metadata.backchannel_logout_session_required,
            },
        )


def metadata_of(application) -> ClientMetadata:
    """What ``application`` is registered as, for RFC 7592 reads."""
    profile = ClientProfile.objects.filter(client_id=application.client_id).first()
    return ClientMetadata(
        name=application.name,
        redirect_uris=tuple(application.redirect_uris.split()),
        scopes=tuple(profile.allowed_scopes) if profile else (),
        client_uri=profile.homepage if profile else "",
        logo_uri=profile.logo_uri if profile else "",
        backchannel_logout_uri=profile.backchannel_logout_uri if profile else "",
        backchannel_logout_session_required=profile.backchannel_logout_session_required if profile else False,
    )


def registration_for(client_id: str, presented: str | None) -> ClientRegistration | None:
    """The registration whose access token ``presented`` is, if it is ``client_id``'s."""
    if not presented:
        return None
    found = ClientRegistration.objects.filter(token_checksum=token_checksum(presented)).first()
    if found is None or found.client_id != client_id:
        return None
    return found


def touch(registration: ClientRegistration) -> None:
    registration.updated_at = timezone.now()
    registration.save(update_fields=["updated_at"])
