"""The device flow (RFC 8628): a user code is bound to the person who entered it and
cannot be guessed at leisure (catalogue C30, C36)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from oauth2_provider.models import get_access_token_model, get_application_model, get_device_grant_model

from oauth_jwt.models import ClientProfile, Consent

from ..admin.conftest import action
from ..conftest import Client, basic_auth, form_post, make_client, token_request

pytestmark = pytest.mark.django_db

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
Application = get_application_model()
DeviceGrant = get_device_grant_model()


def start(client, device_client):
    response = form_post(client, "/o/device-authorization/", {"client_id": device_client.client_id, "scope": "read"})
    assert response.status_code == 200
    return response.json()


def test_someone_else_cannot_approve_a_code_i_entered(client, user, other_user, device_client):
    grant = start(client, device_client)
    client.force_login(user)
    entered = client.post("/o/device/", {"user_code": grant["user_code"]})
    assert entered.status_code == 303
    intruder = HttpClient()
    intruder.force_login(other_user)
    assert intruder.get(entered["Location"]).status_code == 404
    assert intruder.post(entered["Location"], {"action": "accept"}).status_code == 404
    polled = token_request(client, device_client, grant_type=DEVICE_GRANT, device_code=grant["device_code"])
    assert polled.json()["error"] == "authorization_pending"


@pytest.mark.oauth_jwt_settings(CLIENT_AUTH_MAX_FAILURES=3)
def test_wrong_user_codes_are_throttled_per_person(client, user, other_user, device_client):
    grant = start(client, device_client)
    client.force_login(user)
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC"):
        assert client.post("/o/device/", {"user_code": guess}).status_code == 200
    refused = client.post("/o/device/", {"user_code": grant["user_code"]})  # even the right one
    assert refused.status_code == 429
    assert refused["Retry-After"] == "300"
    assert b"Too many wrong codes" in refused.content
    # Another person (another budget) can still enter it.
    other = HttpClient()
    other.force_login(other_user)
    assert other.post("/o/device/", {"user_code": grant["user_code"]}).status_code == 303


def test_user_codes_are_not_trivially_short(client, device_client):
    grant = start(client, device_client)
    assert len(grant["user_code"]) >= 8
    assert len(grant["device_code"]) >= 27


# --- the device code is bound to its client and redeemed once (RFC 8628 §3.4/3.5, RFC 6749 §5.2)


def approve(client, user, grant, action="accept"):
    """Sign in as ``user``, enter the user code and answer the confirmation page."""
    client.force_login(user)
    entered = client.post("/o/device/", {"user_code": grant["user_code"]})
    assert entered.status_code == 303, entered.content
    answered = client.post(entered["Location"], {"action": action})
    assert answered.status_code == 303, answered.content
    return answered


def redeem(client, device_client, grant):
    return token_request(client, device_client, grant_type=DEVICE_GRANT, device_code=grant["device_code"])


@pytest.fixture
def other_device_client(db):
    return make_client(Application.GRANT_DEVICE_CODE, Application.CLIENT_PUBLIC, name="Other TV app")


def test_only_the_client_it_was_issued_to_redeems_a_device_code(client, user, device_client, other_device_client):
    grant = start(client, device_client)
    stolen = redeem(client, other_device_client, grant)
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "invalid_grant"  # not even "authorization_pending"
    approve(client, user, grant)
    stolen = redeem(client, other_device_client, grant)
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.exists()
    # The rightful client still gets its token.
    assert redeem(client, device_client, grant).status_code == 200


def test_a_device_code_is_redeemed_once(client, user, device_client, api):
    grant = start(client, device_client)
    approve(client, user, grant)
    first = redeem(client, device_client, grant)
    assert first.status_code == 200
    again = redeem(client, device_client, grant)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert get_access_token_model().objects.count() == 1
    assert api(first.json()["access_token"]).status_code == 200


def test_an_unknown_device_code_is_invalid_grant(client, device_client):
    response = token_request(client, device_client, grant_type=DEVICE_GRANT, device_code="no-such-code")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_denied_device_code_answers_access_denied(client, user, device_client):
    grant = start(client, device_client)
    approve(client, user, grant, action="deny")
    assert redeem(client, device_client, grant).json()["error"] == "access_denied"


def test_device_grants_show_in_connected_apps(client, user, device_client):
    grant = start(client, device_client)
    approve(client, user, grant)
    assert redeem(client, device_client, grant).status_code == 200
    page = client.get("/accounts/apps/")
    assert [app.client_id for app in page.context["apps"]] == [device_client.client_id]
    assert "TV app" in page.content.decode()
    assert page.context["apps"][0].last_used_at is not None


def test_disconnect_kills_approved_and_pending_device_codes(client, user, device_client):
    approved = start(client, device_client)
    approve(client, user, approved)
    pending = start(client, device_client)
    client.force_login(user)
    entered = client.post("/o/device/", {"user_code": pending["user_code"]})
    disconnected = client.post("/accounts/apps/disconnect/", {"client_id": device_client.client_id})
    assert disconnected.status_code == 303
    assert redeem(client, device_client, approved).json()["error"] == "invalid_grant"
    # The person can no longer approve the code they had entered either.
    assert client.post(entered["Location"], {"action": "accept"}).status_code == 404
    assert redeem(client, device_client, pending).json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.exists()


def test_a_revoked_consent_stops_an_approved_device_code(client, admin_client, user, device_client):
    grant = start(client, device_client)
    approve(client, user, grant)
    consent = Consent.objects.get(user=user, client_id=device_client.client_id)
    action(admin_client, "/admin/oauth_jwt/consent/", "revoke", [consent.pk])
    assert redeem(client, device_client, grant).json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.exists()


def test_a_consent_gone_any_other_way_stops_it_too(client, user, device_client):
    """Consent rows can also go with their person's account or a client's deletion."""
    grant = start(client, device_client)
    approve(client, user, grant)
    Consent.objects.filter(user=user).delete()
    assert redeem(client, device_client, grant).json()["error"] == "invalid_grant"


# --- device authorization: only device clients, only their scopes (RFC 8628 §3.1, RFC 6749 §5.2)


def device_authorization(client, data, **headers):
    return form_post(client, "/o/device-authorization/", data, **headers)


def test_clients_not_registered_for_the_device_grant_are_unauthorized(client, web_client, public_client):
    for c in (web_client, public_client):
        headers = basic_auth(c) if c.secret else {}
        response = device_authorization(client, {"client_id": c.client_id, "scope": "read"}, **headers)
        assert response.status_code == 400, c
        assert response.json()["error"] == "unauthorized_client"
    assert not DeviceGrant.objects.exists()


@pytest.mark.parametrize("scope", ["nope", "read nope", "read " * 2000, "read\x00"])
def test_unknown_or_oversized_scopes_are_invalid_scope(client, device_client, scope):
    response = device_authorization(client, {"client_id": device_client.client_id, "scope": scope})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert not DeviceGrant.objects.exists()


def test_scopes_outside_the_clients_profile_are_invalid_scope(client, device_client):
    ClientProfile.objects.create(client_id=device_client.client_id, allowed_scopes=["read"])
    refused = device_authorization(client, {"client_id": device_client.client_id, "scope": "read write"})
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_scope"
    allowed = device_authorization(client, {"client_id": device_client.client_id, "scope": "read"})
    assert allowed.status_code == 200


@pytest.mark.oauth_jwt_settings(CLIENT_AUTH_MAX_FAILURES=3)
def test_device_authorization_throttles_client_authentication(client):
    tv = make_client(Application.GRANT_DEVICE_CODE, name="Confidential TV")
    wrong = {"HTTP_AUTHORIZATION": basic_auth(Client(tv.app, "wrong"))["HTTP_AUTHORIZATION"]}
    data = {"client_id": tv.client_id, "scope": "read"}
    for _ in range(3):
        assert device_authorization(client, data, **wrong).status_code == 401
    refused = device_authorization(client, data, **basic_auth(tv))  # even the right secret
    assert refused.status_code == 429
    assert refused["Retry-After"] == "300"
    assert not DeviceGrant.objects.exists()


def test_nothing_is_said_about_a_code_to_an_unknown_client(client, user, device_client):
    grant = start(client, device_client)
    approve(client, user, grant)
    for device_code in (grant["device_code"], "no-such-code"):
        response = form_post(
            client, "/o/token/", {"grant_type": DEVICE_GRANT, "client_id": "who-knows", "device_code": device_code}
        )
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize("data", [{}, {"device_code": ""}, {"device_code": "a\x00b"}])
def test_a_missing_or_malformed_device_code_is_an_oauth_error(client, device_client, data):
    response = token_request(client, device_client, grant_type=DEVICE_GRANT, **data)
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_request", "invalid_grant")


def test_the_last_person_to_enter_a_pending_code_answers_it(client, user, other_user, device_client):
    grant = start(client, device_client)
    client.force_login(user)
    mine = client.post("/o/device/", {"user_code": grant["user_code"]})
    other = HttpClient()
    other.force_login(other_user)
    theirs = other.post("/o/device/", {"user_code": grant["user_code"]})
    assert client.post(mine["Location"], {"action": "accept"}).status_code == 404
    assert other.post(theirs["Location"], {"action": "deny"}).status_code == 303
    assert redeem(client, device_client, grant).json()["error"] == "access_denied"


def test_a_client_cannot_start_a_device_flow_in_another_clients_name(client, device_client):
    """Basic credentials of one device client and the body's client_id of another: the
    grant would be issued to a client that never authenticated."""
    tv = make_client(Application.GRANT_DEVICE_CODE, name="Confidential TV")
    response = device_authorization(client, {"client_id": device_client.client_id, "scope": "read"}, **basic_auth(tv))
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("invalid_request", "invalid_client")
    assert not DeviceGrant.objects.exists()


def test_with_dots_own_device_loader_the_code_is_still_checked(client, user, device_client, provider):
    """A project that set DOT's loader in place of oauth_jwt's (check E040 says so) gets
    the same checks, not a 500: the hub loads the code itself when no hook did. (DOT's
    loader itself still fails on an unknown code, before any of oauth_jwt's code runs.)"""
    from oauth2_provider.utils import set_oauthlib_user_to_device_request_user

    provider(OAUTH_PRE_TOKEN_VALIDATION=[set_oauthlib_user_to_device_request_user])
    grant = start(client, device_client)
    approve(client, user, grant)
    response = redeem(client, device_client, grant)
    assert response.status_code == 200, response.content
    assert get_access_token_model().objects.get().user == user
