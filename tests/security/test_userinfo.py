"""OIDC UserInfo takes a person's access token from the Authorization header only, as
``/api/me`` does (RFC 6750 §2.3, RFC 9700 §4.3.2; issue 11)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from ..conftest import bearer, code_flow_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_token(client, user, web_client) -> str:
    return code_flow_token(client, user, web_client, scope="openid read")["access_token"]


def test_userinfo_answers_with_the_token_in_the_header(client, user, person_token):
    response = client.get("/o/userinfo/", **bearer(person_token))
    assert response.status_code == 200, response.content
    assert response.json()["sub"] == str(user.pk)


def test_userinfo_refuses_the_token_in_the_query(client, person_token):
    response = client.get("/o/userinfo/?" + urlencode({"access_token": person_token}))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert "sub" not in response.json()


def test_userinfo_refuses_the_token_in_a_form_body(client, person_token):
    response = client.post(
        "/o/userinfo/", urlencode({"access_token": person_token}), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 401
    assert "sub" not in response.json()


def test_userinfo_without_a_token_is_a_bare_challenge(client):
    response = client.get("/o/userinfo/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "error=" not in response["WWW-Authenticate"]
