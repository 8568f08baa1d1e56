"""Session sign-in and sign-out, from Django's own auth views.

Django's ``LoginView`` already refuses a ``next`` on another host or scheme, and adds
``sensitive_post_parameters``, ``csrf_protect`` and ``never_cache``; these subclasses
add the page headers and oauth_jwt's templates. On the way to an authorization request,
the sign-in form starts from its ``login_hint``, speaks its ``ui_locales``
(``server.authparams``, ``server.locales``), and may end up at the client's
registered redirect URI: browsers apply ``form-action`` to the redirects after a POST,
and signing in leads straight on to the client when consent is remembered. ``lockout`` is the page django-axes
shows once a username has failed too often from one address.
"""

from __future__ import annotations

import logging

from django.conf import global_settings, settings
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.decorators import method_decorator
from oauth2_provider.models import get_application_model

from ...compat import PostOnlyLogout
from ...loopback import is_plaintext_outside_loopback
from .. import authparams
from ..locales import speak_ui_locales
from ..pagesecurity import CSP_HEADER, content_security_policy, redirect_origin, secure, secure_page

log = logging.getLogger(__name__)

LOCKOUT_STATUS = 429


@method_decorator(secure_page, name="dispatch")
@method_decorator(speak_ui_locales, name="dispatch")
class LoginView(auth_views.LoginView):
    """Signing in without ``next`` lands on the connected apps, unless the project set
    its own ``LOGIN_REDIRECT_URL`` (Django's default, ``/accounts/profile/``, is no page)."""

    template_name = "oauth_jwt/login.html"
    redirect_authenticated_user = False

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        origin = client_origin(request)
        if origin is not None:
            response[CSP_HEADER] = content_security_policy([origin])
        return response

    def get_initial(self) -> dict:
        initial = super().get_initial()
        User = get_user_model()
        longest = User._meta.get_field(User.USERNAME_FIELD).max_length or 254
        hint = authparams.login_hint(self.request, max_length=longest)
        if hint is not None:
            initial["username"] = hint
        return initial

    def form_valid(self, form):
        # Django's login() drops another person's session silently; signing them out
        # first tells the clients of that session (back-channel logout).
        signed_in = self.request.user
        if signed_in.is_authenticated and signed_in.pk != form.get_user().pk:
            logout(self.request)
        return super().form_valid(form)

    def get_default_redirect_url(self) -> str:
        if settings.LOGIN_REDIRECT_URL == global_settings.LOGIN_REDIRECT_URL:
            return resolve_url("oauth_jwt:connected-apps")
        return super().get_default_redirect_url()


def client_origin(request: HttpRequest) -> str | None:
    """The origin of the pending authorization request's redirect URI, if it is one its
    client registered (as the authorize endpoint will check again)."""
    params = authparams.pending(request)
    if params is None:
        return None
    client = get_application_model().objects.filter(client_id=params.get("client_id", "")).first()
    uri = params.get("redirect_uri") or (client.default_redirect_uri if client else "")
    if client is None or not uri or is_plaintext_outside_loopback(uri) or not client.redirect_uri_allowed(uri):
        return None
    return redirect_origin(uri)


@method_decorator(secure_page, name="dispatch")
class LogoutView(PostOnlyLogout, auth_views.LogoutView):
    """POST only (Django's rule since 5.0; on 4.2 too); ``next`` is honoured when it stays
    on this site."""

    template_name = "oauth_jwt/logged_out.html"


@speak_ui_locales
def lockout(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: 429 with the same words whether or not the account exists,
    in the sign-in page's language (django-axes calls it outside the view)."""
    log.warning("sign-in locked out", extra={"event": "lockout", "path": request.path})
    return secure(render(request, "oauth_jwt/lockout.html", status=LOCKOUT_STATUS))
