"""authhub's demo API, protected by oauth_jwt's DRF authentication class."""

from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView


class HasValidToken(BasePermission):
    """Any verified access token, a person's or a client's."""

    def has_permission(self, request, view):
        return request.auth is not None


class MeView(APIView):
    """Who the token speaks for, and what it may do."""

    permission_classes = [HasValidToken]

    def get(self, request):
        token = request.auth
        body = {"client_id": token.client_id, "scope": sorted(token.scopes), "sub": token.sub}
        if token.is_client_token:
            body["client"] = token.client_id
        else:
            body["username"] = request.user.get_username()
        return Response(body)
