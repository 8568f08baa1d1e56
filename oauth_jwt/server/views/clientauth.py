"""DOT's token and revocation endpoints with throttled client authentication.

Routed ahead of DOT's views under the same names (see ``urls``). The decorators are
repeated because ``dispatch`` is overridden: Django copies them from the class's own
``dispatch``, and a token endpoint must stay CSRF-exempt and open to anonymous callers.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider import views as dot_views
from oauth2_provider.models import get_access_token_model
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.signals import app_authorized

from ...checksums import token_checksum
from ...compat import login_not_required
from ...exceptions import InvalidDPoPProof, TemporarilyUnavailable, oauth_error
from .. import dpop, request_memo, throttle
from ..device import DEVICE_CODE_GRANT
from ..throttle import ClientAuthThrottleMixin

SENSITIVE = ("client_secret", "code", "code_verifier", "refresh_token", "device_code", "password")


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class TokenView(ClientAuthThrottleMixin, dot_views.TokenView):
    """RFC 6749 §3.2."""

    def post(self, request, *args, **kwargs):
        """Every grant through one path: DOT's device branch answers a code's status
        before the client has authenticated; here oauthlib and the validator do it
        (``server.device``). A DPoP proof is checked first (``server.dpop``)."""
        try:
            dpop.check_token_request(request)
        except (InvalidDPoPProof, TemporarilyUnavailable) as exc:
            return dpop.error_response(exc)
        response = self.authorization_flow_token_response(request)
        if request.POST.get("grant_type") == DEVICE_CODE_GRANT:
            response = self.slow_down(request, response)
        return response

    def slow_down(self, request, response: HttpResponse) -> HttpResponse:
        """RFC 8628 §3.5 ``slow_down``: a device that polls again sooner than the
        advertised interval while still pending is told to back off."""
        if response.status_code != 400 or json.loads(response.content).get("error") != "authorization_pending":
            return response
        interval = int(oauth2_settings.DEVICE_FLOW_INTERVAL)
        key = f"oauth_jwt:poll:{token_checksum(request.POST['device_code'])}"
        if throttle.first_within(key, interval):
            return response
        return oauth_error("slow_down")

    @method_decorator(sensitive_post_parameters(*SENSITIVE))
    def authorization_flow_token_response(self, request, *args, **kwargs):
        """DOT's, except that a token already revoked when the response is built (a
        replay of the code raced its redemption, see ``replay``) is not an error: the
        tokens are issued and dead, and ``app_authorized`` has nothing to announce."""
        url, headers, body, status = self.create_token_response(request)
        if status == 200:
            access_token = json.loads(body).get("access_token")
            if access_token is not None:
                digest = token_checksum(access_token)
                # The row this request created, else (a view used outside a request) a query.
                token = request_memo.access_token(digest)
                if token is None:
                    token = get_access_token_model().objects.filter(token_checksum=digest).first()
                if token is not None:
                    app_authorized.send(sender=self, request=request, token=token)
        # JSON and no-store even when an error escaped oauthlib's own headers (an
        # ``OAuth2Error`` raised while saving carries only its own).
        response = HttpResponse(content=body, status=status, content_type="application/json")
        response["Cache-Control"] = "no-store"
        for name, value in headers.items():
            response[name] = value
        return response


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class RevokeTokenView(ClientAuthThrottleMixin, dot_views.RevokeTokenView):
    """RFC 7009."""
