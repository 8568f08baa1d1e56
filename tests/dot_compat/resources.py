"""DOT's own resource classes (and oauth_jwt's), wired as a DOT project would."""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from oauth2_provider.backends import OAuth2Backend
from oauth2_provider.contrib.ninja import HttpOAuth2
from oauth2_provider.contrib.rest_framework import OAuth2Authentication, TokenHasScope
from oauth2_provider.decorators import protected_resource
from oauth2_provider.views import IntrospectTokenView, ProtectedResourceView
from oauthlib.openid import Server as OIDCServer
from rest_framework.response import Response
from rest_framework.views import APIView

from oauth_jwt.resource.decorators import accept_token, require_token
from oauth_jwt.resource.rest_framework import JWTAuthentication
from oauth_jwt.server.validator import JWTOAuth2Validator


def describe(token, user) -> dict:
    """What a DOT project reads from ``request.access_token`` / ``request.auth``."""
    return {
        "scope": token.scope,
        "valid": token.is_valid(["read"]),
        "expired": token.is_expired(),
        "allows_write": token.allow_scopes(["write"]),
        "client_id": token.application.client_id,
        "user": token.user.get_username() if token.user else None,
        "request_user": user.get_username() if user is not None and user.is_authenticated else None,
    }


class DRFView(APIView):
    authentication_classes = [OAuth2Authentication]
    permission_classes = [TokenHasScope]
    required_scopes = ["read"]

    def get(self, request):
        return Response(describe(request.auth, request.user))


class DRFScopeOnlyView(DRFView):
    """Reads only what the token itself says: the stateless path."""

    def get(self, request):
        token = request.auth
        return Response({"scope": token.scope, "valid": token.is_valid(["read"]), "expired": token.is_expired()})


class DRFRevokeView(DRFView):
    def post(self, request):
        request.auth.revoke()
        return Response({"revoked": True})


class OwnDRFView(DRFView):
    authentication_classes = [JWTAuthentication]


class OwnDRFRevokeView(DRFRevokeView):
    authentication_classes = [JWTAuthentication]


class ProtectedView(ProtectedResourceView):
    """DOT puts only ``resource_owner`` on the request; the scopes come from oauthlib."""

    def get(self, request):
        owner = request.resource_owner
        return JsonResponse({"request_user": owner.get_username() if owner is not None else None})


@protected_resource(scopes=["read"], validator_cls=JWTOAuth2Validator, server_cls=OIDCServer)
def decorated_view(request):
    return JsonResponse({"ok": True})


def backend_view(request):
    user = OAuth2Backend().authenticate(request=request)
    return JsonResponse({"user": user.get_username() if user else None})


def middleware_view(request):
    user = request.user
    return JsonResponse({"user": user.get_username() if user.is_authenticated else None})


@require_token(scopes=["read"])
def own_decorated_view(request):
    return JsonResponse(describe(request.auth, request.user))


@accept_token
def own_middleware_view(request):
    return JsonResponse({"scope": request.auth.scope if request.auth else None})


ninja_api = NinjaAPI(urls_namespace="dot-compat-ninja", auth=HttpOAuth2(scopes=["read"]))


@ninja_api.get("/me")
def ninja_me(request):
    return describe(request.auth, request.user)


resource_patterns = [
    path("dot/drf", DRFView.as_view()),
    path("dot/drf-scope", DRFScopeOnlyView.as_view()),
    path("dot/drf-revoke", DRFRevokeView.as_view()),
    path("dot/protected", ProtectedView.as_view()),
    path("dot/backend", backend_view),
    path("dot/decorated", decorated_view),
    path("dot/middleware", middleware_view),
    path("dot/introspect", csrf_exempt(IntrospectTokenView.as_view())),
    path("dot/ninja/", ninja_api.urls),
    path("own/drf", OwnDRFView.as_view()),
    path("own/drf-revoke", OwnDRFRevokeView.as_view()),
    path("own/decorated", own_decorated_view),
    path("own/middleware", own_middleware_view),
]
