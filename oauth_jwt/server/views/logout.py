"""OpenID Connect RP-Initiated Logout 1.0 at ``/o/logout/``: DOT's view with the hub's
rules.

- ``id_token_hint`` is checked against the hub's published keys, ``typ`` and ``iss``
  (``server.id_token_hints``); an expired one is accepted while
  ``OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS`` is on (DOT's default, as the spec
  allows).
- ``client_id`` names the client; with a hint, it must be one of the hint's audiences.
  An unknown client is an error page, not DOT's 500.
- ``post_logout_redirect_uri`` is followed only when it is exactly one of the client's
  ``post_logout_redirect_uris`` (https, or http on loopback), with ``state`` added.
  Every refusal is a page with status 400, never a redirect.
- The person is asked first unless the hint names them and was issued in this very
  session (its ``sid``), or ``OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT`` says always. A
  client may send its request by GET or POST; only a POST that passes Django's CSRF
  check (the confirmation form) can confirm.
- Signing out ends the session (``logout()``: the clients signed in during it are told
  by back-channel logout) and, with ``OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS`` (DOT's
  default), revokes the tokens the clients got during that session. Nothing is revoked
  for a browser that is not signed in: DOT revoked every token of the hint's person,
  so anyone holding an old ID token could sign that person out of every app.
- ``ui_locales`` picks the language of the pages, the confirmation's answer included
  (``server.locales``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import exceptions as dot_errors
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import RPInitiatedLogoutView as DOTLogoutView
from oauthlib.common import add_params_to_uri

from ...compat import login_not_required
from ...loopback import is_plaintext_outside_loopback
from .. import id_token_hints, params, sessions
from ..locales import logout_request, preferred, speaking
from ..pagesecurity import CSP_HEADER, content_security_policy, redirect_origin, secure_page

logger = logging.getLogger(__name__)
SEE_OTHER = 303

# What the error page explains, by the kind of refusal.
_PROBLEMS = (
    (dot_errors.InvalidIDTokenError, "id_token_hint"),
    (dot_errors.ClientIdMissmatch, "client_mismatch"),
    (dot_errors.InvalidOIDCClientError, "unknown_client"),
    (dot_errors.InvalidOIDCRedirectURIError, "redirect_uri"),
)


def verify_hint(token: str) -> dict[str, Any]:
    """The claims of ``token`` if the hub issued it (``id_token_hints``), expired or not
    as ``OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS`` says."""
    return id_token_hints.verify(token, accept_expired=oauth2_settings.OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS)


def audiences(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud")
    values = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    return [value for value in values if isinstance(value, str)]


def hinted_client(claims: dict[str, Any]) -> str | None:
    """The client the ID token was issued to: ``azp``, else its only audience."""
    azp = claims.get("azp")
    if isinstance(azp, str):
        return azp
    found = audiences(claims)
    return found[0] if len(found) == 1 else None


def csrf_passes(request) -> bool:
    """Django's CSRF check of ``request``, as the middleware would run it on a view
    that is not exempt."""
    check = CsrfViewMiddleware(lambda r: None)
    check.process_request(request)
    return check.process_view(request, None, (), {}) is None


@method_decorator(secure_page, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(speaking(logout_request), name="dispatch")
class RPInitiatedLogoutView(DOTLogoutView):
    template_name = "oauth_jwt/logout_confirm.html"
    error_template_name = "oauth_jwt/logout_error.html"
    hint: dict[str, Any] | None = None
    token_user = None

    def dispatch(self, request, *args, **kwargs):
        # A repeated parameter, a control byte, a body that is not a form: refused
        # before anything is looked up (PostgreSQL refuses a NUL in a query: a 500).
        enabled = oauth2_settings.OIDC_RP_INITIATED_LOGOUT_ENABLED  # else DOT's 404
        if enabled and params.problem(request, {}) is not None:
            return self.error_page("invalid_request")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """The confirmation form (it carries the CSRF token), or a client sending its
        request by POST (RP-Initiated Logout 1.0 §2: GET and POST): handled as a GET,
        never as a confirmation."""
        if csrf_passes(request):
            return super().post(request, *args, **kwargs)
        request.GET = request.POST.copy()
        request.GET.pop("allow", None)
        return self.get(request, *args, **kwargs)

    # --- the request -----------------------------------------------------------------

    def validate_logout_request(self, id_token_hint, client_id, post_logout_redirect_uri):
        self.hint = verify_hint(id_token_hint) if id_token_hint else None
        application = None
        if client_id:
            application = get_application_model().objects.filter(client_id=client_id).first()
            if application is None:
                raise dot_errors.InvalidOIDCClientError()
            if self.hint is not None and client_id not in audiences(self.hint):
                raise dot_errors.ClientIdMissmatch()
        elif self.hint is not None:
            named = hinted_client(self.hint)
            application = get_application_model().objects.filter(client_id=named).first() if named else None
        self.validate_post_logout_redirect_uri(application, post_logout_redirect_uri)
        self.token_user = sessions.person(self.hint["sub"]) if self.hint else None
        return application, self.token_user

    def validate_post_logout_redirect_uri(self, application, post_logout_redirect_uri):
        """Exactly one of the client's registered URIs; never plain http off loopback."""
        if not post_logout_redirect_uri:
            return
        if application is None:
            raise dot_errors.InvalidOIDCClientError()
        registered = application.post_logout_redirect_uris.split()
        scheme = post_logout_redirect_uri.split(":", 1)[0].lower()
        if (
            post_logout_redirect_uri not in registered
            or scheme not in application.get_allowed_schemes()
            or is_plaintext_outside_loopback(post_logout_redirect_uri)
        ):
            raise dot_errors.InvalidOIDCRedirectURIError()

    def must_prompt(self, token_user) -> bool:
        """DOT's rules (ask unless the hint names the signed-in person), and also ask
        when the hint comes from another session of that person (its ``sid``)."""
        if super().must_prompt(token_user):
            return True
        if not self.request.user.is_authenticated or self.hint is None:
            return False
        hinted_sid = self.hint.get("sid")
        return bool(hinted_sid) and hinted_sid != sessions.current_sid(self.request)

    # --- the answer ------------------------------------------------------------------

    def do_logout(self, application=None, post_logout_redirect_uri=None, state=None, token_user=None):
        user = self.request.user
        if user.is_authenticated:
            sid = sessions.current_sid(self.request)
            if sid and oauth2_settings.OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS:
                sessions.revoke_session_tokens(user, sid)
            logger.info(
                "signed out at a client's request",
                extra={"event": "rp_logout", "client_id": getattr(application, "client_id", None)},
            )
            logout(self.request)
        if post_logout_redirect_uri:
            target = (
                add_params_to_uri(post_logout_redirect_uri, [("state", state)]) if state else post_logout_redirect_uri
            )
            return OAuth2ResponseRedirect(target, application.get_allowed_schemes())
        return TemplateResponse(self.request, "oauth_jwt/logged_out.html")

    def get_initial(self) -> dict[str, Any]:
        # DOT's form has a ui_locales field it never fills: the confirmation would lose
        # the language. It carries the language the page speaks, not what was sent.
        return {**super().get_initial(), "ui_locales": preferred(self.request.GET.get("ui_locales", ""))}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The request names another account (never said which: it is not this person's).
        context["other_account"] = self.hint is not None and self.token_user != self.request.user
        return context

    def render_to_response(self, context: dict, **response_kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **response_kwargs)
        # The confirmation form is answered with a redirect to the client (CSP form-action).
        uri = self.oidc_data.get("post_logout_redirect_uri")
        if uri:
            response[CSP_HEADER] = content_security_policy([redirect_origin(uri)])
        return response

    def error_response(self, error) -> HttpResponse:
        if isinstance(error, dot_errors.LogoutDenied):
            messages.info(self.request, _("You are still signed in."), fail_silently=True)
            response = HttpResponseRedirect(reverse("oauth_jwt:connected-apps"))
            response.status_code = SEE_OTHER
            return response
        problem = next((name for kind, name in _PROBLEMS if isinstance(error, kind)), "invalid_request")
        logger.info("RP-initiated logout refused", extra={"event": "rp_logout.refused", "problem": problem})
        return self.error_page(problem, status=error.status_code)

    def error_page(self, problem: str, status: int = 400) -> HttpResponse:
        return TemplateResponse(self.request, self.error_template_name, {"problem": problem}, status=status)
