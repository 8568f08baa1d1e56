"""A deactivated account or a changed password ends the person's tokens at once: the
access tokens are denylisted (``/api/me`` answers 401, introspection says inactive) and
the refresh tokens are refused with ``invalid_grant`` (RFC 6749 §5.2, RFC 9700 §4.14;
issue 11)."""

from __future__ import annotations

import pytest
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from ..conftest import PASSWORD, basic_auth, code_flow_token, form_post, refresh

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


def introspected(client, c, token: str) -> dict:
    response = form_post(client, "/o/introspect/", {"token": token}, **basic_auth(c))
    assert response.status_code == 200
    return response.json()


def assert_revoked(client, api, c, tokens: dict) -> None:
    assert api(tokens["access_token"]).status_code == 401
    assert introspected(client, c, tokens["access_token"])["active"] is False
    response = refresh(client, c, tokens["refresh_token"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_deactivation_revokes_access_and_refresh_tokens(client, api, user, web_client):
    tokens = code_flow_token(client, user, web_client)
    assert api(tokens["access_token"]).status_code == 200
    user.is_active = False
    user.save()
    assert_revoked(client, api, web_client, tokens)
    assert not get_access_token_model().objects.filter(user=user).exists()
    assert not get_refresh_token_model().objects.filter(user=user, revoked__isnull=True).exists()


def test_a_refresh_in_flight_for_a_deactivated_account_is_refused(client, django_user_model, user, web_client):
    tokens = code_flow_token(client, user, web_client)
    # A bulk update sends no signal: the refresh itself still checks the account.
    django_user_model.objects.filter(pk=user.pk).update(is_active=False)
    response = refresh(client, web_client, tokens["refresh_token"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_saving_an_active_account_revokes_nothing(client, api, user, web_client):
    tokens = code_flow_token(client, user, web_client)
    user.first_name = "Alice"
    user.save()
    assert api(tokens["access_token"]).status_code == 200
    assert refresh(client, web_client, tokens["refresh_token"]).status_code == 200


def test_staff_setting_a_password_in_the_admin_revokes_the_persons_tokens(client, api, user, staff_user, web_client):
    tokens = code_flow_token(client, user, web_client)
    client.force_login(staff_user)
    response = client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    assert_revoked(client, api, web_client, tokens)


def test_changing_ones_own_password_revokes_tokens_but_keeps_that_session(client, api, staff_user, web_client):
    tokens = code_flow_token(client, staff_user, web_client)
    client.force_login(staff_user)
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content
    # Django keeps the session that made the change (update_session_auth_hash)...
    assert client.get("/admin/").status_code == 200
    # ...but every token goes.
    assert_revoked(client, api, web_client, tokens)


def test_a_sign_in_does_not_revoke_tokens(client, api, user, web_client):
    tokens = code_flow_token(client, user, web_client)
    client.logout()
    signed_in = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert api(tokens["access_token"]).status_code == 200


@pytest.mark.parametrize("how", ["save", "bulk_update"])
def test_an_approved_device_code_of_a_deactivated_account_yields_nothing(
    client, django_user_model, user, device_client, how
):
    from .test_device import approve, redeem, start

    grant = start(client, device_client)
    approve(client, user, grant)
    if how == "save":
        user.is_active = False
        user.save()
    else:
        django_user_model.objects.filter(pk=user.pk).update(is_active=False)
    response = redeem(client, device_client, grant)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.filter(user=user).exists()
