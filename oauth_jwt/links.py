"""The links and images a client supplies for people to see (homepage, logo, and any
policy or terms link a later feature adds): only ``https`` URLs with a host, or ``http``
on loopback, are linked or loaded; anything else (``javascript:``, ``data:``,
``vbscript:``, a relative or protocol-relative URL, credentials in the URL, a URL with
spaces or control characters) is not shown at all.

The pages apply ``safe_link`` when they render (the ``|safe_link`` filter), whatever path
stored the value; the admin form refuses the same values when they are typed
(``validate_safe_link``). The pages' Content-Security-Policy is a second line, not this one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .loopback import is_loopback_http


def safe_link(value: Any) -> str:
    """``value`` if people may follow or load it, else ``""``."""
    if not isinstance(value, str) or not value or any(c.isspace() or not c.isprintable() for c in value):
        return ""
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return ""
    if not host or parts.username is not None or parts.password is not None:
        return ""
    if parts.scheme == "https" or is_loopback_http(value):
        return value
    return ""


def validate_safe_link(value: str) -> None:
    """A form validator: refuse what ``safe_link`` would not show."""
    if value and not safe_link(value):
        raise ValidationError(
            _(
                "Enter an https:// URL (http:// only for 127.0.0.1, [::1] or localhost) "
                "without a user name or password."
            ),
            code="unsafe_link",
        )
