"""The consent page behind DOT's authorize endpoint.

A subclass of DOT's ``AuthorizationView``: DOT validates the request, handles
``prompt=login``/``create`` and unauthenticated people, and issues codes and errors
through ``create_authorization_response``/``error_response``. This class adds:

- remembered decisions from ``oauth_jwt.models.Consent`` (same or fewer scopes go
  straight back; more scopes, or ``prompt=consent``, show the page again). DOT's own
  ``approval_prompt`` shortcut, which looks for live access tokens, is switched off;
- the OIDC parameters (``server.authparams``, whose validator mixin refuses
  ``request``/``request_uri`` and bad values): a fresh sign-in for ``prompt=login``,
  ``select_account`` or ``max_age`` (``login_required`` with ``prompt=none``), the
  session's sign-in time handed to the code (``server.oidc_claims``), and the page in
  the ``ui_locales`` language when it is translated (``server.locales``);
- a form bound to what was shown (``server.forms.ConsentForm``);
- an HTML error page with status 400, never a redirect, for an unknown client, a
  redirect URI that is not registered exactly, or an altered form;
- a fresh consent page for a form that expired or outlived the session;
- the RFC 9207 ``iss`` parameter on error redirects too (DOT adds it to codes only);
- the session's OpenID Connect ``sid`` handed to the code (``server.sessions``);
- the page headers of ``server.pagesecurity``;
- for a client that registered itself, how (``server.self_registered``): RFC 7591, or a
  client ID metadata document, whose host the page names.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.auth.views import redirect_to_login
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import AuthorizationView
from oauthlib.oauth2.rfc6749 import errors as oauth_errors
from oauthlib.openid.connect.core.exceptions import ConsentRequired, LoginRequired

from ...models import ClientProfile
from .. import audience, authparams, authtime, consents, forms, sessions
from ..locales import preferred, speak_ui_locales
from ..pagesecurity import CSP_HEADER, content_security_policy, redirect_origin, secure_page
from ..self_registered import client_origin
from .errors import fresh_consent

BAD_REQUEST = 400

# What the error page explains, by the kind of problem.
PROBLEM_UNKNOWN_CLIENT = "unknown_client"
PROBLEM_REDIRECT_URI = "redirect_uri"
PROBLEM_ALTERED = "altered"
PROBLEM_INVALID = "invalid_request"
_PROBLEMS = (
    ((oauth_errors.InvalidClientIdError, oauth_errors.MissingClientIdError), PROBLEM_UNKNOWN_CLIENT),
    (
        (
            oauth_errors.InvalidRedirectURIError,
            oauth_errors.MismatchingRedirectURIError,
            oauth_errors.MissingRedirectURIError,
        ),
        PROBLEM_REDIRECT_URI,
    ),
)


def _problem(error: Any) -> str:
    for kinds, problem in _PROBLEMS:
        if isinstance(error, kinds):
            return problem
    return PROBLEM_INVALID


def _add_query(uri: str, **params: str) -> str:
    parts = urlsplit(uri)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
    return urlunsplit(parts._replace(query=query))


@method_decorator(secure_page, name="dispatch")
@method_decorator(speak_ui_locales, name="dispatch")
class ConsentView(AuthorizationView):
    template_name = "oauth_jwt/consent.html"
    error_template_name = "oauth_jwt/authorize_error.html"
    form_class = forms.ConsentForm

    def get(self, request, *args, **kwargs):
        # Remembered consent lives in the Consent table; DOT's approval_prompt=auto
        # (live access tokens) would bypass prompt=consent, so it is pinned to force.
        request.GET = request.GET.copy()
        request.GET["approval_prompt"] = "force"
        if authparams.needs_sign_in(request):
            return self.sign_in_again()
        return super().get(request, *args, **kwargs)

    def handle_no_permission(self):
        """A request that can never succeed gets its error page before any sign-in; a
        consent form sent after the session ended is shown again once signed in."""
        if self.request.method == "POST":
            return fresh_consent(self.request, self.request.POST)
        try:
            self.validate_authorization_request(self.request)
        except FatalClientError as error:
            return self.error_response(error, application=None)
        except OAuthToolkitError:
            pass
        if authparams.prompts(self.request.GET) & {"none", "create"}:
            return super().handle_no_permission()
        return self.to_sign_in()

    def sign_in_again(self) -> HttpResponse:
        """``prompt=login``/``select_account``, or a sign-in older than ``max_age``: to
        the sign-in page and back; with ``prompt=none``, ``login_required``."""
        try:
            _, credentials = self.validate_authorization_request(self.request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        if "none" not in authparams.prompts(self.request.GET):
            return self.to_sign_in()
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        error = LoginRequired(state=credentials.get("state"))
        return self.error_response(OAuthToolkitError(error, credentials["redirect_uri"]), application)

    def to_sign_in(self) -> HttpResponse:
        after = authparams.after_sign_in(self.request.get_full_path())
        return redirect_to_login(after, self.get_login_url(), self.get_redirect_field_name())

    def get_initial(self) -> dict:
        initial = super().get_initial()
        initial["dpop_jkt"] = self.request.GET.get("dpop_jkt")
        initial["binding"] = forms.sign(self.request.user.pk, initial)
        initial["ui_locales"] = preferred(self.request.GET.get("ui_locales", ""))
        return initial

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "user_pk": self.request.user.pk}

    def get_context_data(self, **kwargs: Any) -> dict:
        context = super().get_context_data(**kwargs)
        if "application" in context:
            descriptions = context.get("scopes_descriptions", [])
            context["scope_items"] = list(zip(context["scopes"], descriptions, strict=True))
            context["profile"] = ClientProfile.objects.filter(client_id=context["client_id"]).first()
            context["origin"] = client_origin(context["application"])
        return context

    def render_to_response(self, context: dict, **response_kwargs: Any) -> HttpResponse:
        if "error" in context:
            return self.error_page(_problem(context["error"]), context["error"])
        refused = self.refused_resource(context)
        if refused is not None:
            return self.error_response(refused, context["application"])
        prompt = set(self.request.GET.get("prompt", "").split())
        if "consent" not in prompt and consents.covered(self.request.user, context["client_id"], context["scopes"]):
            return self.approve(context["form"])
        if "none" in prompt:
            error = ConsentRequired(state=context.get("state"))
            return self.error_response(OAuthToolkitError(error, context["redirect_uri"]), context["application"])
        response = super().render_to_response(context, **response_kwargs)
        response[CSP_HEADER] = content_security_policy([redirect_origin(context["redirect_uri"])])
        return response

    def refused_resource(self, context: dict) -> OAuthToolkitError | None:
        """RFC 8707 §2: a resource this client may not use is refused here already, with
        ``invalid_target`` on the redirect, not only later at the token endpoint."""
        allowed = audience.allowed_resources(context["client_id"])
        requested = (context.get("resource") or "").split()
        if allowed is None or set(requested) <= allowed:
            return None
        error = oauth_errors.CustomOAuth2Error(
            error="invalid_target",
            description="This client may not ask for that resource.",
            state=context.get("state"),
        )
        return OAuthToolkitError(error, context["redirect_uri"])

    def approve(self, shown: forms.ConsentForm) -> HttpResponse:
        """Approve a request the person already allowed, through the same path as a POST."""
        data = {name: value for name, value in shown.initial.items() if value is not None}
        form = self.get_form_class()(data={**data, "allow": True}, user_pk=self.request.user.pk)
        if not form.is_valid():
            return self.form_invalid(form)
        return self.form_valid(form)

    def form_invalid(self, form: forms.ConsentForm) -> HttpResponse:
        if form.has_error(NON_FIELD_ERRORS, forms.EXPIRED):
            return fresh_consent(self.request, form.cleaned_data)
        return self.error_page(PROBLEM_ALTERED)

    def form_valid(self, form: forms.ConsentForm) -> HttpResponse:
        # DOT looks the client up unguarded; it may have been deleted since the page
        # was shown.
        if not get_application_model().objects.filter(client_id=form.cleaned_data.get("client_id")).exists():
            return self.error_page(PROBLEM_UNKNOWN_CLIENT)
        self.dpop_jkt = form.cleaned_data.get("dpop_jkt")
        return super().form_valid(form)

    def create_authorization_response(self, request, scopes, credentials, allow):
        credentials = {**credentials, "auth_time": authtime.of_session(request)}
        if allow:
            # The session's OIDC ``sid``, to the code and the ID tokens (``sessions``).
            credentials = {**credentials, sessions.REQUEST_ATTRIBUTE: sessions.sid(request)}
        if getattr(self, "dpop_jkt", None):
            # DOT passes on only the parameters it knows (server.dpop binds the code).
            credentials = {**credentials, "dpop_jkt": self.dpop_jkt}
        result = super().create_authorization_response(request, scopes, credentials, allow)
        if allow:
            scope_list = scopes.split() if isinstance(scopes, str) else list(scopes)
            consents.remember(request.user, credentials["client_id"], scope_list)
        return result

    def redirect(self, redirect_to: str, application):
        issuer_wanted = oauth2_settings.COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS
        if issuer_wanted and "iss" not in dict(parse_qsl(urlsplit(redirect_to).query)):
            redirect_to = _add_query(redirect_to, iss=oauth2_settings.oauth2_authorization_server_issuer(self.request))
        return super().redirect(redirect_to, application)

    def error_page(self, problem: str, error: Any = None) -> HttpResponse:
        context = {"problem": problem, "error": error}
        return TemplateResponse(self.request, self.error_template_name, context, status=BAD_REQUEST)
