"""oauth_jwt.introspection_client against a fake introspection endpoint."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from http.server import BaseHTTPRequestHandler
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest
from django.core.cache import caches

from oauth_jwt.exceptions import TemporarilyUnavailable
from oauth_jwt.resource import introspection_client

from ..conftest import serve_in_thread

TOKEN = "header.payload.signature"


class FakeIntrospection:
    def __init__(self) -> None:
        self.answer: dict = {"active": True, "jti": "j1"}
        self.status = 200
        self.calls: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                fake.calls.append({"form": parse_qs(body), "authorization": self.headers.get("Authorization")})
                data = json.dumps(fake.answer).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data)

        self.server = serve_in_thread(Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/o/introspect/"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint(oauth_jwt_settings):
    fake = FakeIntrospection()
    oauth_jwt_settings(
        REVOCATION_CHECK="introspection",
        INTROSPECTION_URL=fake.url,
        INTROSPECTION_CLIENT_ID="reports api",
        INTROSPECTION_CLIENT_SECRET="s3cr:t",
        INTROSPECTION_CACHE_SECONDS=1,
    )
    yield fake
    fake.stop()


def auth(jti="j1", exp_in=300):
    return SimpleNamespace(jti=jti, claims={"exp": int(time.time()) + exp_in})


def test_asks_with_client_credentials_and_caches_by_hash(endpoint):
    assert introspection_client.is_active(TOKEN, auth()) is True
    assert introspection_client.is_active(TOKEN, auth()) is True
    assert len(endpoint.calls) == 1
    call = endpoint.calls[0]
    assert call["form"] == {"token": [TOKEN], "token_type_hint": ["access_token"]}
    assert call["authorization"] == "Basic " + base64.b64encode(b"reports%20api:s3cr%3At").decode()
    cache = caches["default"]
    assert cache.get("oauth_jwt:introspect:" + hashlib.sha256(TOKEN.encode()).hexdigest()) is True
    assert cache.get("oauth_jwt:introspect:" + TOKEN) is None


def test_the_answer_is_asked_again_after_the_cache_period(endpoint, clock):
    assert introspection_client.is_active(TOKEN, auth()) is True
    endpoint.answer = {"active": False}
    assert introspection_client.is_active(TOKEN, auth()) is True  # still cached
    clock.advance(1.1)
    time.sleep(1.1)  # a shared cache (Redis) expires entries on its own clock, not ours
    assert introspection_client.is_active(TOKEN, auth()) is False
    assert introspection_client.is_active(TOKEN, auth()) is False
    assert len(endpoint.calls) == 2


def test_an_answer_about_another_token_is_not_active(endpoint):
    endpoint.answer = {"active": True, "jti": "someone-else"}
    assert introspection_client.is_active(TOKEN, auth()) is False


def test_an_unreachable_hub_is_503_not_revoked_and_logged(endpoint, caplog):
    endpoint.stop()
    with pytest.raises(TemporarilyUnavailable) as raised:
        introspection_client.is_active(TOKEN, auth())
    assert raised.value.status_code == 503 and raised.value.retry_after == 5
    assert "revoked" not in raised.value.description
    assert [r.event for r in caplog.records] == ["introspection.hub_unreachable"]


@pytest.mark.parametrize(
    ("status", "event", "hint"),
    [
        (401, "introspection.client_rejected", "INTROSPECTION_CLIENT_SECRET"),
        (403, "introspection.not_served", "served_resources"),
        (429, "introspection.throttled", "throttles"),
        (500, "introspection.hub_error", "HTTP 500"),
    ],
)
def test_each_refusal_by_the_hub_has_its_own_logged_cause(endpoint, caplog, status, event, hint):
    endpoint.status = status
    with pytest.raises(TemporarilyUnavailable):
        introspection_client.is_active(TOKEN, auth())
    (record,) = [r for r in caplog.records if r.name == "oauth_jwt.resource.introspection_client"]
    assert record.event == event and hint in record.getMessage()
    assert TOKEN not in record.getMessage()


def test_an_answer_that_is_not_json_is_a_hub_error(endpoint, caplog):
    endpoint.answer = ["not", "an", "object"]
    with pytest.raises(TemporarilyUnavailable):
        introspection_client.is_active(TOKEN, auth())
    assert [r.event for r in caplog.records] == ["introspection.hub_error"]
