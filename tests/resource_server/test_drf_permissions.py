"""HasScope / TokenHasScope without DOT's DRF contrib (in process, against the hub's keys)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from oauth_jwt.resource.rest_framework import HasScope, JWTAuthentication, TokenHasScope

from ..conftest import bearer, client_credentials_token


class Dynamic(APIView):
    authentication_classes = [JWTAuthentication]
    permission_classes = [TokenHasScope]

    def get_required_scopes(self):
        return ["write"]

    def get(self, request):
        return Response({"ok": True})


class Unconfigured(Dynamic):
    def get_required_scopes(self):
        return []


class Both(APIView):
    authentication_classes = [JWTAuthentication]
    permission_classes = [AllowAny & HasScope("read", "write")]

    def get(self, request):
        return Response({"ok": True})


def call(view, token):
    return view.as_view()(APIRequestFactory().get("/", **bearer(token)))


def test_get_required_scopes_is_honoured(client, service_client):
    read = client_credentials_token(client, service_client, scope="read")["access_token"]
    write = client_credentials_token(client, service_client, scope="write")["access_token"]
    refused = call(Dynamic, read)
    assert refused.status_code == 403 and 'scope="write"' in refused["WWW-Authenticate"]
    assert call(Dynamic, write).status_code == 200


def test_has_scope_composes_with_drf_permission_classes(client, service_client):
    write = client_credentials_token(client, service_client, scope="write")["access_token"]
    both = client_credentials_token(client, service_client, scope="read write")["access_token"]
    refused = call(Both, write)
    assert refused.status_code == 403 and 'scope="read write"' in refused["WWW-Authenticate"]
    assert call(Both, both).status_code == 200


def test_misconfigurations_are_loud(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    with pytest.raises(ImproperlyConfigured):
        call(Unconfigured, token)
    with pytest.raises(ValueError):
        HasScope()
