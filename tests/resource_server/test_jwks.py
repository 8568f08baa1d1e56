"""oauth_jwt.jwks against a small fake hub whose answers each test controls."""

from __future__ import annotations

import json
import time
import uuid
from http.server import BaseHTTPRequestHandler

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from oauth_jwt.exceptions import InvalidToken, TemporarilyUnavailable
from oauth_jwt.resource import remote_keys, signatures
from oauth_jwt.resource.authentication import authenticate_token

from ..conftest import serve_in_thread

ISSUER = "https://hub.example.test"
AUDIENCE = "https://reports.example.test/api/"


class FakeHub:
    def __init__(self) -> None:
        self.keys: list[dict] = []
        self.cache_control = "public, max-age=300"
        self.issuer = ISSUER
        self.oversized = False
        self.hits: dict[str, int] = {}
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                hub.hits[self.path] = hub.hits.get(self.path, 0) + 1
                if self.path == "/.well-known/oauth-authorization-server":
                    body = {"issuer": hub.issuer, "jwks_uri": hub.url + "/jwks"}
                elif self.path == "/jwks":
                    body = {"keys": hub.keys, "pad": "x" * 70_000 if hub.oversized else ""}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Cache-Control", hub.cache_control)
                self.end_headers()
                self.wfile.write(data)

        self.server = serve_in_thread(Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def new_key(self, **jwk_changes):
        private = ec.generate_private_key(ec.SECP256R1())
        public = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
        public.update({"kid": uuid.uuid4().hex, "alg": "ES256", "use": "sig"}, **jwk_changes)
        public = {k: v for k, v in public.items() if v is not None}
        self.keys.append(public)
        return private, public

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_hub(oauth_jwt_settings):
    hub = FakeHub()
    oauth_jwt_settings(
        ISSUER=ISSUER,
        AUDIENCE=AUDIENCE,
        METADATA_URL=hub.url + "/.well-known/oauth-authorization-server",
        JWKS_REFRESH_INTERVAL_SECONDS=0.5,
        REVOCATION_CHECK="none",
    )
    remote_keys.reset()
    yield hub
    hub.stop()
    remote_keys.reset()


def sign(private, public, **claims) -> str:
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "42",
        "client_id": "app",
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 300,
        "scope": "read",
        **claims,
    }
    token = jwt.encode(body, private, algorithm="ES256", headers={"typ": "at+jwt", "kid": public["kid"]})
    return signatures.canonical(token, "ES256")  # as the hub signs: the low s only


def test_keys_come_from_the_metadata_jwks_uri(fake_hub):
    private, public = fake_hub.new_key()
    key = remote_keys.remote_key(public["kid"])
    assert (key.kid, key.algorithm) == (public["kid"], "ES256")
    _, auth = authenticate_token(sign(private, public))
    assert auth.sub == "42"


def test_jwks_url_skips_discovery(fake_hub, oauth_jwt_settings):
    oauth_jwt_settings(METADATA_URL="", JWKS_URL=fake_hub.url + "/jwks")
    _, public = fake_hub.new_key()
    assert remote_keys.remote_key(public["kid"]) is not None
    assert "/.well-known/oauth-authorization-server" not in fake_hub.hits


def test_metadata_naming_another_issuer_is_not_trusted(fake_hub, caplog):
    fake_hub.issuer = "https://evil.example.test"
    _, public = fake_hub.new_key()
    with pytest.raises(TemporarilyUnavailable, match="metadata"):
        remote_keys.remote_key(public["kid"])
    assert "/jwks" not in fake_hub.hits
    (record,) = [r for r in caplog.records if r.name == "oauth_jwt.resource.remote_keys"]
    assert record.event == "jwks.discovery_failed" and "another issuer" in record.getMessage()


def test_the_jwk_set_is_kept_for_its_max_age(fake_hub, clock):
    fake_hub.cache_control = "public, max-age=1"
    _, public = fake_hub.new_key()
    for _ in range(5):
        assert remote_keys.remote_key(public["kid"]) is not None
    assert fake_hub.hits["/jwks"] == 1
    clock.advance(1.1)
    assert remote_keys.remote_key(public["kid"]) is not None
    assert fake_hub.hits["/jwks"] == 2


def test_an_unknown_kid_refetches_at_most_once_per_interval(fake_hub, clock):
    _, public = fake_hub.new_key()
    assert remote_keys.remote_key(public["kid"]) is not None
    clock.advance(0.6)
    for _ in range(20):
        assert remote_keys.remote_key("no-such-kid") is None
    assert fake_hub.hits["/jwks"] == 2
    _, rotated = fake_hub.new_key()
    assert remote_keys.remote_key(rotated["kid"]) is None  # still within the interval
    clock.advance(0.6)
    assert remote_keys.remote_key(rotated["kid"]) is not None
    assert fake_hub.hits["/jwks"] == 3


def test_keys_without_a_supported_alg_or_with_private_members_are_ignored(fake_hub):
    _, no_alg = fake_hub.new_key(alg=None)
    _, weak = fake_hub.new_key(alg="HS256")
    _, private = fake_hub.new_key(d="c2VjcmV0")
    _, good = fake_hub.new_key()
    assert remote_keys.remote_key(good["kid"]) is not None
    for public in (no_alg, weak, private):
        assert remote_keys.remote_key(public["kid"]) is None


def test_the_algorithm_is_pinned_to_the_key(fake_hub):
    private, public = fake_hub.new_key()
    token = jwt.encode(
        {"iss": ISSUER},
        "a-guessed-secret-that-is-long-enough-for-hs256",
        algorithm="HS256",
        headers={"typ": "at+jwt", "kid": public["kid"]},
    )
    with pytest.raises(InvalidToken, match="algorithm"):
        authenticate_token(token)


def test_a_key_named_inside_the_token_is_never_used_or_fetched(fake_hub):
    _, public = fake_hub.new_key()
    attacker = ec.generate_private_key(ec.SECP256R1())
    token = jwt.encode(
        {"iss": ISSUER},
        attacker,
        algorithm="ES256",
        headers={"typ": "at+jwt", "kid": public["kid"], "jku": fake_hub.url + "/attacker-jwks"},
    )
    with pytest.raises(InvalidToken):
        authenticate_token(token)
    assert "/attacker-jwks" not in fake_hub.hits


def test_an_oversized_jwk_set_is_refused(fake_hub):
    _, public = fake_hub.new_key()
    fake_hub.oversized = True
    with pytest.raises(TemporarilyUnavailable, match="keys"):
        remote_keys.remote_key(public["kid"])


def test_an_unreachable_hub_keeps_known_keys_only(fake_hub, clock):
    fake_hub.cache_control = "max-age=1"
    private, public = fake_hub.new_key()
    token = sign(private, public)
    authenticate_token(token)
    _, unseen = fake_hub.new_key()
    fake_hub.stop()
    clock.advance(1.1)  # the cached set is stale and the hub is gone
    _, auth = authenticate_token(token)
    assert auth.jti
    assert remote_keys.remote_key(public["kid"]) is not None
    clock.advance(0.6)
    assert remote_keys.remote_key(unseen["kid"]) is None


@pytest.mark.oauth_jwt_settings(ISSUER=ISSUER, METADATA_URL="http://127.0.0.1:9/.well-known/oauth-authorization-server")
def test_no_hub_at_all_is_503_and_logged_not_an_unknown_key(caplog):
    remote_keys.reset()
    try:
        with pytest.raises(TemporarilyUnavailable) as raised:
            remote_keys.remote_key("any")
        assert raised.value.status_code == 503 and "unknown key" not in raised.value.description
        assert [r.event for r in caplog.records if r.name == "oauth_jwt.resource.remote_keys"] == [
            "jwks.discovery_failed"
        ]
    finally:
        remote_keys.reset()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("public, max-age=60", 60.0),
        ("max-age=0", remote_keys.MIN_LIFESPAN_SECONDS),
        ("no-store", remote_keys.MIN_LIFESPAN_SECONDS),
        ("max-age=999999999", remote_keys.MAX_LIFESPAN_SECONDS),
    ],
)
def test_lifespan_from_cache_control(header, expected):
    assert remote_keys.lifespan_from(header) == expected


@pytest.mark.oauth_jwt_settings(JWKS_MAX_AGE_SECONDS=120)
def test_lifespan_without_cache_control_is_the_default():
    assert remote_keys.lifespan_from("") == 120.0
