"""A bearer token never becomes a session: with ``BearerTokenMiddleware`` installed, a
staff member's access token opens neither the admin nor any other session-based view
(issue 12, High). The middleware authenticates only views that opt in."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ..conftest import bearer, code_flow_token


@pytest.fixture(autouse=True)
def with_middleware(settings):
    settings.ROOT_URLCONF = "tests.resource_server.urls"
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "oauth_jwt.resource.middleware.BearerTokenMiddleware"]


@pytest.fixture
def staff_token(client, staff_user, web_client) -> str:
    token = code_flow_token(client, staff_user, web_client, scope="read write")["access_token"]
    client.logout()
    return token


def test_a_staff_token_does_not_open_the_admin(staff_token):
    browser = Client()
    response = browser.get("/admin/", **bearer(staff_token))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert browser.get("/admin/auth/user/", **bearer(staff_token)).status_code == 302


def test_no_listed_path_opens_an_admin_site_of_another_name(staff_token, oauth_jwt_settings):
    """A project's own ``AdminSite(name="staff")`` is the admin too, whatever BEARER_PATHS lists."""
    oauth_jwt_settings(BEARER_PATHS=["/"])
    response = Client().get("/staff/", **bearer(staff_token))
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_a_staff_token_cannot_create_a_user_through_the_admin(staff_token):
    data = {"username": "mallory", "password1": "x-Very-l0ng-pass", "password2": "x-Very-l0ng-pass"}
    for browser in (Client(), Client(enforce_csrf_checks=True)):
        response = browser.post("/admin/auth/user/add/", data, **bearer(staff_token))
        assert response.status_code in (302, 403)
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_a_view_that_did_not_opt_in_keeps_the_session_user(client, user, staff_token):
    client.force_login(user)
    body = client.get("/session-only", **bearer(staff_token)).json()
    assert body == {"user": "alice", "auth": False}


def test_a_bad_token_on_an_opted_in_view_never_falls_back_to_the_session(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/whoami").json()["user"] == "alice"
    body = browser.get("/whoami", **bearer("not-a-jwt")).json()
    assert body["authenticated"] is False and body["user"] == "AnonymousUser"


def test_a_session_user_gets_no_csrf_exemption_on_an_opted_in_view(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.post("/whoami").status_code == 403


def test_a_token_in_the_query_string_earns_no_csrf_exemption(user):
    """A cross-site form can put anything in a URL, but cannot set an Authorization header."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.post("/whoami?access_token=x").status_code == 403
    body = browser.get("/whoami?access_token=x").json()
    assert body["authenticated"] is False and body["user"] == "AnonymousUser"


def test_listed_before_the_session_middleware_a_bearer_request_still_never_gets_the_session_user(user, settings):
    """AuthenticationMiddleware, if it runs after this one, must not put the session's user
    back on a request that lifted the CSRF check because it carried a token."""
    bearer_mw = "oauth_jwt.resource.middleware.BearerTokenMiddleware"
    auth_mw = "django.contrib.auth.middleware.AuthenticationMiddleware"
    rest = [m for m in settings.MIDDLEWARE if m != bearer_mw]
    settings.MIDDLEWARE = [*rest[: rest.index(auth_mw)], bearer_mw, *rest[rest.index(auth_mw) :]]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    body = browser.post("/whoami", **bearer("not-a-jwt")).json()
    assert body["authenticated"] is False and body["user"] == "AnonymousUser"
