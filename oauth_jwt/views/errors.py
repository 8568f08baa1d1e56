"""Error pages for the sign-in and consent forms, with the same headers as the forms."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from ..pagesecurity import secure

CSRF_FAILURE_STATUS = 403


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: explain, without Django's debugging details."""
    page = TemplateResponse(request, "oauth_jwt/csrf_failure.html", status=CSRF_FAILURE_STATUS)
    return secure(page)
