"""The pages' branding from ``OAUTH_JWT["BRANDING"]``: site name, logo, primary colour
and support link.

``from_setting`` turns the setting into a ``Branding``; a value it cannot use falls back
to the default, so a page never carries a bad URL or colour (``manage.py check`` names
it: ``oauth_jwt.checks.branding``, which uses the same tests).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .colors import parse_hex

KEYS = ("SITE_NAME", "LOGO_URL", "PRIMARY_COLOR", "SUPPORT_URL")
URL_KEYS = ("LOGO_URL", "SUPPORT_URL")
FALLBACK_SITE_NAME = "Account"


@dataclass(frozen=True)
class Branding:
    site_name: str
    logo_url: str = ""
    primary_color: str = ""
    support_url: str = ""

    @property
    def stylesheet_version(self) -> str:
        """Changes with the colour, so the stylesheet's URL can be cached for long."""
        return hashlib.sha256(self.primary_color.encode()).hexdigest()[:12]


def is_page_url(value: Any) -> bool:
    """An absolute http(s) URL, or a path on this site (``/static/logo.svg``)."""
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    if parts.scheme:
        return parts.scheme in ("http", "https") and bool(parts.netloc)
    return value.startswith("/") and not value.startswith("//")


def is_site_name(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def default_site_name(issuer: str) -> str:
    """The issuer's host name: people see which site they are signing in to."""
    return urlsplit(issuer or "").hostname or FALLBACK_SITE_NAME


def from_setting(value: Any, issuer: str) -> Branding:
    raw = value if isinstance(value, dict) else {}
    name = raw.get("SITE_NAME")
    color = parse_hex(raw.get("PRIMARY_COLOR"))
    urls = {key: raw.get(key) if is_page_url(raw.get(key)) else "" for key in URL_KEYS}
    return Branding(
        site_name=name.strip() if is_site_name(name) else default_site_name(issuer),
        logo_url=urls["LOGO_URL"],
        primary_color=raw["PRIMARY_COLOR"].lower() if color else "",
        support_url=urls["SUPPORT_URL"],
    )
