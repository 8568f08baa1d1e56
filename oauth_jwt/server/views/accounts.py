"""Session sign-in and sign-out, from Django's own auth views.

Django's ``LoginView`` already refuses a ``next`` on another host or scheme, and adds
``sensitive_post_parameters``, ``csrf_protect`` and ``never_cache``; these subclasses
add the page headers and oauth_jwt's templates. ``lockout`` is the page django-axes
shows once a username has failed too often from one address.
"""

from __future__ import annotations

import logging

from django.conf import global_settings, settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.decorators import method_decorator

from ...compat import PostOnlyLogout
from ..pagesecurity import secure, secure_page

log = logging.getLogger(__name__)

LOCKOUT_STATUS = 429


@method_decorator(secure_page, name="dispatch")
class LoginView(auth_views.LoginView):
    """Signing in without ``next`` lands on the connected apps, unless the project set
    its own ``LOGIN_REDIRECT_URL`` (Django's default, ``/accounts/profile/``, is no page)."""

    template_name = "oauth_jwt/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        if settings.LOGIN_REDIRECT_URL == global_settings.LOGIN_REDIRECT_URL:
            return resolve_url("oauth_jwt:connected-apps")
        return super().get_default_redirect_url()


@method_decorator(secure_page, name="dispatch")
class LogoutView(PostOnlyLogout, auth_views.LogoutView):
    """POST only (Django's rule since 5.0; on 4.2 too); ``next`` is honoured when it stays
    on this site."""

    template_name = "oauth_jwt/logged_out.html"


def lockout(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: 429 with the same words whether or not the account exists."""
    log.warning("sign-in locked out", extra={"event": "lockout", "path": request.path})
    return secure(render(request, "oauth_jwt/lockout.html", status=LOCKOUT_STATUS))
