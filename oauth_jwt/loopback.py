"""Plaintext ``http`` only on the loopback interface (RFC 8252 §7.3, RFC 9700 §2.6): the
one rule for redirect URIs (the authorization endpoint, the client form) and for the
URLs the checks look at."""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def _scheme_and_host(uri: str) -> tuple[str, str | None] | None:
    try:
        parts = urlsplit(uri)
        return parts.scheme.lower(), parts.hostname
    except ValueError:
        return None


def is_loopback_http(uri: str) -> bool:
    """``http`` to 127.0.0.1, [::1] or localhost."""
    found = _scheme_and_host(uri)
    return found is not None and found[0] == "http" and found[1] in LOOPBACK_HOSTS


def is_plaintext_outside_loopback(uri: str) -> bool:
    """``http`` anywhere else (or a URI that does not parse)."""
    found = _scheme_and_host(uri)
    return found is None or (found[0] == "http" and found[1] not in LOOPBACK_HOSTS)
