"""A token request reads the client's profile once; outside requests nothing is kept."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oauth_jwt.models import ClientProfile
from oauth_jwt.server import client_policy

from .conftest import client_credentials_token

pytestmark = pytest.mark.django_db


def test_a_token_request_reads_the_profile_once(client, service_client):
    ClientProfile.objects.create(client_id=service_client.client_id, allowed_scopes=["read"], access_token_lifetime=120)
    with CaptureQueriesContext(connection) as queries:
        body = client_credentials_token(client, service_client, scope="read")
    assert body["expires_in"] == 120
    reads = [q for q in queries.captured_queries if 'FROM "oauth_jwt_clientprofile"' in q["sql"]]
    assert len(reads) == 1


def test_outside_a_request_every_call_sees_the_latest_row(service_client):
    profile = ClientProfile.objects.create(client_id=service_client.client_id, allowed_scopes=["read"])
    assert client_policy.allowed_scopes(service_client.client_id) == frozenset({"read"})
    profile.allowed_scopes = ["read", "write"]
    profile.save()
    assert client_policy.allowed_scopes(service_client.client_id) == frozenset({"read", "write"})


def test_each_request_sees_the_latest_row(client, service_client):
    profile = ClientProfile.objects.create(client_id=service_client.client_id, access_token_lifetime=120)
    assert client_credentials_token(client, service_client)["expires_in"] == 120
    profile.access_token_lifetime = 300
    profile.save()
    assert client_credentials_token(client, service_client)["expires_in"] == 300
