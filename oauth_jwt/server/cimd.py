"""Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document) under the
hub's registration policy.

DOT 3.4.1 resolves a ``client_id`` that is an https URL when ``CIMD_ENABLED`` is on
(``oauth2_provider.cimd``): its ``SafeMetadataFetcher`` fetches it with the SSRF
defences the draft asks for (https only; the host resolved once and every address
public, so no loopback, private, link-local or cloud-metadata target; no redirects; a
shared deadline; a size cap; caching from ``Cache-Control`` within bounds), and a
failure looks like an unknown client. ``PolicyMetadataFetcher``, which
``provider_settings()`` names as ``CIMD_METADATA_FETCHER``, adds what a registered
client may be on this hub (``server.registration.client_metadata``): DOT alone would
accept the implicit grant, ``http`` redirect URIs anywhere and any client name. The
profile such a client gets is never vetted and bounded to ``REGISTRATION_SCOPES``
(``ensure_profile``).
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.cimd import CIMDError, SafeMetadataFetcher, is_cimd_client_id

from ..conf import jwt_settings
from ..models import ClientProfile
from .registration import RegistrationError, client_metadata


class HubPolicyMixin:
    """First base of a CIMD fetcher: the document must describe a client this hub allows."""

    def fetch(self, client_id: str) -> tuple[dict[str, Any], int]:
        metadata, max_age = super().fetch(client_id)
        try:
            client_metadata(metadata)
        except RegistrationError as exc:
            raise CIMDError(f"{exc.error}: {exc.description}") from None
        return metadata, max_age


class PolicyMetadataFetcher(HubPolicyMixin, SafeMetadataFetcher):
    """DOT's SSRF-hardened fetcher, with the hub's registration policy."""


def is_metadata_document_client(application) -> bool:
    return getattr(application, "registration_source", None) == type(application).RegistrationSource.CIMD


def ensure_profile(application) -> None:
    """A client from a metadata document has a profile (not vetted, the registration
    scopes) the first time the hub sees it, so staff find and vet it in the admin."""
    if is_metadata_document_client(application):
        ClientProfile.objects.get_or_create(
            client_id=application.client_id,
            defaults={"vetted": False, "allowed_scopes": list(jwt_settings.REGISTRATION_SCOPES)},
        )


def default_scopes(client_id: str | None) -> frozenset[str] | None:
    """The scopes of a metadata-document client that has no profile (yet): the registration scopes."""
    if client_id and is_cimd_client_id(client_id):
        return frozenset(jwt_settings.REGISTRATION_SCOPES)
    return None
