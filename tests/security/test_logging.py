"""No credential in any log record, at DEBUG, across full flows and their failures:
passwords, client secrets, codes, PKCE verifiers, access and refresh tokens
(catalogue C31; STYLE.md). Covers oauth_jwt's, DOT's, oauthlib's and Django's loggers,
as a handler with the settings' ``RedactCredentials`` filter receives them."""

from __future__ import annotations

import base64
import io
import logging

import pytest

from oauth_jwt.redaction import RedactCredentials

from ..conftest import (
    PASSWORD,
    REDIRECT_URI,
    authorize,
    basic_auth,
    bearer,
    client_credentials_token,
    form_post,
    make_client,
    pkce_pair,
    redirect_params,
    refresh,
    token_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(caplog):
    """``caplog`` at DEBUG, and what the settings' handlers wrote. Their
    ``RedactCredentials`` filter rewrites each record in place before ``caplog``'s
    handler, added after them, keeps it."""
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactCredentials) for f in h.filters)]
    assert handlers, "LOGGING puts no RedactCredentials on the root logger's handlers"
    written = io.StringIO()
    previous = [handler.setStream(written) for handler in handlers]
    caplog.set_level(logging.DEBUG)
    yield caplog, written
    for handler, stream in zip(handlers, previous):
        handler.setStream(stream)


def everything_logged(records) -> str:
    """Messages, arguments and every extra attribute of every record, as text."""
    parts = []
    for record in records:
        parts.append(record.getMessage())
        parts.extend(repr(value) for value in vars(record).values())
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def test_no_credential_is_logged_in_a_full_flow(client, user, web_client, service_client, logged):
    caplog, written = logged
    secrets = [PASSWORD, web_client.secret, service_client.secret]

    # Sign in with a password, then a wrong one.
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    wrong_password = "not-" + PASSWORD
    client.post("/accounts/login/", {"username": user.username, "password": wrong_password})
    secrets.append(wrong_password)

    # Code flow with PKCE, a bad verifier, a replay, refresh, refresh reuse.
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, web_client, challenge=challenge))["code"]
    secrets += [verifier, code]
    body = dict(grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI, code_verifier=verifier)
    tokens = token_request(client, web_client, **body).json()
    token_request(client, web_client, **body)  # replay
    secrets += [tokens["access_token"], tokens["refresh_token"]]

    # Each flow with its own client: a remembered consent would skip the page.
    second, third = make_client("authorization-code", name="Second"), make_client("authorization-code", name="Third")
    secrets += [second.secret, third.secret]
    bad_verifier, other_challenge = pkce_pair()
    other_code = redirect_params(authorize(client, user, second, challenge=other_challenge))["code"]
    token_request(
        client,
        second,
        grant_type="authorization_code",
        code=other_code,
        redirect_uri=REDIRECT_URI,
        code_verifier=bad_verifier + "x",
    )
    secrets += [other_code, bad_verifier]

    first_verifier, first_challenge = pkce_pair()
    live_code = redirect_params(authorize(client, user, third, challenge=first_challenge))["code"]
    live = token_request(
        client,
        third,
        grant_type="authorization_code",
        code=live_code,
        redirect_uri=REDIRECT_URI,
        code_verifier=first_verifier,
    ).json()
    rotated = refresh(client, third, live["refresh_token"]).json()
    refresh(client, third, live["refresh_token"])  # reuse
    secrets += [
        live_code,
        first_verifier,
        live["access_token"],
        live["refresh_token"],
        rotated["access_token"],
        rotated["refresh_token"],
    ]

    # Client credentials, a wrong client secret, the resource server, introspection, revocation.
    service = client_credentials_token(client, service_client)["access_token"]
    secrets.append(service)
    wrong = base64.b64encode(f"{service_client.client_id}:wrong-secret-123".encode()).decode()
    form_post(client, "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {wrong}")
    secrets += ["wrong-secret-123", wrong, basic_auth(service_client)["HTTP_AUTHORIZATION"].split()[1]]
    client.get("/api/me", **bearer(service))
    client.get("/api/me", **bearer(service[:-3] + "abc"))
    form_post(client, "/o/introspect/", {"token": service}, **basic_auth(service_client))
    form_post(client, "/o/revoke_token/", {"token": service}, **basic_auth(service_client))
    client.get("/api/me", **bearer(service))

    logged = everything_logged(caplog.records) + written.getvalue()
    assert (
        len(caplog.records) > 20 and len(written.getvalue().splitlines()) > 20
    )  # the flow did log (DOT and oauthlib at DEBUG)
    assert {"oauthlib", "oauth2_provider", "oauth_jwt"} <= {r.name.split(".")[0] for r in caplog.records}
    leaked = [s for s in secrets if s and s in logged]
    assert not leaked, [s[:12] + "…" for s in leaked]
    # Signed parts are never logged either (a token's signature alone is not a secret,
    # but a header.payload prefix would identify and partly reveal it).
    for token in (tokens["access_token"], service):
        assert token.rsplit(".", 1)[0] not in logged


@pytest.mark.parametrize(
    "message, args, secret",
    [
        ("Success url for the request: %s", ("https://c.example/cb?code=AbCdEf123456&state=x",), "AbCdEf123456"),
        ("Issuing token %r", ({"access_token": "eyJa.eyJb.sig", "refresh_token": "r" * 30},), "r" * 30),
        ("Validating refresh token %s for client %r.", ("Z" * 30, "client"), "Z" * 30),
        ("Saving grant %r", ({"code": "short-code", "state": "s"},), "short-code"),
        ("Header Authorization: Basic %s", ("Y2xpZW50OnNlY3JldA==",), "Y2xpZW50OnNlY3JldA=="),
        ("body client_secret=s3cr3t&grant_type=x", (), "s3cr3t"),
    ],
)
def test_oauthlib_and_dot_records_are_redacted(logged, message, args, secret):
    caplog, written = logged
    for name in ("oauthlib.oauth2.rfc6749.grant_types.refresh_token", "oauth2_provider"):
        logging.getLogger(name).debug(message, *args)
    assert len(caplog.records) == 2
    for line in [record.getMessage() for record in caplog.records] + written.getvalue().splitlines():
        assert secret not in line
        assert "[redacted]" in line


def test_other_loggers_are_left_alone(logged):
    caplog, written = logged
    logging.getLogger("authhub.example").debug("code=%s", "kept-as-is-for-the-app-to-decide")
    assert caplog.records[0].getMessage() == "code=kept-as-is-for-the-app-to-decide"
    assert "code=kept-as-is-for-the-app-to-decide" in written.getvalue()


def test_every_handler_of_the_settings_redacts(settings):
    config = settings.LOGGING
    redacting = {
        name for name, spec in config["filters"].items() if spec["()"] == "oauth_jwt.redaction.RedactCredentials"
    }
    assert config["handlers"] and all(set(h["filters"]) & redacting for h in config["handlers"].values())
