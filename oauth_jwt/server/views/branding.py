"""The branding stylesheet: ``OAUTH_JWT["BRANDING"]["PRIMARY_COLOR"]`` as the pages'
custom properties.

A stylesheet from this site, because the pages' Content-Security-Policy
(``default-src 'self'``) refuses inline ``style``. The colour is used as given for
buttons, with white or near-black text on it, whichever contrasts more; links and the
focus ring take it darkened just enough for the white card (4.5:1 and 3:1, WCAG 2 AA).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from ...colors import NON_TEXT_CONTRAST, TEXT_CONTRAST, WHITE, parse_hex, readable_on, text_on, to_hex
from ...conf import jwt_settings

# The URL carries the colour's hash (Branding.stylesheet_version), so it can be cached.
MAX_AGE = 24 * 3600


def stylesheet(primary: str) -> str:
    color = parse_hex(primary)
    if color is None:
        return ""
    properties = {
        "--accent": to_hex(color),
        "--accent-fg": to_hex(text_on(color)),
        "--link": to_hex(readable_on(color, WHITE, TEXT_CONTRAST)),
        "--focus": to_hex(readable_on(color, WHITE, NON_TEXT_CONTRAST)),
    }
    return ":root { " + " ".join(f"{name}: {value};" for name, value in properties.items()) + " }\n"


@require_safe
def branding_css(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(stylesheet(jwt_settings.BRANDING.primary_color), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
