"""Clients in the admin: the list, a secret shown once, rotation, strict redirect URIs,
and the per-client policy the token and authorize endpoints enforce."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta

import jwt
import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from oauth_jwt.models import ClientProfile
from oauth_jwt.server import signing_keys
from tests.admin.conftest import action, assert_not_logged
from tests.conftest import (
    REDIRECT_URI,
    Application,
    Client,
    authorize_query,
    basic_auth,
    client_credentials_token,
    code_flow_token,
    form_post,
    make_client,
    redirect_params,
    refresh,
    token_request,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/oauth2_provider/application/"
ADD = CHANGELIST + "add/"


def client_form(**overrides) -> dict:
    data = {
        "name": "Billing",
        "client_id": "billing",
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
    data.update(overrides)
    return data


def shown_secret(response) -> str:
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.context["issued"][0][1]


def test_list_shows_the_columns_and_searches_by_name_and_client_id(admin_client, service_client, web_client):
    for _ in range(3):
        client_credentials_token(admin_client, service_client)
    _live, revoked, expired = get_access_token_model().objects.order_by("pk")
    revoked.revoke()
    get_access_token_model().objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(seconds=1))
    ClientProfile.objects.create(client_id=service_client.client_id, vetted=True)
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    for header in ("Name", "Client id", "Client type", "Authorization grant type", "User", "Vetted", "Active tokens"):
        assert header.lower() in html.lower()
    row = next(r for r in response.context["cl"].result_list if r.pk == service_client.app.pk)
    assert row._active_tokens == 1 and row._vetted is True
    other = next(r for r in response.context["cl"].result_list if r.pk == web_client.app.pk)
    assert other._active_tokens == 0 and other._vetted is False

    by_id = admin_client.get(CHANGELIST, {"q": service_client.client_id})
    assert [a.pk for a in by_id.context["cl"].result_list] == [service_client.app.pk]
    by_name = admin_client.get(CHANGELIST, {"q": "Web app"})
    assert [a.pk for a in by_name.context["cl"].result_list] == [web_client.app.pk]


def test_creating_a_confidential_client_shows_its_secret_once_and_it_works(admin_client, caplog):
    caplog.set_level(logging.INFO)
    response = admin_client.post(ADD, client_form(client_secret="chosen-by-staff", hash_client_secret=""))
    secret = shown_secret(response)
    assert secret != "chosen-by-staff" and len(secret) >= 40
    app = Application.objects.get(client_id="billing")
    assert app.client_secret != secret and app.hash_client_secret  # stored hashed
    assert LogEntry.objects.filter(object_id=str(app.pk), action_flag=1).exists()
    client_credentials_token(admin_client, Client(app, secret))

    change = admin_client.get(f"{CHANGELIST}{app.pk}/change/").content.decode()
    assert secret not in change and app.client_secret not in change
    assert 'name="client_secret"' not in change and "hash_client_secret" not in change
    assert_not_logged(caplog, secret)
    assert any(getattr(r, "event", "") == "client.secret_issued" for r in caplog.records)


def test_public_clients_get_no_secret(admin_client):
    form = client_form(
        client_id="native",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URI,
    )
    response = admin_client.post(ADD, form)
    assert response.status_code == 302
    assert Application.objects.get(client_id="native").client_secret == ""


def test_rotating_the_secret_shows_the_new_one_once(admin_client, service_client, caplog):
    caplog.set_level(logging.INFO)
    response = action(admin_client, CHANGELIST, "rotate_secret", [service_client.app.pk])
    secret = shown_secret(response)
    assert token_request(admin_client, service_client, grant_type="client_credentials").status_code == 401
    client_credentials_token(admin_client, Client(service_client.app, secret))
    entry = LogEntry.objects.get(object_id=str(service_client.app.pk), action_flag=CHANGE)
    assert "Rotated the client secret" in entry.get_change_message()
    assert [r.client_id for r in caplog.records if getattr(r, "event", "") == "client.secret_rotated"] == [
        service_client.client_id
    ]
    assert_not_logged(caplog, secret, service_client.secret)
    assert admin_client.get(CHANGELIST).content.decode().count(secret) == 0


def test_rotating_a_public_client_is_refused_with_a_message(admin_client, public_client):
    response = action(admin_client, CHANGELIST, "rotate_secret", [public_client.app.pk], follow=True)
    assert "Only confidential clients" in response.content.decode()


@pytest.mark.parametrize(
    ("uri", "code"),
    [
        ("/callback", "relative"),
        ("https://app.example.com/cb#frag", "fragment"),
        ("http://app.example.com/cb", "insecure"),
        ("ftp://app.example.com/cb", "insecure"),
        ("https://[::1/cb", "invalid"),
    ],
)
def test_bad_redirect_uris_are_refused_with_a_clear_error(admin_client, uri, code):
    form = client_form(authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, redirect_uris=uri)
    response = admin_client.post(ADD, form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()["redirect_uris"]
    assert [e.code for e in errors] == [code]  # and not DOT's "cannot be empty" besides
    assert uri in str(errors[0].message % errors[0].params)
    assert not Application.objects.filter(client_id="billing").exists()


@pytest.mark.parametrize(
    "uri",
    ["https://app.example.com/cb", "http://127.0.0.1:8765/cb", "http://[::1]/cb", "http://localhost:3000/cb"],
)
def test_https_and_loopback_redirect_uris_are_accepted(admin_client, uri):
    form = client_form(authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, redirect_uris=uri)
    assert admin_client.post(ADD, form).status_code == 200  # the secret page
    assert Application.objects.get(client_id="billing").redirect_uris == uri


def test_an_address_typed_without_a_scheme_is_read_as_https(admin_client, web_client):
    form = client_form(
        name="Web app",
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URI,
        homepage="web.example.com",
        logo_uri="http://127.0.0.1:8000/logo.png",
    )
    del form["client_id"]
    response = admin_client.post(f"{CHANGELIST}{web_client.app.pk}/change/", form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile = ClientProfile.objects.get(client_id=web_client.client_id)
    assert (profile.homepage, profile.logo_uri) == ("https://web.example.com", "http://127.0.0.1:8000/logo.png")


def test_the_client_page_edits_the_profile(admin_client, web_client):
    url = f"{CHANGELIST}{web_client.app.pk}/change/"
    form = client_form(
        name="Web app",
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URI,
        vetted="on",
        allowed_scopes=["read", "openid"],
        access_token_lifetime="120",
        homepage="https://web.example.com",
        logo_uri="https://web.example.com/logo.png",
    )
    del form["client_id"]
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile = ClientProfile.objects.get(client_id=web_client.client_id)
    assert profile.vetted and profile.allowed_scopes == ["openid", "read"]
    assert profile.access_token_lifetime == 120 and profile.homepage == "https://web.example.com"
    page = admin_client.get(url).content.decode()
    assert 'value="120"' in page and "https://web.example.com/logo.png" in page
    list_row = admin_client.get(CHANGELIST).context["cl"].result_list[0]
    assert list_row._vetted is True


def test_allowed_scopes_are_enforced_at_the_token_endpoint(client, service_client):
    ClientProfile.objects.create(client_id=service_client.client_id, allowed_scopes=["read"])
    assert client_credentials_token(client, service_client, scope="read")["scope"] == "read"
    refused = token_request(client, service_client, grant_type="client_credentials", scope="read write")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"


def test_a_client_without_a_list_may_ask_for_every_scope(client, service_client):
    ClientProfile.objects.create(client_id=service_client.client_id, allowed_scopes=[])
    assert client_credentials_token(client, service_client, scope="read write")["scope"] == "read write"


def test_allowed_scopes_are_enforced_at_the_authorize_endpoint(client, user, web_client):
    ClientProfile.objects.create(client_id=web_client.client_id, allowed_scopes=["read"])
    client.force_login(user)
    query = authorize_query(web_client)
    assert client.get("/o/authorize/", {**query, "scope": "read"}).status_code == 200
    refused = client.get("/o/authorize/", {**query, "scope": "read write"})
    assert redirect_params(refused)["error"] == "invalid_scope"


def test_the_client_lifetime_sets_exp_expires_in_and_the_row_alike(client, service_client):
    ClientProfile.objects.create(client_id=service_client.client_id, access_token_lifetime=90)
    body = client_credentials_token(client, service_client)
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert body["expires_in"] == 90 and claims["exp"] - claims["iat"] == 90
    row = get_access_token_model().objects.get()
    assert int(row.expires.timestamp()) == claims["exp"]


def test_clients_without_a_lifetime_get_the_default(client, service_client):
    body = client_credentials_token(client, service_client)
    assert body["expires_in"] == 600


def test_retired_keys_stay_published_for_the_longest_client_lifetime(db):
    ClientProfile.objects.create(client_id="slow", access_token_lifetime=7200)
    assert signing_keys.max_token_lifetime() >= timedelta(seconds=7200)
    make_client(Application.GRANT_CLIENT_CREDENTIALS, client_id="other")


def test_narrowing_a_client_narrows_what_its_refresh_tokens_get(client, user, web_client):
    tokens = code_flow_token(client, user, web_client, scope="read write")
    ClientProfile.objects.create(client_id=web_client.client_id, allowed_scopes=["read"])
    refreshed = refresh(client, web_client, tokens["refresh_token"])
    assert refreshed.status_code == 200 and refreshed.json()["scope"] == "read"
    asked = refresh(client, web_client, refreshed.json()["refresh_token"], scope="read write")
    assert asked.status_code == 400 and asked.json()["error"] == "invalid_scope"


def empty_secret(c: Client) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{c.client_id}:".encode()).decode()}


def test_switching_a_public_client_to_confidential_issues_a_new_secret(admin_client, client, public_client):
    url = f"{CHANGELIST}{public_client.app.pk}/change/"
    form = client_form(name="Native app", authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE)
    form["redirect_uris"] = REDIRECT_URI
    del form["client_id"]
    secret = shown_secret(admin_client.post(url, form))
    app = Application.objects.get(pk=public_client.app.pk)
    assert app.client_type == Application.CLIENT_CONFIDENTIAL
    # The empty secret it had as a public client no longer authenticates it...
    assert form_post(client, "/o/introspect/", {"token": "x"}, **empty_secret(public_client)).status_code == 401
    # ...the one shown once does.
    shown = basic_auth(Client(app, secret))
    assert form_post(client, "/o/introspect/", {"token": "x"}, **shown).json() == {"active": False}


def test_an_empty_secret_never_authenticates_a_confidential_client(client, db):
    # A confidential client whose stored secret is the hash of "" (made in a shell, or
    # stored before this rule): the empty secret is refused all the same.
    app = Application.objects.create(
        name="Shell-made",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret="",
    )
    assert app.client_secret  # DOT stored the hash of ""
    c = Client(app, "")
    assert form_post(client, "/o/introspect/", {"token": "x"}, **empty_secret(c)).status_code == 401
    response = form_post(client, "/o/token/", {"grant_type": "client_credentials"}, **empty_secret(c))
    assert response.status_code == 401
