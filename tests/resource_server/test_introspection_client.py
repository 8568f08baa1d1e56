"""oauth_jwt.introspection_client against a fake introspection endpoint."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest
from django.core.cache import caches

from oauth_jwt import introspection_client

TOKEN = "header.payload.signature"


class FakeIntrospection:
    def __init__(self) -> None:
        self.answer: dict = {"active": True, "jti": "j1"}
        self.calls: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                fake.calls.append({"form": parse_qs(body), "authorization": self.headers.get("Authorization")})
                data = json.dumps(fake.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/o/introspect/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint(settings):
    fake = FakeIntrospection()
    settings.OAUTH_JWT = {
        **settings.OAUTH_JWT,
        "REVOCATION_CHECK": "introspection",
        "INTROSPECTION_URL": fake.url,
        "INTROSPECTION_CLIENT_ID": "reports api",
        "INTROSPECTION_CLIENT_SECRET": "s3cr:t",
        "INTROSPECTION_CACHE_SECONDS": 1,
    }
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


def test_the_answer_is_asked_again_after_the_cache_period(endpoint):
    assert introspection_client.is_active(TOKEN, auth()) is True
    endpoint.answer = {"active": False}
    assert introspection_client.is_active(TOKEN, auth()) is True  # still cached
    time.sleep(1.1)
    assert introspection_client.is_active(TOKEN, auth()) is False
    assert introspection_client.is_active(TOKEN, auth()) is False
    assert len(endpoint.calls) == 2


def test_an_answer_about_another_token_is_not_active(endpoint):
    endpoint.answer = {"active": True, "jti": "someone-else"}
    assert introspection_client.is_active(TOKEN, auth()) is False


def test_an_unreachable_hub_fails_closed(endpoint):
    endpoint.stop()
    assert introspection_client.is_active(TOKEN, auth()) is False
