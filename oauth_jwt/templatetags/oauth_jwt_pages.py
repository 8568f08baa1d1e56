"""``{% oauth_jwt_branding as brand %}``: the pages' branding (``oauth_jwt.branding``)."""

from __future__ import annotations

from django import template

from ..branding import Branding
from ..conf import jwt_settings

register = template.Library()


@register.simple_tag
def oauth_jwt_branding() -> Branding:
    return jwt_settings.BRANDING
