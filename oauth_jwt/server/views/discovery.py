"""Publishing: the JWK set, RFC 8414 metadata and OIDC discovery.

Both metadata documents extend DOT's views; they agree on ``issuer`` (from settings,
never the Host header) and ``jwks_uri``, and advertise only what is enforced.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.http import JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.http import require_GET
from oauth2_provider.views import ConnectDiscoveryInfoView, OAuthServerMetadataView

from ...compat import login_not_required
from ...conf import jwt_settings
from ...resource import dpop
from .. import authparams, locales, signing_keys


def absolute_url(name: str, **kwargs: str) -> str:
    """An endpoint URL on the issuer's origin."""
    parts = urlsplit(jwt_settings.ISSUER)
    return f"{parts.scheme}://{parts.netloc}{reverse(name, kwargs=kwargs or None)}"


def _published_algorithms() -> list[str]:
    return sorted({k["alg"] for k in signing_keys.jwks()["keys"]})


class JWKSView(View):
    """The public JWK set (public members only), cacheable for ``JWKS_MAX_AGE_SECONDS``."""

    @method_decorator(login_not_required)
    @method_decorator(require_GET)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        signing_keys.signing_key()  # a fresh install publishes its first key at once
        response = JsonResponse(signing_keys.jwks())
        max_age = jwt_settings.JWKS_MAX_AGE_SECONDS
        response["Cache-Control"] = f"public, max-age={max_age}"
        response["Access-Control-Allow-Origin"] = "*"
        return response


class _Amend:
    """Rewrite the JSON a DOT metadata view produced with ``amend(data)``."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        data = self.amend(json.loads(response.content))
        amended = JsonResponse(data)
        amended["Access-Control-Allow-Origin"] = "*"
        amended["Cache-Control"] = "public, max-age=300"
        return amended

    def amend(self, data: dict) -> dict:
        signing_keys.signing_key()
        data["issuer"] = jwt_settings.ISSUER
        data["jwks_uri"] = absolute_url("oauth2_provider:jwks-info")
        data["code_challenge_methods_supported"] = ["S256"]
        data["authorization_response_iss_parameter_supported"] = True
        data["dpop_signing_alg_values_supported"] = list(dpop.ALGORITHMS)
        data["response_types_supported"] = ["code"]
        data["grant_types_supported"] = [
            g for g in data.get("grant_types_supported", []) if g not in ("implicit", "password")
        ]
        # Public clients (native apps, PKCE) use the token and revocation endpoints
        # with their client_id alone: RFC 8414's "none".
        for field in ("token_endpoint_auth_methods_supported", "revocation_endpoint_auth_methods_supported"):
            methods = list(data.get(field) or ["client_secret_basic", "client_secret_post"])
            data[field] = methods if "none" in methods else [*methods, "none"]
        # Request objects (RFC 9101, OIDC Core §6) are refused, by value and by
        # reference (authparams); RFC 9101 registers both names for RFC 8414 too.
        data["request_parameter_supported"] = False
        data["request_uri_parameter_supported"] = False
        # The languages of the pages (server.locales); RFC 8414 §2 has the field too.
        data["ui_locales_supported"] = locales.advertised()
        # RFC 7591 (server.views.registration) only while it is switched on; DOT's own
        # DCR_ENABLED is not what this hub serves.
        data.pop("registration_endpoint", None)
        if jwt_settings.REGISTRATION != "off":
            data["registration_endpoint"] = absolute_url("oauth2_provider:dcr-register")
        for field, name in (
            ("revocation_endpoint", "oauth2_provider:revoke-token"),
            ("introspection_endpoint", "oauth2_provider:introspect"),
            ("device_authorization_endpoint", "oauth2_provider:device-authorization"),
        ):
            data[field] = absolute_url(name)
        return data


class ServerMetadataView(_Amend, OAuthServerMetadataView):
    """RFC 8414, at the origin's ``/.well-known/oauth-authorization-server``."""


class OIDCDiscoveryView(_Amend, ConnectDiscoveryInfoView):
    """OpenID Connect Discovery, at ``/.well-known/openid-configuration``."""

    def amend(self, data: dict) -> dict:
        data = super().amend(data)
        from oauth2_provider.settings import oauth2_settings

        data["grant_types_supported"] = [
            g for g in oauth2_settings.OAUTH2_GRANT_TYPES_SUPPORTED if g not in ("implicit", "password")
        ]
        data["id_token_signing_alg_values_supported"] = _published_algorithms()
        data["prompt_values_supported"] = authparams.prompt_values_supported()
        data["claims_supported"] = sorted(data.get("claims_supported", []))
        data["claims_parameter_supported"] = True
        if oauth2_settings.OIDC_RP_INITIATED_LOGOUT_ENABLED:
            data["end_session_endpoint"] = absolute_url("oauth2_provider:rp-initiated-logout")
        # OpenID Connect Back-Channel Logout 1.0 §2.1 (server.backchannel); ID tokens
        # issued through a sign-in session carry its `sid`.
        data["backchannel_logout_supported"] = True
        data["backchannel_logout_session_supported"] = True
        data["frontchannel_logout_supported"] = False
        return data
