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
"""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as dot_views

from ...compat import login_not_required
from ...exceptions import InsufficientScope, InvalidToken
from ...resource.authentication import authenticate_token, get_token_from_request
from ...resource.error_responses import error_response, missing_token_response


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class UserInfoView(dot_views.UserInfoView):
    def dispatch(self, request, *args, **kwargs):
        try:
            raw = get_token_from_request(request)
            if raw is None:
                return missing_token_response(resource_metadata=False, scheme="Bearer")
            _, auth = authenticate_token(raw)
            if auth.is_client_token:
                raise InvalidToken("This access token speaks for a client, not a person.")
            if "openid" not in auth.scopes:
                raise InsufficientScope("UserInfo needs an access token with the openid scope.")
        except (InvalidToken, InsufficientScope) as exc:
            return error_response(exc, scopes=["openid"], resource_metadata=False)
        return super().dispatch(request, *args, **kwargs)
