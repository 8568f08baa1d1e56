"""Session sign-in and sign-out, from Django's own auth views.

Django's ``LoginView`` already refuses a ``next`` on another host or scheme, and adds
``sensitive_post_parameters``, ``csrf_protect`` and ``never_cache``; these subclasses
add the page headers and oauth_jwt's templates. ``lockout`` is the page django-axes
shows once a username has failed too often from one address.
"""

from __future__ import annotations

import logging

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator

from ..pagesecurity import secure, secure_page

log = logging.getLogger(__name__)

LOCKOUT_STATUS = 429


@method_decorator(secure_page, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "oauth_jwt/login.html"
    redirect_authenticated_user = False


@method_decorator(secure_page, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule); ``next`` is honoured when it stays on this site."""

    template_name = "oauth_jwt/logged_out.html"


def lockout(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: 429 with the same words whether or not the account exists."""
    log.warning("sign-in locked out", extra={"event": "lockout", "path": request.path})
    return secure(render(request, "oauth_jwt/lockout.html", status=LOCKOUT_STATUS))
