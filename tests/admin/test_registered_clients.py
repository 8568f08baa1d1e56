"""Clients that registered themselves (RFC 7591) in the admin: found by the filters,
vetted or removed by staff; what they supplied is shown as text."""

from __future__ import annotations

import json

import pytest

from oauth_jwt.models import ClientProfile, ClientRegistration
from tests.admin.conftest import action
from tests.conftest import REDIRECT_URI, Application

pytestmark = [pytest.mark.django_db, pytest.mark.oauth_jwt_settings(REGISTRATION="open", REGISTRATION_SCOPES=["read"])]

CHANGELIST = "/admin/oauth2_provider/application/"
NAME = '<img src=x onerror="alert(1)">Agent'


def register(client) -> str:
    body = {"client_name": NAME, "redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "none"}
    response = client.post("/o/register/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["client_id"]


def consent_page(client, user, client_id):
    client.force_login(user)
    return client.get(
        "/o/authorize/",
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "read",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        },
    )


def test_staff_find_unvetted_registered_clients_and_vet_them(admin_client, client, user, web_client):
    client_id = register(client)
    app = Application.objects.get(client_id=client_id)
    listed = admin_client.get(CHANGELIST, {"vetted": "no", "registration_source": "dcr"})
    assert [a.pk for a in listed.context["cl"].result_list] == [app.pk]
    assert NAME not in listed.content.decode() and "&lt;img src=x" in listed.content.decode()
    page = consent_page(client, user, client_id)
    assert "Not vetted." in page.content.decode() and NAME not in page.content.decode()

    action(admin_client, CHANGELIST, "vet", [app.pk])
    assert ClientProfile.objects.get(client_id=client_id).vetted
    assert "Not vetted." not in consent_page(client, user, client_id).content.decode()
    assert [a.pk for a in admin_client.get(CHANGELIST, {"vetted": "yes"}).context["cl"].result_list] == [app.pk]

    action(admin_client, CHANGELIST, "unvet", [app.pk])
    assert not ClientProfile.objects.get(client_id=client_id).vetted


def test_staff_remove_a_registered_client(admin_client, client):
    client_id = register(client)
    app = Application.objects.get(client_id=client_id)
    response = action(admin_client, CHANGELIST, "delete_selected", [app.pk], post="yes")
    assert response.status_code == 302
    assert not Application.objects.filter(client_id=client_id).exists()
    assert not ClientRegistration.objects.exists() and not ClientProfile.objects.exists()
