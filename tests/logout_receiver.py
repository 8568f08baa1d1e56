"""A relying party's back-channel logout endpoint, for the tests: a tiny http.server
that records each POST and checks its logout token the way a client would, with an
independent JOSE library (jwcrypto) against the hub's published JWK set."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from jwcrypto import jwk, jwt

EVENT = "http://schemas.openid.net/event/backchannel-logout"


@dataclass
class Received:
    path: str
    content_type: str
    form: dict[str, list[str]]

    @property
    def token(self) -> str:
        (token,) = self.form["logout_token"]
        return token


@dataclass
class Receiver:
    """``status`` is the answer to each POST; ``delay`` seconds pass before it."""

    status: int = 200
    delay: float = 0.0
    location: str = ""
    received: list[Received] = field(default_factory=list)

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                receiver.received.append(Received(self.path, self.headers.get("Content-Type", ""), parse_qs(body)))
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def url(self, path: str = "/backchannel-logout") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, seconds: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received


def verify_logout_token(token: str, jwks_json: bytes, issuer: str, client_id: str) -> tuple[dict, dict]:
    """What OpenID Connect Back-Channel Logout 1.0 §2.6 asks a client to check; the
    header and claims, or an AssertionError naming what is wrong."""
    checked = jwt.JWT(
        jwt=token,
        key=jwk.JWKSet.from_json(jwks_json),
        expected_type="JWS",
        check_claims={"iss": issuer, "aud": client_id, "exp": None, "iat": None, "jti": None},
    )
    header, claims = json.loads(checked.header), json.loads(checked.claims)
    assert header["typ"] == "logout+jwt", header
    assert header["alg"] != "none" and header["kid"], header
    assert claims["events"] == {EVENT: {}}, claims
    assert "sub" in claims or "sid" in claims, claims
    assert "nonce" not in claims, claims
    assert 0 < claims["exp"] - claims["iat"] <= 120, claims
    return header, claims
