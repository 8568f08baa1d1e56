"""The two halves of the upgrade walk, each run in its own process with its own settings
(``python -m tests.upgrade.walk issue|verify FILE``); each prints one JSON document.

``issue`` runs under plain DOT (``tests.upgrade.plain_settings``, oauth_jwt not installed):
a person and two clients, and opaque tokens from DOT's token endpoint under each of
DOT's storage settings. ``verify`` runs under the settings the guide builds, after
``migrate``, and reports what each old and new token does."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import django

REDIRECT_URI = "http://127.0.0.1:8765/callback"
STORAGES = {"plaintext": False, "checksum only": True}


def _basic(client_id: str, secret: str) -> dict:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {raw}"}


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _post(client, url: str, data: dict, **headers):
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded", **headers)


def _client():
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1")


def _code_flow(client, user, web: dict) -> dict:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    client.force_login(user)
    approval = {
        "client_id": web["client_id"],
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "read",
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "allow": "Authorize",
    }
    redirect = client.post("/o/authorize/", approval)
    code = parse_qs(urlsplit(redirect["Location"]).query)["code"][0]
    client.logout()
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }
    response = _post(client, "/o/token/", exchange, **_basic(web["client_id"], web["secret"]))
    assert response.status_code == 200, response.content
    return response.json()


def issue() -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import override_settings
    from oauth2_provider.models import get_application_model

    Application = get_application_model()
    user = get_user_model().objects.create_user("alice", password=secrets.token_urlsafe(16))
    web = {"client_id": "web-app", "secret": secrets.token_urlsafe(32)}
    service = {"client_id": "service", "secret": secrets.token_urlsafe(32)}
    Application.objects.create(
        name="Web app",
        client_id=web["client_id"],
        client_secret=web["secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URI,
    )
    Application.objects.create(
        name="Service",
        client_id=service["client_id"],
        client_secret=service["secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    client = _client()
    tokens = {}
    for name, compliant in STORAGES.items():
        provider = {**settings.OAUTH2_PROVIDER, "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": compliant}
        with override_settings(OAUTH2_PROVIDER=provider):
            tokens[name] = _code_flow(client, user, web)
            grant = {"grant_type": "client_credentials", "scope": "read"}
            tokens[f"{name} service"] = _post(client, "/o/token/", grant, **_basic(**service)).json()
    working = {name: client.get("/api/me", **_bearer(t["access_token"])).status_code for name, t in tokens.items()}
    return {"user_pk": user.pk, "web": web, "service": service, "tokens": tokens, "plain_dot_api": working}


def _is_jwt(token: str) -> bool:
    import jwt

    return token.count(".") == 2 and jwt.get_unverified_header(token).get("typ") == "at+jwt"


def _resource_classes(client, token: str) -> dict:
    """Status of the token on the project's own DRF view (DOT's OAuth2Authentication)
    and on the hub's other resource classes (tests.dot_compat's views, under t/)."""
    paths = ["/api/me", "/t/dot/drf", "/t/dot/ninja/me", "/t/dot/protected", "/t/own/drf", "/t/own/decorated"]
    return {path: client.get(path, **_bearer(token)).status_code for path in paths}


def verify(issued: dict) -> dict:
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone
    from oauth2_provider.models import get_access_token_model, get_application_model

    import oauth_jwt

    client = _client()
    web, service = issued["web"], issued["service"]
    report: dict = {"old": {}, "refreshed": {}}
    for name in STORAGES:
        old = issued["tokens"][name]
        introspected = _post(client, "/o/introspect/", {"token": old["access_token"]}, **_basic(**web)).json()
        report["old"][name] = {
            "is_jwt": _is_jwt(old["access_token"]),
            "resource_classes": _resource_classes(client, old["access_token"]),
            "me": client.get("/api/me", **_bearer(old["access_token"])).json(),
            "introspection": introspected,
        }
        refreshed = _post(
            client, "/o/token/", {"grant_type": "refresh_token", "refresh_token": old["refresh_token"]}, **_basic(**web)
        )
        body = refreshed.json()
        report["refreshed"][name] = {
            "status": refreshed.status_code,
            "is_jwt": _is_jwt(body.get("access_token", "")),
            "refresh_token_is_jwt": body.get("refresh_token", "").count(".") == 2,
            "resource_classes": _resource_classes(client, body.get("access_token", "")),
        }
    old_service = issued["tokens"]["plaintext service"]["access_token"]
    revoked = _post(client, "/o/revoke_token/", {"token": old_service}, **_basic(**service))
    report["revocation"] = {
        "status": revoked.status_code,
        "after": client.get("/api/me", **_bearer(old_service)).status_code,
        "introspection": _post(client, "/o/introspect/", {"token": old_service}, **_basic(**service)).json(),
    }
    new = _post(client, "/o/token/", {"grant_type": "client_credentials", "scope": "read"}, **_basic(**service))
    report["new"] = {
        "is_jwt": _is_jwt(new.json()["access_token"]),
        "me": _resource_classes(client, new.json()["access_token"]),
    }
    legacy = secrets.token_urlsafe(20)
    get_access_token_model().objects.create(
        token=legacy,
        application=get_application_model().objects.get(client_id=web["client_id"]),
        user_id=issued["user_pk"],
        scope="read",
        expires=timezone.now() + timedelta(hours=1),
    )
    report["model_api"] = _resource_classes(client, legacy)
    out = StringIO()
    # Errors raise (the walk fails); the warnings are reported.
    call_command("check", "--deploy", "--fail-level", "ERROR", "--database", "default", stdout=out, stderr=out)
    report["check"] = out.getvalue()
    report["oauth_jwt"] = oauth_jwt.__file__
    return report


def main() -> None:
    django.setup()
    step = sys.argv[1]
    result = issue() if step == "issue" else verify(json.loads(Path(sys.argv[2]).read_text()))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
