"""Authorization codes are single-use; refresh tokens rotate with reuse detection
(catalogue C15, C19, C20; RFC 9700 §4.2.4, §4.14.2)."""

from __future__ import annotations

import pytest
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

from oauth_jwt.models import RedeemedCode, RevokedToken
from oauth_jwt.resource.verify import verify_access_token
from oauth_jwt.server import signing_keys
from oauth_jwt.server.denylist_writer import is_revoked

from ..conftest import REDIRECT_URI, authorize, pkce_pair, redirect_params, refresh, token_request

pytestmark = pytest.mark.django_db


def issue_code(client, user, c):
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, c, challenge=challenge))["code"]
    return code, verifier


def redeem(client, c, code, verifier, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    data.update(extra)
    return token_request(client, c, **data)


def assert_dead(api, access_token):
    """Refused at the resource server and on the denylist."""
    assert api(access_token).status_code == 401
    _, claims = verify_access_token(access_token, signing_keys.public_key)
    assert RevokedToken.objects.filter(jti=claims["jti"]).exists()
    assert is_revoked(claims["jti"], "")


def test_second_redemption_is_refused_and_revokes_what_the_first_issued(client, user, web_client, api):
    code, verifier = issue_code(client, user, web_client)
    first = redeem(client, web_client, code, verifier)
    assert first.status_code == 200, first.content
    tokens = first.json()
    assert api(tokens["access_token"]).status_code == 200

    second = redeem(client, web_client, code, verifier)
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    assert "access_token" not in second.json()

    assert_dead(api, tokens["access_token"])
    assert refresh(client, web_client, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert RedeemedCode.objects.get().replayed_at is not None


def test_replay_also_revokes_tokens_refreshed_from_the_code(client, user, web_client, api):
    code, verifier = issue_code(client, user, web_client)
    tokens = redeem(client, web_client, code, verifier).json()
    newer = refresh(client, web_client, tokens["refresh_token"]).json()
    assert api(newer["access_token"]).status_code == 200

    assert redeem(client, web_client, code, verifier).status_code == 400
    assert_dead(api, newer["access_token"])
    assert refresh(client, web_client, newer["refresh_token"]).status_code == 400


def test_the_code_is_consumed_before_tokens_exist(client, user, web_client):
    """The tombstone is written when the code is presented: a redemption that fails
    later (here: the verifier) has still used the code up."""
    code, verifier = issue_code(client, user, web_client)
    failed = redeem(client, web_client, code, "x" * 43)
    assert failed.json()["error"] == "invalid_grant"
    assert RedeemedCode.objects.filter(client_id=web_client.client_id).exists()
    assert get_access_token_model().objects.count() == 0
    assert redeem(client, web_client, code, verifier).json()["error"] == "invalid_grant"


def test_another_clients_code_is_refused_and_burnt(client, user, web_client):
    from ..conftest import make_client

    other = make_client("authorization-code", name="Other")
    code, verifier = issue_code(client, user, web_client)
    stolen = redeem(client, other, code, verifier)
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert redeem(client, web_client, code, verifier).json()["error"] == "invalid_grant"


def test_unknown_code_writes_nothing(client, web_client):
    response = redeem(client, web_client, "no-such-code", "v" * 43)
    assert response.json()["error"] == "invalid_grant"
    assert not RedeemedCode.objects.exists()


def test_expired_code_is_refused(client, user, web_client):
    code, verifier = issue_code(client, user, web_client)
    from datetime import timedelta

    from django.utils import timezone

    get_grant_model().objects.filter(code=code).update(expires=timezone.now() - timedelta(seconds=1))
    assert redeem(client, web_client, code, verifier).json()["error"] == "invalid_grant"


def test_refresh_token_reuse_revokes_the_whole_family(client, user, web_client, api):
    code, verifier = issue_code(client, user, web_client)
    r1 = redeem(client, web_client, code, verifier).json()
    r2 = refresh(client, web_client, r1["refresh_token"]).json()
    r3 = refresh(client, web_client, r2["refresh_token"]).json()
    assert api(r3["access_token"]).status_code == 200

    replay = refresh(client, web_client, r1["refresh_token"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"

    assert_dead(api, r3["access_token"])  # the newest access token dies with the family
    assert refresh(client, web_client, r3["refresh_token"]).json()["error"] == "invalid_grant"
    assert not get_refresh_token_model().objects.filter(revoked__isnull=True).exists()
    assert not get_access_token_model().objects.exists()


def test_a_revoked_refresh_token_is_dead_at_once(client, user, web_client):
    code, verifier = issue_code(client, user, web_client)
    tokens = redeem(client, web_client, code, verifier).json()
    from ..conftest import basic_auth, form_post

    revoked = form_post(
        client,
        "/o/revoke_token/",
        {"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        **basic_auth(web_client),
    )
    assert revoked.status_code == 200
    assert refresh(client, web_client, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_refresh_token_of_another_client_is_refused(client, user, web_client):
    from ..conftest import make_client

    other = make_client("authorization-code", name="Other")
    code, verifier = issue_code(client, user, web_client)
    tokens = redeem(client, web_client, code, verifier).json()
    assert refresh(client, other, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_revoking_a_rotated_away_refresh_token_revokes_its_grant(client, user, web_client, api):
    """RFC 7009 §2.1: the old refresh token names the same grant as the live pair."""
    from ..conftest import basic_auth, form_post

    code, verifier = issue_code(client, user, web_client)
    first = redeem(client, web_client, code, verifier).json()
    newest = refresh(client, web_client, first["refresh_token"]).json()
    revoked = form_post(client, "/o/revoke_token/", {"token": first["refresh_token"]}, **basic_auth(web_client))
    assert revoked.status_code == 200
    assert_dead(api, newest["access_token"])
    assert refresh(client, web_client, newest["refresh_token"]).json()["error"] == "invalid_grant"


def test_revoking_another_clients_refresh_token_does_nothing(client, user, web_client, api):
    from ..conftest import basic_auth, form_post, make_client

    other = make_client("authorization-code", name="Other")
    code, verifier = issue_code(client, user, web_client)
    tokens = redeem(client, web_client, code, verifier).json()
    assert (
        form_post(client, "/o/revoke_token/", {"token": tokens["refresh_token"]}, **basic_auth(other)).status_code
        == 200
    )
    assert api(tokens["access_token"]).status_code == 200
    assert refresh(client, web_client, tokens["refresh_token"]).status_code == 200
