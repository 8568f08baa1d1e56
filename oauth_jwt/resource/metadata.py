"""RFC 9728 protected-resource metadata: what this resource server is, which
authorization server issues its tokens, and where its document lives.

The resource identifiers are the ``OAUTH_JWT["AUDIENCE"]`` values that are http(s) URLs
without query or fragment (RFC 9728 §2); the first one is this server's own identity.
Every URL here is built from those settings, never from the request's ``Host`` header, so
a forged ``Host`` cannot make a challenge or a document point elsewhere.

RFC 9728 §3.1: the document of ``https://api.example.com/reports/`` is at
``https://api.example.com/.well-known/oauth-protected-resource/reports/``; that of an
identifier without a path at ``/.well-known/oauth-protected-resource``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..conf import jwt_settings
from .dpop import ALGORITHMS as DPOP_ALGORITHMS

WELL_KNOWN = "/.well-known/oauth-protected-resource"


def _is_identifier(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("https", "http") and bool(parts.hostname) and not parts.query and not parts.fragment


def identifiers() -> list[str]:
    """The resource identifiers this server answers for, its own identity first."""
    return [value for value in jwt_settings.AUDIENCE if _is_identifier(value)]


def _path(identifier: str) -> str:
    path = urlsplit(identifier).path
    return "" if path == "/" else path


def metadata_url(identifier: str) -> str:
    """Where the document of ``identifier`` is published (RFC 9728 §3.1)."""
    parts = urlsplit(identifier)
    return f"{parts.scheme}://{parts.netloc}{WELL_KNOWN}{_path(identifier)}"


def own_metadata_url() -> str | None:
    """The ``resource_metadata`` of this server's challenges (RFC 9728 §5.1), if it has
    an identifier to publish."""
    found = identifiers()
    return metadata_url(found[0]) if found else None


def identifier_for(suffix: str) -> str | None:
    """The identifier whose document is asked for at ``WELL_KNOWN + suffix``.

    At the bare well-known URL: the identifier without a path if there is one, else this
    server's own, for clients (such as MCP's) that fall back to the root; such a client
    checks that ``resource`` covers the URL it calls."""
    found = identifiers()
    matching = [value for value in found if _path(value) == suffix]
    if matching:
        return matching[0]
    if not suffix and found:
        return found[0]
    return None


def document(identifier: str) -> dict:
    """The metadata document (RFC 9728 §2); empty lists are left out. Every resource
    server checks DPoP proofs (``dpop``), with the algorithms it names here; with
    ``DPOP_REQUIRED`` it takes no other token (RFC 9728 §2,
    ``dpop_bound_access_tokens_required``)."""
    data: dict = {
        "resource": identifier,
        "authorization_servers": [jwt_settings.ISSUER] if jwt_settings.ISSUER else [],
        "bearer_methods_supported": ["header"],
        "scopes_supported": jwt_settings.RESOURCE_SCOPES,
        "dpop_signing_alg_values_supported": list(DPOP_ALGORITHMS),
    }
    if jwt_settings.DPOP_REQUIRED:
        data["dpop_bound_access_tokens_required"] = True
    return {key: value for key, value in data.items() if value != []}
