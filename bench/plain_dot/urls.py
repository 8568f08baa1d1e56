from django.urls import include, path
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from bench.views import bare


class HasToken(BasePermission):
    def has_permission(self, request, view):
        return request.auth is not None


class MeView(APIView):
    """The same answer as authhub's /api/me, from DOT's token row."""

    permission_classes = [HasToken]

    def get(self, request):
        token = request.auth
        client_id = token.application.client_id
        sub = str(token.user_id) if token.user_id else client_id
        return Response({"client_id": client_id, "scope": sorted(token.scope.split()), "sub": sub})


urlpatterns = [
    path("bench/bare", bare),
    path("api/me", MeView.as_view()),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
