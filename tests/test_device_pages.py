"""The device pages (RFC 8628 §3.3): page headers, the user code kept out of every URL,
codes typed the way people type them, and what the pages say (Django test client;
tests/browser/test_device.py drives them in Chromium)."""

from __future__ import annotations

import re

import pytest
from oauth2_provider.models import get_device_grant_model

from oauth_jwt.models import ClientProfile
from tests.conftest import form_post
from tests.test_pages import assert_page_headers

pytestmark = pytest.mark.django_db

DeviceGrant = get_device_grant_model()


@pytest.fixture
def grant(client, device_client):
    response = form_post(client, "/o/device-authorization/", {"client_id": device_client.client_id, "scope": "read"})
    assert response.status_code == 200
    return response.json()


def dashed(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def assert_code_not_in_urls(response, code: str) -> None:
    """Neither the redirect nor any link or form on the page carries the code."""
    assert code not in response.get("Location", "")
    html = response.content.decode() if response.content else ""
    for url in re.findall(r'(?:href|action)="([^"]*)"', html):
        assert code not in url.replace("-", "").upper(), url


def test_every_device_page_has_the_page_headers(client, user, grant):
    assert_page_headers(client.get("/o/device/"))  # the redirect to sign in
    client.force_login(user)
    assert_page_headers(client.get("/o/device/"))
    entered = client.post("/o/device/", {"user_code": "ZZZZZZZZ"})
    assert_page_headers(entered)
    entered = client.post("/o/device/", {"user_code": grant["user_code"]})
    assert_page_headers(entered)
    assert_page_headers(client.get(entered["Location"]))
    answered = client.post(entered["Location"], {"action": "accept"})
    assert_page_headers(answered)
    assert_page_headers(client.get(answered["Location"]))
    assert_page_headers(client.get(entered["Location"]))  # answered: no code waiting (404)


def test_the_user_code_never_appears_in_a_url(client, user, grant):
    code = grant["user_code"]
    client.force_login(user)
    entered = client.post("/o/device/", {"user_code": code})
    assert entered.status_code == 303
    assert_code_not_in_urls(entered, code)
    page = client.get(entered["Location"])
    assert page.status_code == 200
    assert_code_not_in_urls(page, code)
    assert dashed(code) in page.content.decode()  # shown, for the person to compare
    answered = client.post(entered["Location"], {"action": "accept"})
    assert_code_not_in_urls(answered, code)
    assert_code_not_in_urls(client.get(answered["Location"]), code)


def test_verification_uri_complete_moves_the_code_out_of_the_url(client, user, grant):
    code = grant["user_code"]
    arrived = client.get("/o/device/", {"user_code": dashed(code).lower()})
    assert arrived.status_code == 303
    assert arrived["Location"] == "/o/device/"
    signin = client.get(arrived["Location"])
    assert signin.status_code == 302
    assert code not in signin["Location"] and code.lower() not in signin["Location"]
    client.force_login(user)
    page = client.get("/o/device/")
    assert page.status_code == 200
    assert f'value="{dashed(code)}"' in page.content.decode()  # to check, then submit
    assert DeviceGrant.objects.get().user is None  # nothing happens before the submit


@pytest.mark.parametrize("typed", ["{lower}", "{dashed}", " {lower_dashed} ", "{spaced}"])
def test_codes_are_read_whatever_the_case_spaces_or_dashes(client, user, grant, typed):
    code = grant["user_code"]
    value = typed.format(
        lower=code.lower(),
        dashed=dashed(code),
        lower_dashed=dashed(code).lower(),
        spaced=" ".join(code),
    )
    client.force_login(user)
    assert client.post("/o/device/", {"user_code": value}).status_code == 303


@pytest.mark.oauth_jwt_settings(CLIENT_AUTH_MAX_FAILURES=2)
def test_typing_slips_do_not_count_as_guesses(client, user, grant):
    client.force_login(user)
    for slip in ("", "?", "ABCD/EFGH", "ÄÖÜ", "x" * 101):
        response = client.post("/o/device/", {"user_code": slip})
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()
    assert client.post("/o/device/", {"user_code": grant["user_code"]}).status_code == 303


def test_the_entry_page(client, user):
    client.force_login(user)
    page = client.get("/o/device/")
    html = page.content.decode()
    assert "<title>Connect a device · " in html
    assert '<main id="main"' in html and "<header" in html
    assert "Signed in as <strong>alice</strong>" in html
    assert 'aria-describedby="user-code-hint"' in html
    wrong = client.post("/o/device/", {"user_code": "ZZZZZZZZ"}).content.decode()
    assert 'role="alert" id="user-code-error"' in wrong
    assert 'aria-invalid="true"' in wrong and 'aria-describedby="user-code-hint user-code-error"' in wrong
    assert "That code is not right." in wrong


def test_the_confirmation_page_names_the_app_and_warns_when_not_vetted(client, user, grant, device_client):
    client.force_login(user)
    entered = client.post("/o/device/", {"user_code": grant["user_code"]})
    html = client.get(entered["Location"]).content.decode()
    assert "<title>Connect TV app? · " in html
    assert "<h1>TV app on a device wants to use your account</h1>" in html
    assert "Not vetted." in html
    assert "Signed in as <strong>alice</strong>" in html
    assert "Read your data" in html
    assert 'name="action" value="accept" class="button button--primary"' in html
    ClientProfile.objects.create(client_id=device_client.client_id, vetted=True)
    assert "Not vetted." not in client.get(entered["Location"]).content.decode()


def test_the_outcome_pages(client, user, grant, device_client):
    client.force_login(user)
    entered = client.post("/o/device/", {"user_code": grant["user_code"]})
    denied = client.post(entered["Location"], {"action": "deny"})
    page = client.get(denied["Location"])
    assert page.status_code == 200
    assert "<title>Device not connected · " in page.content.decode()
    gone = client.get(entered["Location"])
    assert gone.status_code == 404
    assert 'role="alert"' in gone.content.decode()
    assert DeviceGrant.objects.get().status == DeviceGrant.DENIED


def test_dots_device_pages_with_the_code_in_their_path_are_not_mounted(client, user, grant, device_client):
    client.force_login(user)
    client.post("/o/device/", {"user_code": grant["user_code"]})
    path = f"/o/device-confirm/{device_client.client_id}/{grant['user_code']}"
    assert client.get(path).status_code == 404
    assert client.post(path, {"action": "accept"}).status_code == 404
    assert client.get(f"/o/device-grant-status/{device_client.client_id}/{grant['user_code']}").status_code == 404
    assert DeviceGrant.objects.get().status == DeviceGrant.AUTHORIZATION_PENDING
