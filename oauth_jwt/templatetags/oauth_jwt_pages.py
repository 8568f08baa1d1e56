"""The pages' tags: ``{% oauth_jwt_branding as brand %}`` (``oauth_jwt.branding``) and
``|safe_link`` for every link or image a client supplied (``oauth_jwt.links``)."""

from __future__ import annotations

from django import template

from .. import links
from ..branding import Branding
from ..conf import jwt_settings

register = template.Library()


@register.simple_tag
def oauth_jwt_branding() -> Branding:
    return jwt_settings.BRANDING


@register.filter
def safe_link(value: object) -> str:
    """The URL if people may follow or load it (https, or http on loopback), else ``""``."""
    return links.safe_link(value)
