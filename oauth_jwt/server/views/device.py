"""The device grant's endpoint and pages (RFC 8628 §3.1–3.3).

``DeviceAuthorizationView`` is DOT's, with the client authentication throttled like the
token endpoint's and two refusals DOT lacks: a client not registered for the device
grant (``unauthorized_client``) and scopes the client may not ask for
(``invalid_scope``, from the same validator and ``ClientProfile`` policy as the other
grants).

The pages replace DOT's (which put the user code in the URL path, where access logs
keep it): the code travels only in the POST body, and from the entry page to the
confirmation in the session. A ``verification_uri_complete`` link (RFC 8628 §3.3.1)
necessarily carries the code in its query; it is stored in the session and answered
at once with a redirect to the bare page, which shows the code for the person to check
and submit. Wrong codes are counted per person and address (RFC 8628 §5.1) in
``throttle``'s budget; typing slips are not. Approving records the person's consent, so
the device shows among their connected apps and Disconnect covers it.
"""

from __future__ import annotations

import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView
from oauth2_provider import views as dot_views
from oauth2_provider.models import (
    DeviceCodeResponse,
    DeviceRequest,
    create_device_grant,
    get_application_model,
    get_device_grant_model,
)
from oauth2_provider.scopes import get_scopes_backend
from oauthlib.common import Request as OAuthlibRequest
from oauthlib.oauth2.rfc6749 import errors

from ...compat import login_not_required
from ...conf import jwt_settings
from ...exceptions import oauth_error
from ...models import ClientProfile
from .. import consents, throttle
from ..device_forms import MAX_LENGTH, UserCodeForm, display, normalise
from ..pagesecurity import secure_page
from ..throttle import ClientAuthThrottleMixin

# Longer than every scope the hub offers, together; anything longer is not a request.
MAX_SCOPE_LENGTH = 1024
PREFILL = "oauth_jwt.device.user_code"
PENDING = "oauth_jwt.device.grant"
OUTCOME = "oauth_jwt.device.outcome"
APPROVED, DENIED = "approved", "denied"
NOT_FOUND = 404


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _oauth_error(error: errors.OAuth2Error) -> JsonResponse:
    return oauth_error(error.error, error.description or "", status=error.status_code)


def device_scope(application, requested: str | None) -> str:
    """The scope a device authorization asks for, or an ``OAuth2Error``: the client
    must be registered for the device grant, and ask only for scopes it may have."""
    from oauth2_provider.settings import oauth2_settings

    if not application.allows_grant_type(application.GRANT_DEVICE_CODE):
        raise errors.UnauthorizedClientError(description="This client may not use the device grant.")
    requested = (requested or "").strip()
    if len(requested) > MAX_SCOPE_LENGTH:
        raise errors.InvalidScopeError(description="The scope is too long.")
    validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS()
    request = OAuthlibRequest("")
    request.client, request.client_id = application, application.client_id
    scopes = list(dict.fromkeys(requested.split())) or validator.get_default_scopes(application.client_id, request)
    if not validator.validate_scopes(application.client_id, scopes, application, request):
        raise errors.InvalidScopeError()
    return " ".join(scopes)


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class DeviceAuthorizationView(ClientAuthThrottleMixin, dot_views.DeviceAuthorizationView):
    """RFC 8628 §3.1–3.2."""

    def post(self, request, *args, **kwargs):
        if throttle.claimed_client_id(request) != request.POST.get("client_id", ""):
            # oauthlib would authenticate the Basic credentials and DOT issue the grant
            # to the body's client_id, which never authenticated.
            return _oauth_error(errors.InvalidRequestError(description="client_id is not the authenticated client."))
        headers, body, status = self.create_device_authorization_response(request)
        if status != 200:
            response = JsonResponse(json.loads(body), status=status, headers=headers)
            response["Cache-Control"] = "no-store"
            return response
        # oauthlib authenticated the client this names; one named only in the query is refused.
        client_id = request.POST.get("client_id", "")
        application = get_application_model().objects.filter(client_id=client_id).first()
        if application is None:
            return _oauth_error(errors.InvalidRequestError(description="Send client_id in the request body."))
        try:
            scope = device_scope(application, request.POST.get("scope"))
        except errors.OAuth2Error as error:
            return _oauth_error(error)
        create_device_grant(DeviceRequest(client_id=client_id, scope=scope), DeviceCodeResponse(**body))
        response = JsonResponse(body, headers=headers)
        response["Cache-Control"] = "no-store"
        return response


@method_decorator(secure_page, name="dispatch")
class DeviceUserCodeView(LoginRequiredMixin, FormView):
    """Where the person types the code their device shows."""

    template_name = "oauth_jwt/device/enter_code.html"
    form_class = UserCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and "user_code" in request.GET:
            # verification_uri_complete: keep the code out of every later URL (and of
            # the sign-in page's ``next``).
            request.session[PREFILL] = normalise(request.GET["user_code"])[:MAX_LENGTH]
            return _see_other(request.path)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict:
        code = self.request.session.get(PREFILL, "")
        return {"user_code": display(code) if code else ""}

    def post(self, request, *args, **kwargs):
        keys = throttle.user_code_keys(request)
        if throttle.over_budget(keys):
            context = self.get_context_data(form=self.form_class(), throttled=True)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(jwt_settings.CLIENT_AUTH_WINDOW_SECONDS)
            return response
        form = self.get_form()
        if form.is_valid():
            return self.form_valid(form)
        if not form.is_format_slip:
            throttle.count_failure(keys)
        return self.form_invalid(form)

    def form_valid(self, form: UserCodeForm) -> HttpResponse:
        # The last person to enter a pending code is the one who may answer it, from
        # this session only (DOT #1819: nobody else can approve or deny it).
        grant = form.device_grant
        grant.user = self.request.user
        grant.save(update_fields=["user"])
        self.request.session.pop(PREFILL, None)
        self.request.session[PENDING] = grant.pk
        return _see_other(reverse("oauth2_provider:device-confirm"))


def _pending_grant(request, lock: bool = False):
    """The grant this person entered in this session, while it still waits for them."""
    model = get_device_grant_model()
    rows = model.objects.select_for_update() if lock else model.objects
    grant = rows.filter(pk=request.session.get(PENDING), user=request.user, status=model.AUTHORIZATION_PENDING).first()
    return None if grant is None or grant.is_expired() else grant


def _outcome_page(request, outcome: str | None) -> HttpResponse:
    """Approved, denied, or (``None``) no code waiting for this person here: 404."""
    status = 200 if outcome in (APPROVED, DENIED) else NOT_FOUND
    return TemplateResponse(request, "oauth_jwt/device/done.html", {"outcome": outcome}, status=status)


@method_decorator(secure_page, name="dispatch")
class DeviceConfirmView(LoginRequiredMixin, View):
    """Approve or deny the device, having seen which app it is and what it may do."""

    template_name = "oauth_jwt/device/confirm.html"

    def get(self, request, *args, **kwargs):
        grant = _pending_grant(request)
        application = grant and get_application_model().objects.filter(client_id=grant.client_id).first()
        if application is None:
            return _outcome_page(request, None)
        descriptions = get_scopes_backend().get_all_scopes()
        context = {
            "application": application,
            "profile": ClientProfile.objects.filter(client_id=grant.client_id).first(),
            "scope_items": [(scope, descriptions.get(scope, scope)) for scope in grant.scope.split()],
            "user_code": display(grant.user_code),
        }
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        with transaction.atomic():
            grant = _pending_grant(request, lock=True)
            if grant is None:
                return _outcome_page(request, None)
            if action == "accept":
                grant.status = grant.AUTHORIZED
                consents.remember(request.user, grant.client_id, grant.scope.split())
            else:
                grant.status = grant.DENIED
            grant.save(update_fields=["status"])
        request.session.pop(PENDING, None)
        request.session[OUTCOME] = APPROVED if action == "accept" else DENIED
        return _see_other(reverse("oauth2_provider:device-grant-status"))


@method_decorator(secure_page, name="dispatch")
class DeviceDoneView(LoginRequiredMixin, View):
    """What became of the device the person just answered for."""

    def get(self, request, *args, **kwargs):
        return _outcome_page(request, request.session.get(OUTCOME))
