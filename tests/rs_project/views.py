"""Two protected endpoints, one per style: a DRF view and a plain Django view."""

from __future__ import annotations

from django.http import JsonResponse
from rest_framework.response import Response
from rest_framework.views import APIView

from oauth_jwt.resource.decorators import require_token
from oauth_jwt.resource.rest_framework import HasScope, TokenHasScope


def _describe(request) -> dict:
    return {"claims": request.auth.claims, "user": str(request.user), "scopes": sorted(request.auth.scopes)}


class ClaimsView(APIView):
    permission_classes = [HasScope("read")]

    def get(self, request):
        return Response(_describe(request))


class WriteView(APIView):
    permission_classes = [TokenHasScope]
    required_scopes = ["write"]

    def post(self, request):
        return Response(_describe(request))


@require_token(scopes=["read"])
def plain_claims(request):
    return JsonResponse(_describe(request))


@require_token(scopes=["write"])
def plain_write(request):
    return JsonResponse(_describe(request))
