"""Requests the client-facing endpoints refuse before reading their meaning, with
``400 invalid_request`` (RFC 6749 §5.2):

- a POST whose body is not a form: these endpoints take
  ``application/x-www-form-urlencoded`` (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1,
  RFC 8628 §3.1), and ``multipart/form-data``, which Django parses alike, is let through
  for the clients that send it; oauthlib's device-authorization endpoint failed on a
  missing ``Content-Type`` (a 500);

- a parameter given more than once (RFC 6749 §3.1, §3.2), except ``resource``, which
  RFC 8707 §2 lets a client repeat. DOT would keep the last value silently;
- a control character in any name or value: the grammar of every OAuth parameter
  (RFC 6749 Appendix A, RFC 3986 for URIs) has none, and PostgreSQL refuses a NUL
  byte in text with an error (a 500) wherever a value reaches a query. A malformed
  ``scope`` is ``invalid_scope`` and a malformed ``resource`` ``invalid_target`` where
  a grant is asked for.

``strict_params`` wraps the token, revocation, introspection and device-authorization
views (``urls``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import wraps
from types import MappingProxyType

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError

from ..exceptions import oauth_error

REPEATABLE = frozenset({"resource"})
# C0 controls but the tab (which a password may hold), and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


FORM = "application/x-www-form-urlencoded"
FORMS = frozenset({FORM, "multipart/form-data"})


# Where a parameter has an error code of its own for a malformed value (RFC 6749 §5.2:
# invalid_scope; RFC 8707 §2: invalid_target), at the endpoints that take it.
GRANT_PARAMETERS = {"scope": "invalid_scope", "resource": "invalid_target"}


def problem(request: HttpRequest, malformed: Mapping[str, str]) -> tuple[str, str] | None:
    """The error code and description of what is wrong with the request, or ``None``."""
    if request.method == "POST" and request.content_type not in FORMS:
        return "invalid_request", f"Send the parameters as {FORM}."
    try:
        sources = (request.GET, request.POST)
    except MultiPartParserError:
        return "invalid_request", "The body is not a valid form."
    for source in sources:
        for name, values in source.lists():
            if _CONTROL.search(name) or any(_CONTROL.search(value) for value in values):
                return malformed.get(name, "invalid_request"), "A parameter holds a control character."
            if len(values) > 1 and name not in REPEATABLE:
                return "invalid_request", "A parameter is given more than once."
    return None


def strict_params(
    view: Callable[..., HttpResponse], malformed: Mapping[str, str] = MappingProxyType({})
) -> Callable[..., HttpResponse]:
    """``view``, behind the checks above; ``malformed`` names the error code of a
    parameter whose value is malformed, where it is not ``invalid_request``."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        found = problem(request, malformed)
        if found is not None:
            return oauth_error(*found)
        return view(request, *args, **kwargs)

    return wrapped
