"""OIDC UserInfo (OpenID Connect Core §5.3): DOT's view, reached only with a person's
access token in the ``Authorization`` header.

- The token is taken from the header alone, as at every resource the hub protects:
  one in the query string or a form body is refused (RFC 6750 §2.3, RFC 9700 §4.3.2).
  DOT would accept all three.
- A client-credentials token speaks for no person: ``401 invalid_token`` (DOT would
  look for the claims of a user that is not there, a 500).
- A person's token without the ``openid`` scope: ``403 insufficient_scope`` (RFC 6750
  §3.1; oauthlib answers ``invalid_token``, as if the token were bad).
- The claims are those of the token's scopes (``server.oidc_claims``, ``server.userclaims``).
- A DPoP-bound token (RFC 9449 §7) comes with ``Authorization: DPoP`` and a proof, which
  oauthlib does not read: checked here, and answered here with the validator's claims.
  Sent as ``Bearer``, it is refused.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as dot_views
from oauth2_provider.settings import oauth2_settings

from ...compat import login_not_required
from ...exceptions import InsufficientScope, InvalidToken
from ...resource.authentication import DPOP, authenticate_token, read_authorization
from ...resource.error_responses import error_response, missing_token_response


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class UserInfoView(dot_views.UserInfoView):
    # The DPoP-checked token of this request, answered without oauthlib (see above).
    dpop_auth = None

    def dispatch(self, request, *args, **kwargs):
        scheme = None
        try:
            found = read_authorization(request)
            if found is None:
                return missing_token_response(resource_metadata=False)
            scheme, raw = found
            user, auth = authenticate_token(raw, request, scheme)
            if auth.is_client_token:
                raise InvalidToken("This access token speaks for a client, not a person.")
            if "openid" not in auth.scopes:
                raise InsufficientScope("UserInfo needs an access token with the openid scope.")
            if scheme == DPOP and not user.is_authenticated:
                raise InvalidToken("The person this access token speaks for cannot sign in.")
        except (InvalidToken, InsufficientScope) as exc:
            if scheme == DPOP:
                exc.scheme = "DPoP"
            return error_response(exc, scopes=["openid"], resource_metadata=False)
        if scheme == DPOP:
            self.dpop_auth = SimpleNamespace(user=user, scopes=sorted(auth.scopes))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.dpop_response() if self.dpop_auth else super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.dpop_response() if self.dpop_auth else super().post(request, *args, **kwargs)

    def dpop_response(self) -> JsonResponse:
        """What oauthlib's endpoint answers: the validator's claims for the token's person
        and scopes."""
        validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS()
        return JsonResponse(validator.get_userinfo_claims(self.dpop_auth))
