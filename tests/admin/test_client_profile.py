"""The client's whole policy on its admin page, and only the grants the hub serves."""

from __future__ import annotations

import pytest

from oauth_jwt.models import ClientProfile
from tests.admin.test_clients import ADD, CHANGELIST, client_form, shown_secret
from tests.conftest import Application

pytestmark = pytest.mark.django_db


def test_resources_and_audience_are_edited_on_the_client_page(admin_client):
    data = client_form(
        client_id="reports-rs",
        default_audience="https://reports.example.com/api/",
        allowed_resources="https://reports.example.com/api/\nhttps://files.example.com/",
        served_resources="https://reports.example.com/api/",
    )
    assert admin_client.post(ADD, data).status_code == 200  # the secret page
    profile = ClientProfile.objects.get(client_id="reports-rs")
    assert profile.default_audience == "https://reports.example.com/api/"
    assert profile.allowed_resources == ["https://files.example.com/", "https://reports.example.com/api/"]
    assert profile.served_resources == ["https://reports.example.com/api/"]
    app = Application.objects.get(client_id="reports-rs")
    page = admin_client.get(f"{CHANGELIST}{app.pk}/change/").content.decode()
    assert "https://files.example.com/" in page and 'name="served_resources"' in page


def test_a_resource_must_be_an_absolute_uri_without_fragment(admin_client):
    response = admin_client.post(ADD, client_form(allowed_resources="reports\nhttps://x.example/#f\nhttp://[bad"))
    assert response.status_code == 200
    assert len(response.context["adminform"].form.errors["allowed_resources"]) == 3
    assert not Application.objects.filter(client_id="billing").exists()


def test_only_the_grants_the_hub_serves_are_offered(admin_client):
    form = admin_client.get(ADD).context["adminform"].form
    offered = {value for value, _ in form.fields["authorization_grant_type"].choices if value}
    assert offered == {
        Application.GRANT_AUTHORIZATION_CODE,
        Application.GRANT_CLIENT_CREDENTIALS,
        Application.GRANT_DEVICE_CODE,
    }
    for refused in (Application.GRANT_IMPLICIT, Application.GRANT_PASSWORD, Application.GRANT_OPENID_HYBRID):
        response = admin_client.post(ADD, client_form(authorization_grant_type=refused))
        assert response.context["adminform"].form.errors["authorization_grant_type"]
    assert not Application.objects.exists()


def test_dpop_required_ticked_on_the_client_page_binds_its_tokens(admin_client, client):
    """Issue 17: per-client "DPoP required" from the admin, through to the token endpoint."""
    import base64

    from tests.conftest import form_post
    from tests.dpop_client import TOKEN_URL, DPoPKey

    secret = shown_secret(admin_client.post(ADD, client_form(client_id="dpop-svc", dpop_required="on")))
    assert ClientProfile.objects.get(client_id="dpop-svc").dpop_required is True
    app = Application.objects.get(client_id="dpop-svc")
    field = admin_client.get(f"{CHANGELIST}{app.pk}/change/").content.decode().split('name="dpop_required"')[1]
    assert "checked" in field.split(">")[0]
    auth = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"dpop-svc:{secret}".encode()).decode()}
    grant = {"grant_type": "client_credentials", "scope": "read"}
    refused = form_post(client, "/o/token/", grant, **auth)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_dpop_proof"
    bound = form_post(client, "/o/token/", grant, HTTP_DPOP=DPoPKey().proof("POST", TOKEN_URL), **auth)
    assert bound.status_code == 200 and bound.json()["token_type"] == "DPoP"
