"""Clients that registered themselves, as the pages present them: through RFC 7591
(``server.registration``) or a client ID metadata document (DOT's CIMD), whose URL's
host is the only identity the hub can vouch for."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class ClientOrigin:
    self_registered: bool
    host: str = ""


def client_origin(application) -> ClientOrigin:
    source = getattr(application, "registration_source", "")
    sources = type(application).RegistrationSource
    if source == sources.CIMD:
        return ClientOrigin(self_registered=True, host=urlsplit(application.client_id).hostname or "")
    return ClientOrigin(self_registered=source == sources.DCR)
