"""OIDC RP-initiated logout with an ``id_token_hint``: DOT's view checks the hint
against the hub's signing keys (the ones that signed it), never answers 500."""

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from oauth2_provider.models import get_access_token_model

from .conftest import code_flow_token

pytestmark = pytest.mark.django_db
LOGGED_OUT = "http://127.0.0.1:8765/logged-out"


@pytest.fixture
def id_token(client, user, web_client, provider):
    provider(OIDC_RP_INITIATED_LOGOUT_ENABLED=True, OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT=False)
    web_client.app.post_logout_redirect_uris = LOGGED_OUT
    web_client.app.save()
    return code_flow_token(client, user, web_client, scope="openid read", nonce="n-0S6")["id_token"]


def test_a_hint_signed_by_the_hub_logs_the_person_out(client, user, web_client, id_token):
    response = client.get("/o/logout/", {"id_token_hint": id_token, "post_logout_redirect_uri": LOGGED_OUT})
    assert response.status_code == 302, response.content
    assert response["Location"] == LOGGED_OUT
    assert "_auth_user_id" not in client.session
    assert not get_access_token_model().objects.filter(user=user).exists()


def test_a_hint_signed_by_another_key_is_refused(client, user, web_client, id_token):
    claims = jwt.decode(id_token, options={"verify_signature": False})
    header = jwt.get_unverified_header(id_token)
    forged = jwt.encode(claims, rsa.generate_private_key(65537, 2048), algorithm="RS256", headers=header)
    response = client.get("/o/logout/", {"id_token_hint": forged, "post_logout_redirect_uri": LOGGED_OUT})
    assert response.status_code == 400
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("hint", ["not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.e30."])
def test_a_malformed_hint_is_refused(client, user, web_client, id_token, hint):
    response = client.get("/o/logout/", {"id_token_hint": hint, "post_logout_redirect_uri": LOGGED_OUT})
    assert response.status_code == 400
