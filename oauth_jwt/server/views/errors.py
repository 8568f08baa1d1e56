"""Error pages for the sign-in and consent forms, with the same headers as the forms,
and the way out of a consent form that can no longer be accepted."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from ..forms import BOUND_FIELDS
from ..locales import speak_ui_locales
from ..pagesecurity import secure

CSRF_FAILURE_STATUS = 403
SEE_OTHER = 303


def fresh_consent(request: HttpRequest, fields: Mapping) -> HttpResponse:
    """Back to the consent page for the request a stale form carried: its signature
    expired, its CSRF token went with an old session, or the person was signed out.

    The GET validates the request again like any other, and ``prompt=consent`` shows the
    page even for a remembered decision, so nothing is allowed (or denied) unseen.
    """
    query = {name: fields.get(name) for name in (*BOUND_FIELDS, "ui_locales") if fields.get(name)}
    query["prompt"] = "consent"
    notice = _("The page had been open too long. Check the request, then choose again.")
    messages.info(request, notice, fail_silently=True)
    response = HttpResponseRedirect(f"{reverse('oauth2_provider:authorize')}?{urlencode(query)}")
    response.status_code = SEE_OTHER
    return response


@speak_ui_locales
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: explain, without Django's debugging details. A consent form
    is shown again instead: nothing it carries is acted on without a fresh POST."""
    consent_form = request.method == "POST" and request.path == reverse("oauth2_provider:authorize")
    if consent_form and "client_id" in request.POST:
        return fresh_consent(request, request.POST)
    page = TemplateResponse(request, "oauth_jwt/csrf_failure.html", status=CSRF_FAILURE_STATUS)
    return secure(page)
