"""The resource server's RFC 9728 metadata document, at
``/.well-known/oauth-protected-resource`` and its path-suffixed forms (RFC 9728 §3.1)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from . import metadata

MAX_AGE_SECONDS = 300


@require_safe
def protected_resource_metadata(request: HttpRequest, suffix: str = "") -> JsonResponse:
    identifier = metadata.identifier_for(suffix)
    if identifier is None:
        raise Http404("No protected resource is published at this path.")
    response = JsonResponse(metadata.document(identifier))
    response["Cache-Control"] = f"public, max-age={MAX_AGE_SECONDS}"
    # Public, and read by browser-based clients on other origins.
    response["Access-Control-Allow-Origin"] = "*"
    return response


# Public under Django's LoginRequiredMiddleware (what login_not_required sets, on every
# Django version this half supports).
protected_resource_metadata.login_required = False
