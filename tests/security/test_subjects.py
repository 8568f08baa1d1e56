"""A client id is never something a person's ``sub`` could be, so a client-credentials
token (``sub`` = its client id) never reads as a person to a resource server that looks
at ``sub`` alone (RFC 9068 §5; issue 11)."""

from __future__ import annotations

import pytest
from oauth2_provider.models import get_application_model

from ..conftest import basic_auth, form_post, make_client, token_request

pytestmark = pytest.mark.django_db
Application = get_application_model()


def test_a_client_whose_id_is_a_persons_sub_cannot_get_tokens(client, user):
    clash = make_client(Application.GRANT_CLIENT_CREDENTIALS, client_id=str(user.pk))
    response = token_request(client, clash, grant_type="client_credentials", scope="read")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert form_post(client, "/o/introspect/", {"token": "x"}, **basic_auth(clash)).status_code == 401


@pytest.mark.parametrize("client_id", ["7", "123456789"])
def test_a_client_id_any_person_could_have_is_refused_before_the_person_exists(client, db, client_id):
    clash = make_client(Application.GRANT_CLIENT_CREDENTIALS, client_id=client_id)
    assert token_request(client, clash, grant_type="client_credentials").status_code == 401


def test_other_client_ids_work(client, db):
    c = make_client(Application.GRANT_CLIENT_CREDENTIALS, client_id="007-billing")
    response = token_request(client, c, grant_type="client_credentials", scope="read")
    assert response.status_code == 200
    assert response.json()["access_token"]


def test_the_admin_refuses_such_a_client_id(admin_client):
    data = {
        "name": "Clash",
        "client_id": "42",
        "user": "",
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS,
        "redirect_uris": "",
        "post_logout_redirect_uris": "",
        "allowed_origins": "",
        "algorithm": "",
        "access_token_lifetime": "",
        "homepage": "",
        "logo_uri": "",
    }
    response = admin_client.post("/admin/oauth2_provider/application/add/", data)
    assert response.status_code == 200
    assert "client_id" in response.context["adminform"].form.errors
    assert not Application.objects.filter(client_id="42").exists()
